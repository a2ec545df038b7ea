import Certification

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
                "case", "version", "status", "occupation", "level", "batch", "theory", "skill", "paidYuan",
                "refundedYuan", "certificate", "openComplaints", "findings",
            ],
            sql: """
                SELECT case_id AS "case", version,
                       CASE WHEN lapses_on IS NOT NULL AND ? >= lapses_on THEN 'failed' ELSE status END AS status,
                       occupation, level, batch, theory_score AS theory, skill_score AS skill,
                       paid_yuan AS paidYuan, refunded_yuan AS refundedYuan, certificate_number AS certificate,
                       open_complaints AS openComplaints, findings
                FROM cases
                """ + conditions.clause + " ORDER BY case_id",
            arguments: [today] + conditions.arguments,
            status: ("status", CaseStatus.allCases.map(\.rawValue)),
            summed: ["paidYuan", "refundedYuan", "openComplaints"]
        )
    }
}
