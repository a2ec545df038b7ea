import Chronology
import DocketJSON
import DocketStore
import Projections

/// A report and what it reflects: which log position, which day ages and lapses count from,
/// which moment (`cut`) and which filters.
public struct ReportAnswer: Sendable {
    public var name: String
    public var report: Report
    public var logPosition: UInt64
    public var generatedAt: Timestamp
    public var today: LocalDate
    public var cut: TimeCut
    public var filters: Report.Filters
    /// Where this page of rows starts, and how many rows the whole report has.
    public var offset: Int = 0
    public var totalRows: Int = 0

    /// Where the next page starts, when the rows shown are not the last.
    public var nextOffset: Int? {
        let end = offset + report.rows.count
        return end < totalRows ? end : nil
    }

    /// The filters that were given, by their parameter names.
    public var filterJSON: JSONValue {
        var object = JSONObject()
        if let v = filters.batch { object.set("batch", .string(v)) }
        if let v = filters.occupation { object.set("occupation", .string(v)) }
        if let v = filters.from { object.set("from", .string(v)) }
        if let v = filters.to { object.set("to", .string(v)) }
        if let v = filters.caseID { object.set("case", .string(v)) }
        if name == "findings" { object.set("complaintDays", .int(filters.complaintDays)) }
        if let v = filters.expiringWithinDays { object.set("expiringWithin", .int(v)) }
        if let v = filters.status { object.set("status", .string(v)) }
        switch cut {
        case .now: break
        case .asOf(let t): object.set("asOf", .string(t.description))
        case .knownAt(let t): object.set("knownAt", .string(t.description))
        }
        return .object(object)
    }

    /// `{"report","logPosition","generatedAt","today","filters","columns","rows":[{column: value}],"totals"}`.
    public var json: JSONValue {
        var object = header
        object.set("totalRows", .int(totalRows))
        object.set("offset", .int(offset))
        object.set("nextOffset", nextOffset.map { .int($0) } ?? .null)
        object.set("rows", report.json)
        object.set("totals", report.totalsJSON)
        return .object(object)
    }

    /// Everything but the rows and totals: the first line of a JSON Lines report.
    public var header: JSONObject {
        JSONObject([
            ("report", .string(name)), ("logPosition", .int(logPosition)),
            ("generatedAt", .string(generatedAt.description)), ("today", .string(today.description)),
            ("filters", filterJSON), ("columns", .array(report.columns.map { .string($0) })),
        ])
    }
}
