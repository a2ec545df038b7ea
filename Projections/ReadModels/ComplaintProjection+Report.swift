extension ComplaintProjection {
    /// `complaints`: open ones first, with their age in days at `today`.
    public func report(_ filters: Report.Filters, today: String) -> ReportQuery? {
        var conditions = ReportQuery.Conditions()
        conditions.add("lodged_on >= ?", filters.from)
        conditions.add("lodged_on <= ?", filters.to)
        conditions.add("case_id = ?", filters.caseID)
        return ReportQuery(
            columns: [
                "complaint", "case", "category", "channel", "status", "outcome", "lodgedOn", "resolvedOn", "ageDays",
            ],
            sql: """
                SELECT complaint_id AS complaint, case_id AS "case", category, channel, status, outcome,
                       lodged_on AS lodgedOn, resolved_on AS resolvedOn,
                       CAST(julianday(COALESCE(resolved_on, ?)) - julianday(lodged_on) AS INTEGER) AS ageDays
                FROM complaints
                """ + conditions.clause + " ORDER BY status DESC, category, lodged_on, complaint_id",
            arguments: [today] + conditions.arguments,
            status: ("status", ["open", "resolved"])
        )
    }
}
