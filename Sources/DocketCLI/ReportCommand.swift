import ArgumentParser
import CertificationWire
import Chronology
import DocketApplication
import DocketJSON
import Foundation
import Projections
import ProjectionsPostgres

/// `docket report NAME`: a read model as a table, JSON or CSV.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print a report from a read model (brought up to date first).",
        discussion: """
            Reports:
              cases         the case view per case (--batch, --occupation, --case, --from/--to applied)
              timelines     who did what and when, one line per event (--case, --from/--to)
              batches       applied, approved, rejected, withdrawn, ticketed, sat, passed per subject with pass rates, certified, retakes (--batch, --occupation)
              revenue       paid, refunded and net yuan by batch, occupation and day (--batch, --occupation, --from/--to)
              retakes       cases owed one subject: window closing day, days left, requested/sat/passed (--expiring-within DAYS)
              certificates  the public look-up: number, occupation, level, issue date, masked holder
              complaints    open and resolved, by category, with age in days
              findings      ticket-late, refund-due, score-corrected, rule-broken, complaint-open (older than --complaint-days, default 15)
            Dates are Asia/Shanghai local days, inclusive. Ages and lapses count from --today (default: today, or the day of --as-of / --known-at).

            --as-of T answers from the read model built from the events whose business time is by T; --known-at T from the model as the store held it at T (both built on first use, kept in <store>/projections). --output json prints {"report", "logPosition", "generatedAt", "today", "filters", "columns", "rows": [...], "totals"}; --output jsonl prints that header (without rows and totals) as its first line, then one row per line. Tables and CSV end with a totals row where the report counts people or yuan (batches, revenue, cases).

            Examples:
              docket report revenue --batch 2024-04 --output csv --csv-bom > revenue.csv
              docket report complaints --from 2024-05-01 --status open
              docket report timelines --case 2024-04-000001 --output json
              docket report batches --batch 2024-04
              docket report retakes --expiring-within 30
              docket report revenue --known-at 2024-06-30 --output csv
              docket report findings --complaint-days 10 --output jsonl
              docket report batches --target postgres --target-store all

            --target postgres answers from the store's PostgreSQL target (`docket projections target add`) with the same rows as from SQLite; --target-store ID answers for another store the database holds, --target-store all for every store (a leading `store` column). The target is read as it stands (`docket projections update` or `docket serve` keep it current); --as-of and --known-at are answered from SQLite only.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv
    }

    @OptionGroup var options: StoreOptions

    @Argument(help: ArgumentHelp("The report: \(Report.names.joined(separator: ", ")).", valueName: "name"))
    var name: String

    @Option(help: "Only this batch (cases, batches, revenue, retakes, findings).")
    var batch: String?

    @Option(help: "Only this occupation (cases, batches, certificates, revenue, retakes).")
    var occupation: String?

    @Option(help: ArgumentHelp("From this local date, YYYY-MM-DD.", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("Through this local date, YYYY-MM-DD.", valueName: "date"))
    var to: String?

    @Option(name: .customLong("case"), help: ArgumentHelp("Only this case.", valueName: "id"))
    var caseID: String?

    @Option(
        name: .customLong("complaint-days"),
        help: ArgumentHelp("Findings: an open complaint is a finding once open this many days.", valueName: "days")
    )
    var complaintDays = 15

    @Option(
        name: .customLong("expiring-within"),
        help: ArgumentHelp("Retakes: only unused windows closing within this many days.", valueName: "days")
    )
    var expiringWithin: Int?

    @Option(help: ArgumentHelp("The day reports count ages from (default: today in Asia/Shanghai).", valueName: "date"))
    var today: String?

    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("The same as --output (kept for scripts written for it).", visibility: .hidden))
    var format: Format?

    @Option(
        help: ArgumentHelp(
            "Only rows in this state (cases: a status; complaints: open or resolved; retakes: eligible, requested, passed, not-passed, lapsed).",
            valueName: "state"
        )
    )
    var status: String?

    @OptionGroup var cut: CutOptions

    @Option(
        help: ArgumentHelp(
            "Where to answer from: sqlite or postgres (default: sqlite, unless the target was added with --reports-by-default).",
            valueName: "target"
        )
    )
    var target: String?

    @Option(
        help: ArgumentHelp(
            "With --target postgres: the id of another store the database holds, or all.",
            valueName: "id"
        )
    )
    var targetStore: String?

    func validate() throws {
        if let target, !["sqlite", "postgres"].contains(target) {
            throw ValidationError("--target is sqlite or postgres, not \(target)")
        }
        if let targetStore, targetStore != "all", !PostgresTarget.isValidStoreID(targetStore) {
            throw ValidationError(
                "--target-store \(targetStore) is not a store id (1 to 64 of a-z, 0-9, '.', '_', '-') nor all"
            )
        }
        if targetStore != nil && target == "sqlite" {
            throw ValidationError(
                "--target-store names a store in the PostgreSQL target; it goes with --target postgres"
            )
        }
        guard Report.names.contains(name) else {
            throw ValidationError("no report \(name); the reports are \(Report.names.joined(separator: ", "))")
        }
        if let today, LocalDate(today) == nil {
            throw ValidationError("--today \(today) is not a date; write YYYY-MM-DD")
        }
    }

    func run() throws {
        let answer: ReportAnswer
        do {
            let service = try DocketService.open(at: options.path, readOnly: true)
            var filters = Report.Filters()
            filters.batch = batch
            filters.occupation = occupation
            filters.from = from
            filters.to = to
            filters.caseID = caseID
            filters.complaintDays = complaintDays
            filters.expiringWithinDays = expiringWithin
            filters.status = status
            let cut = try self.cut.cut
            let byDefault = (try service.reportingTargets()?.postgres?.reportsByDefault ?? false) && cut == .now
            if target == "postgres" || (target == nil && (byDefault || targetStore != nil)) {
                guard cut == .now else {
                    throw DocketError(
                        .invalidParameter,
                        "--as-of and --known-at are answered from SQLite; leave out --target postgres",
                        field: "target"
                    )
                }
                let stores: PostgresTarget.StoreSelection =
                    switch targetStore {
                    case nil: .this
                    case "all": .all
                    case let id?: .store(id)
                    }
                answer = try service.targetReport(
                    name,
                    filters: filters,
                    stores: stores,
                    today: today.flatMap(LocalDate.init)
                )
            } else {
                answer = try service.report(name, filters: filters, cut: cut, today: today.flatMap(LocalDate.init))
            }
        } catch {
            throw Terminal.fail(error)
        }
        let report = answer.report
        let chosen = format.map { OutputOptions.Format(rawValue: $0.rawValue)! } ?? output.format
        switch chosen {
        case .table:
            var table = TextTable(report.columns)
            for row in report.rows { table.add(row.map(Report.text)) }
            if let totals = report.totalsRow { table.add(totals.map(Report.text)) }
            print(table.rendered, terminator: "")
        case .json:
            print(JSONWriter.string(answer.json))
        case .jsonl:
            // The header first (report, logPosition, today, filters, columns), then one row per line.
            var out = JSONWriter.string(.object(answer.header)) + "\n"
            for row in report.rows { out += JSONWriter.string(report.rowJSON(row)) + "\n" }
            Output.write(out)
        case .csv:
            Output.write(report.csvText(byteOrderMark: output.csvBOM))
        }
    }
}
