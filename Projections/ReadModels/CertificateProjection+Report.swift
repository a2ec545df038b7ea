extension CertificateProjection {
    /// `certificates`: the public look-up, by number.
    public func report(_ filters: Report.Filters, today: String) -> ReportQuery? {
        var conditions = ReportQuery.Conditions()
        conditions.add("occupation = ?", filters.occupation)
        conditions.add("issued_on >= ?", filters.from)
        conditions.add("issued_on <= ?", filters.to)
        conditions.add("case_id = ?", filters.caseID)
        return ReportQuery(
            columns: ["number", "occupation", "level", "issuedOn", "holder"],
            sql: "SELECT number, occupation, level, issued_on AS issuedOn, holder FROM certificates" + conditions.clause
                + " ORDER BY number",
            arguments: conditions.arguments
        )
    }
}
