import Chronology

extension AuditFindingsProjection {
    /// `findings`: every finding; an open complaint counts once open longer than
    /// `complaintDays` at `today`.
    public func report(_ filters: Report.Filters, today: String) -> ReportQuery? {
        var conditions = ReportQuery.Conditions()
        conditions.add("batch = ?", filters.batch)
        conditions.add("target = ?", filters.caseID)
        conditions.add("day >= ?", filters.from)
        conditions.add("day <= ?", filters.to)
        let openSince = LocalDate(today)?.adding(days: -filters.complaintDays).description ?? today
        conditions.add("(kind <> 'complaint-open' OR day < ?)", openSince)
        return ReportQuery(
            columns: ["target", "kind", "key", "batch", "day", "position", "code", "detail"],
            sql: "SELECT target, kind, key, batch, day, position, code, detail FROM findings" + conditions.clause
                + " ORDER BY kind, day, target, key",
            arguments: conditions.arguments
        )
    }
}
