extension RevenueProjection {
    /// `revenue`: paid, refunded and net yuan by batch, occupation and day.
    public func report(_ filters: Report.Filters, today: String) -> ReportQuery? {
        var conditions = ReportQuery.Conditions()
        conditions.add("batch = ?", filters.batch)
        conditions.add("occupation = ?", filters.occupation)
        conditions.add("day >= ?", filters.from)
        conditions.add("day <= ?", filters.to)
        return ReportQuery(
            columns: ["batch", "occupation", "day", "paidYuan", "refundedYuan", "netYuan"],
            sql:
                "SELECT batch, occupation, day, paid_yuan AS paidYuan, refunded_yuan AS refundedYuan, paid_yuan - refunded_yuan AS netYuan FROM revenue"
                + conditions.clause + " ORDER BY batch, occupation, day",
            arguments: conditions.arguments,
            summed: ["paidYuan", "refundedYuan", "netYuan"]
        )
    }
}
