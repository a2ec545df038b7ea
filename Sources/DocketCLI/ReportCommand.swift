import ArgumentParser
import Chronology
import DocketJSON
import DocketStore
import EventLog
import Foundation
import Projections

/// `docket report NAME`: a read model as a table, JSON or CSV.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print a report from a read model (brought up to date first).",
        discussion: """
            Reports: timelines (--case), certificates (the public look-up: masked holders), complaints (open and resolved, with age in days), revenue (paid, refunded and net yuan by batch, occupation and day). Dates are Asia/Shanghai local days, inclusive.

            Examples:
              docket report revenue --batch 2024-04 --format csv > revenue.csv
              docket report complaints --from 2024-05-01
              docket report timelines --case 2024-04-000001 --format json
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv
    }

    @OptionGroup var options: StoreOptions

    @Argument(help: ArgumentHelp("The report: \(Report.names.joined(separator: ", ")).", valueName: "name"))
    var name: String

    @Option(help: "Only this batch (revenue).")
    var batch: String?

    @Option(help: "Only this occupation (certificates, revenue).")
    var occupation: String?

    @Option(help: ArgumentHelp("From this local date, YYYY-MM-DD.", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("Through this local date, YYYY-MM-DD.", valueName: "date"))
    var to: String?

    @Option(name: .customLong("case"), help: ArgumentHelp("Only this case.", valueName: "id"))
    var caseID: String?

    @Option(help: "table (for people), json or csv (for programs).")
    var format: Format = .table

    func validate() throws {
        guard Report.names.contains(name) else {
            throw ValidationError("no report \(name); the reports are \(Report.names.joined(separator: ", "))")
        }
        for (flag, date) in [("--from", from), ("--to", to)] {
            if let date, LocalDate(date) == nil {
                throw ValidationError("\(flag) \(date) is not a date; write YYYY-MM-DD")
            }
        }
    }

    func run() throws {
        let report: Report
        do {
            let store = try DocketStore.open(at: options.path, readOnly: true)
            let projector = try Projector(storeRoot: options.path, log: store.log)
            try projector.catchUp([name])
            var filters = Report.Filters()
            filters.batch = batch
            filters.occupation = occupation
            filters.from = from
            filters.to = to
            filters.caseID = caseID
            let today = Timestamp.now().localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset).description
            report = try Report.run(name, filters: filters, projector: projector, today: today)
        } catch let error as DocketStoreError {
            Terminal.error(error.message)
            throw ExitStatus.problem
        } catch let error as ProjectionError {
            Terminal.error(error.message)
            throw ExitStatus.problem
        }
        switch format {
        case .table:
            var table = TextTable(report.columns)
            for row in report.rows { table.add(row.map(Self.text)) }
            print(table.rendered, terminator: "")
        case .json:
            let items: [JSONValue] = report.rows.map { row in
                .object(JSONObject(zip(report.columns, row).map { (key: $0, value: Self.json($1)) }))
            }
            print(JSONWriter.string(.array(items)))
        case .csv:
            print(report.columns.joined(separator: ","))
            for row in report.rows { print(row.map { Self.csv(Self.text($0)) }.joined(separator: ",")) }
        }
    }

    static func text(_ value: Report.Value) -> String {
        switch value {
        case .null: return ""
        case .int(let v): return String(v)
        case .text(let s): return s
        }
    }

    static func json(_ value: Report.Value) -> JSONValue {
        switch value {
        case .null: return .null
        case .int(let v): return .int(v)
        case .text(let s): return .string(s)
        }
    }

    /// RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled.
    static func csv(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
