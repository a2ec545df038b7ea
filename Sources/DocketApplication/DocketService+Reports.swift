import Certification
import CertificationWire
import Chronology
import DocketStore
import EventLog
import Projections

extension DocketService {
    /// The reports, by read model.
    public static var reportNames: [String] { Report.names }

    /// The largest number of days a report filter counts (a century): beyond it, date
    /// arithmetic would leave the calendar.
    public static let maximumFilterDays = 36_500

    /// Report `name` with `filters`, from the live read model (brought up to the log first
    /// unless a follower keeps it there) or, for a past `cut`, from a build of the model as
    /// the log stood then (made on first use). Ages and lapses count from `today`, else from
    /// the cut's day, else from today in Asia/Shanghai.
    /// - Throws: `unknown-report`; `invalid-parameter` for a malformed date or a count out of
    ///   range; `before-log`.
    public func report(
        _ name: String,
        filters: Report.Filters = Report.Filters(),
        cut: TimeCut = .now,
        today: LocalDate? = nil,
        offset: Int = 0,
        limit: Int? = nil
    ) throws(DocketError) -> ReportAnswer {
        try Self.requireReport(name)
        try Self.validate(filters)
        guard offset >= 0 else { throw DocketError(.invalidParameter, "offset is 0 or more", field: "offset") }
        if let limit, limit < 1 { throw DocketError(.invalidParameter, "limit is 1 or more", field: "limit") }
        let logPosition = self.logPosition
        if cut == .now { try prepareModels(filters.batch == nil ? [name] : [name, "cases"]) }
        try checkKnown(filters, report: name)
        let file = try snapshot(name, cut: cut)
        let day = today ?? self.today(for: cut)
        do throws(ProjectionError) {
            var report = try Report.run(
                name,
                filters: filters,
                projector: projector,
                today: day.description,
                file: file
            )
            // A page of the rows (the totals stay those of every row): never cut silently,
            // the answer says how many rows there are and where the next page starts.
            let total = report.rows.count
            if offset > 0 || limit != nil {
                let start = min(offset, total)
                let end = limit.map { min(total, start + $0) } ?? total
                report.rows = Array(report.rows[start..<end])
            }
            // What the rows reflect: the past build's position, or the live model's.
            let reflected: UInt64
            if let file {
                reflected = try projector.checkpoint(of: file)
            } else {
                reflected = min(logPosition, try projector.livePosition(of: name))
            }
            return ReportAnswer(
                name: name,
                report: report,
                logPosition: reflected,
                generatedAt: clock(),
                today: day,
                cut: cut,
                filters: filters,
                offset: offset,
                totalRows: total
            )
        } catch {
            throw DocketError.from(error)
        }
    }

    /// Refuses a batch or occupation the store does not know, naming the ones it does (a
    /// report filtered by a typo would otherwise come back empty, as if nothing happened).
    func checkKnown(_ filters: Report.Filters, report name: String) throws(DocketError) {
        if let status = filters.status {
            let known = Report.statuses(of: name, projector: projector)
            guard known.contains(status) else {
                throw DocketError(
                    .unknownFilterValue,
                    known.isEmpty
                        ? "the \(name) report has no status to filter by"
                        : "\(name) rows are \(known.joined(separator: ", ")); \"\(status)\" is none of them",
                    field: "status"
                )
            }
        }
        if let occupation = filters.occupation, Occupation(rawValue: occupation) == nil {
            throw DocketError(
                .unknownFilterValue,
                "no occupation \(occupation); the occupations are \(Occupation.allCases.map(\.rawValue).joined(separator: ", "))",
                field: "occupation"
            )
        }
        if let batch = filters.batch, store.log.version(of: StreamName.forBatch(batch)) == 0 {
            var known: [String] = []
            do throws(ProjectionError) { known = try projector.knownBatches() } catch {}
            throw DocketError(
                .unknownFilterValue,
                "no batch \(batch) has been scheduled"
                    + (known.isEmpty ? "" : "; the batches are \(known.joined(separator: ", "))"),
                field: "batch"
            )
        }
    }

    /// The position report `name` would answer from now (its live model's), for validators.
    public func reportPosition(_ name: String) -> UInt64 {
        min(logPosition, (try? projector.livePosition(of: name)) ?? 0)
    }

    /// Refuses a name that is no report's.
    static func requireReport(_ name: String) throws(DocketError) {
        guard Report.names.contains(name) else {
            throw DocketError(
                .unknownReport,
                "no report \(name); the reports are \(Report.names.joined(separator: ", "))",
                field: "name"
            )
        }
    }

    /// Checks the filters a client sent: dates that are dates, counts in range.
    static func validate(_ filters: Report.Filters) throws(DocketError) {
        for (field, value) in [("from", filters.from), ("to", filters.to)] {
            if let value, LocalDate(value) == nil {
                throw DocketError(.invalidParameter, "\(field) \(value) is not a date; write YYYY-MM-DD", field: field)
            }
        }
        guard (0...maximumFilterDays).contains(filters.complaintDays) else {
            throw DocketError(
                .invalidParameter,
                "complaintDays is 0 to \(maximumFilterDays), not \(filters.complaintDays)",
                field: "complaintDays"
            )
        }
        if let days = filters.expiringWithinDays, !(0...maximumFilterDays).contains(days) {
            throw DocketError(
                .invalidParameter,
                "expiringWithin is 0 to \(maximumFilterDays) days, not \(days)",
                field: "expiringWithin"
            )
        }
    }
}
