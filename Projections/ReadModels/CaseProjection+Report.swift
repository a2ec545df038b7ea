extension CaseProjection {
    /// `cases`: the case view per case, its status brought to `today` (a kept pass that ran
    /// out turns it to failed, SPEC §5).
    public func report(_ filters: Report.Filters, today: String) -> ReportQuery? {
        var conditions = ReportQuery.Conditions()
        conditions.add("batch = ?", filters.batch)
        conditions.add("occupation = ?", filters.occupation)
        conditions.add("case_id = ?", filters.caseID)
        conditions.add("applied_on >= ?", filters.from)
        conditions.add("applied_on <= ?", filters.to)
        return ReportQuery(
            columns: [
                "case", "version", "status", "occupation", "level", "batch", "theory", "skill", "paid_yuan",
                "refunded_yuan", "certificate", "open_complaints", "findings",
            ],
            sql: """
                SELECT case_id, version,
                       CASE WHEN lapses_on IS NOT NULL AND ? >= lapses_on THEN 'failed' ELSE status END,
                       occupation, level, batch, theory_score, skill_score, paid_yuan, refunded_yuan,
                       certificate_number, open_complaints, findings
                FROM cases
                """ + conditions.clause + " ORDER BY case_id",
            arguments: [today] + conditions.arguments
        )
    }
}
