import Chronology

extension RetakeProjection {
    /// `retakes`: cases owed one subject, their window's state at `today`.
    public func report(_ filters: Report.Filters, today: String) -> ReportQuery? {
        var conditions = ReportQuery.Conditions()
        conditions.add("batch = ?", filters.batch)
        conditions.add("occupation = ?", filters.occupation)
        conditions.add("case_id = ?", filters.caseID)
        if let days = filters.expiringWithinDays, let first = LocalDate(today) {
            let last = first.adding(days: days)
            conditions.add(
                "retake_batch IS NULL AND window_closes_on >= ? AND window_closes_on <= ?",
                arguments: [today, last.description]
            )
        }
        return ReportQuery(
            columns: [
                "case", "occupation", "batch", "subject", "windowClosesOn", "daysLeft", "state", "retakeBatch",
            ],
            // The state at today: an unused window that closed has lapsed.
            sql: """
                SELECT case_id AS "case", occupation, batch, subject, window_closes_on AS windowClosesOn,
                       CASE WHEN retake_batch IS NULL
                            THEN CAST(julianday(window_closes_on) - julianday(?) AS INTEGER) END AS daysLeft,
                       CASE WHEN retake_batch IS NOT NULL AND passed = 1 THEN 'passed'
                            WHEN retake_batch IS NOT NULL AND sat = 1 THEN 'not-passed'
                            WHEN retake_batch IS NOT NULL THEN 'requested'
                            WHEN window_closes_on < ? THEN 'lapsed'
                            ELSE 'eligible' END AS state,
                       retake_batch AS retakeBatch
                FROM retakes
                """ + conditions.clause + " ORDER BY window_closes_on, case_id",
            arguments: [today, today] + conditions.arguments,
            status: ("state", ["eligible", "requested", "passed", "not-passed", "lapsed"])
        )
    }
}
