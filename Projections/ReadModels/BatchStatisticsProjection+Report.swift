extension BatchStatisticsProjection {
    /// `batches`: counts by batch and occupation, with pass rates.
    public func report(_ filters: Report.Filters, today: String) -> ReportQuery? {
        var conditions = ReportQuery.Conditions()
        conditions.add("batch = ?", filters.batch)
        conditions.add("occupation = ?", filters.occupation)
        return ReportQuery(
            columns: [
                "batch", "occupation", "applied", "approved", "rejected", "withdrawn", "ticketed", "satTheory",
                "passedTheory", "theoryPassRate", "satSkill", "passedSkill", "skillPassRate", "certified",
                "retakesRequested",
            ],
            sql: """
                SELECT batch, occupation, applied, approved, rejected, withdrawn, ticketed,
                       sat_theory AS satTheory, passed_theory AS passedTheory,
                       ROUND(1.0 * passed_theory / NULLIF(sat_theory, 0), 4) AS theoryPassRate,
                       sat_skill AS satSkill, passed_skill AS passedSkill,
                       ROUND(1.0 * passed_skill / NULLIF(sat_skill, 0), 4) AS skillPassRate,
                       certified, retakes_requested AS retakesRequested
                FROM batch_stats
                """ + conditions.clause + " ORDER BY batch, occupation",
            arguments: conditions.arguments,
            summed: [
                "applied", "approved", "rejected", "withdrawn", "ticketed", "satTheory", "passedTheory", "satSkill",
                "passedSkill", "certified", "retakesRequested",
            ]
        )
    }
}
