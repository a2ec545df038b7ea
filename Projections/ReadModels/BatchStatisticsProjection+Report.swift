extension BatchStatisticsProjection {
    /// `batches`: counts by batch and occupation, with pass rates.
    public func report(_ filters: Report.Filters, today: String) -> ReportQuery? {
        var conditions = ReportQuery.Conditions()
        conditions.add("batch = ?", filters.batch)
        conditions.add("occupation = ?", filters.occupation)
        return ReportQuery(
            columns: [
                "batch", "occupation", "applied", "approved", "rejected", "withdrawn", "ticketed", "sat_theory",
                "passed_theory", "theory_pass_rate", "sat_skill", "passed_skill", "skill_pass_rate", "certified",
                "retakes_requested",
            ],
            sql: """
                SELECT batch, occupation, applied, approved, rejected, withdrawn, ticketed,
                       sat_theory, passed_theory, ROUND(1.0 * passed_theory / NULLIF(sat_theory, 0), 4),
                       sat_skill, passed_skill, ROUND(1.0 * passed_skill / NULLIF(sat_skill, 0), 4),
                       certified, retakes_requested
                FROM batch_stats
                """ + conditions.clause + " ORDER BY batch, occupation",
            arguments: conditions.arguments
        )
    }
}
