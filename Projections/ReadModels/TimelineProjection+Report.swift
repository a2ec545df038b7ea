extension TimelineProjection {
    /// `timelines`: who did what and when, one line per case event.
    public func report(_ filters: Report.Filters, today: String) -> ReportQuery? {
        var conditions = ReportQuery.Conditions()
        conditions.add("case_id = ?", filters.caseID)
        conditions.add("substr(at, 1, 10) >= ?", filters.from)
        conditions.add("substr(at, 1, 10) <= ?", filters.to)
        return ReportQuery(
            columns: ["case", "version", "position", "at", "actor", "role", "type", "summary"],
            sql:
                "SELECT case_id AS \"case\", version, position, at, actor_id AS actor, actor_role AS role, type, summary FROM timeline"
                + conditions.clause + " ORDER BY case_id, version",
            arguments: conditions.arguments
        )
    }
}
