import Chronology
import GRDB

/// The SQL of each report: its columns, its query against the read model, and the filters it
/// understands. Time-dependent answers (a kept pass lapsing, a complaint's age) are worked out
/// here against `today`, since a read model stores only what the events said.
struct ReportQuery {
    var columns: [String]
    var sql: String
    var arguments: [(any DatabaseValueConvertible)?]

    init(_ name: String, filters: Report.Filters, today: String) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        func filter(_ sql: String, _ value: String?) {
            guard let value else { return }
            conditions.append(sql)
            arguments.append(value)
        }
        let sql: String
        let columns: [String]
        switch name {
        case "cases":
            filter("batch = ?", filters.batch)
            filter("occupation = ?", filters.occupation)
            filter("case_id = ?", filters.caseID)
            filter("applied_on >= ?", filters.from)
            filter("applied_on <= ?", filters.to)
            columns = [
                "case", "version", "status", "occupation", "level", "batch", "theory", "skill", "paid_yuan",
                "refunded_yuan", "certificate", "open_complaints", "findings",
            ]
            // A kept pass that ran out by today turns the status to failed (SPEC §5).
            arguments.insert(today, at: 0)
            sql =
                """
                SELECT case_id, version,
                       CASE WHEN lapses_on IS NOT NULL AND ? >= lapses_on THEN 'failed' ELSE status END,
                       occupation, level, batch, theory_score, skill_score, paid_yuan, refunded_yuan,
                       certificate_number, open_complaints, findings
                FROM cases
                """ + Self.whereClause(conditions) + " ORDER BY case_id"
        case "timelines":
            filter("case_id = ?", filters.caseID)
            filter("substr(at, 1, 10) >= ?", filters.from)
            filter("substr(at, 1, 10) <= ?", filters.to)
            columns = ["case", "version", "position", "at", "actor", "role", "type", "summary"]
            sql =
                "SELECT case_id, version, position, at, actor_id, actor_role, type, summary FROM timeline"
                + Self.whereClause(conditions) + " ORDER BY case_id, version"
        case "certificates":
            filter("occupation = ?", filters.occupation)
            filter("issued_on >= ?", filters.from)
            filter("issued_on <= ?", filters.to)
            filter("case_id = ?", filters.caseID)
            columns = ["number", "occupation", "level", "issued_on", "holder"]
            sql =
                "SELECT number, occupation, level, issued_on, holder FROM certificates" + Self.whereClause(conditions)
                + " ORDER BY number"
        case "complaints":
            filter("lodged_on >= ?", filters.from)
            filter("lodged_on <= ?", filters.to)
            filter("case_id = ?", filters.caseID)
            columns = [
                "complaint", "case", "category", "channel", "status", "outcome", "lodged_on", "resolved_on", "age_days",
            ]
            arguments.insert(today, at: 0)
            sql =
                """
                SELECT complaint_id, case_id, category, channel, status, outcome, lodged_on, resolved_on,
                       CAST(julianday(COALESCE(resolved_on, ?)) - julianday(lodged_on) AS INTEGER)
                FROM complaints
                """ + Self.whereClause(conditions) + " ORDER BY status DESC, category, lodged_on, complaint_id"
        case "batches":
            filter("batch = ?", filters.batch)
            filter("occupation = ?", filters.occupation)
            columns = [
                "batch", "occupation", "applied", "approved", "rejected", "withdrawn", "ticketed", "sat_theory",
                "passed_theory", "theory_pass_rate", "sat_skill", "passed_skill", "skill_pass_rate", "certified",
                "retakes_requested",
            ]
            sql =
                """
                SELECT batch, occupation, applied, approved, rejected, withdrawn, ticketed,
                       sat_theory, passed_theory, ROUND(1.0 * passed_theory / NULLIF(sat_theory, 0), 4),
                       sat_skill, passed_skill, ROUND(1.0 * passed_skill / NULLIF(sat_skill, 0), 4),
                       certified, retakes_requested
                FROM batch_stats
                """ + Self.whereClause(conditions) + " ORDER BY batch, occupation"
        case "retakes":
            filter("batch = ?", filters.batch)
            filter("occupation = ?", filters.occupation)
            filter("case_id = ?", filters.caseID)
            if let days = filters.expiringWithinDays {
                conditions.append("retake_batch IS NULL AND window_closes_on >= ? AND window_closes_on <= ?")
                arguments.append(today)
                arguments.append(LocalDate(today)?.adding(days: days).description ?? today)
            }
            columns = [
                "case", "occupation", "batch", "subject", "window_closes_on", "days_left", "state", "retake_batch",
            ]
            // The state at today: an unused window that closed has lapsed.
            arguments.insert(contentsOf: [today, today], at: 0)
            sql =
                """
                SELECT case_id, occupation, batch, subject, window_closes_on,
                       CASE WHEN retake_batch IS NULL
                            THEN CAST(julianday(window_closes_on) - julianday(?) AS INTEGER) END,
                       CASE WHEN retake_batch IS NOT NULL AND passed = 1 THEN 'passed'
                            WHEN retake_batch IS NOT NULL AND sat = 1 THEN 'not-passed'
                            WHEN retake_batch IS NOT NULL THEN 'requested'
                            WHEN window_closes_on < ? THEN 'lapsed'
                            ELSE 'eligible' END,
                       retake_batch
                FROM retakes
                """ + Self.whereClause(conditions) + " ORDER BY window_closes_on, case_id"
        case "findings":
            filter("batch = ?", filters.batch)
            filter("target = ?", filters.caseID)
            filter("day >= ?", filters.from)
            filter("day <= ?", filters.to)
            // An open complaint is a finding once it has been open longer than the threshold.
            conditions.append("(kind <> 'complaint-open' OR day < ?)")
            arguments.append(LocalDate(today)?.adding(days: -filters.complaintDays).description ?? today)
            columns = ["target", "kind", "key", "batch", "day", "position", "code", "detail"]
            sql =
                "SELECT target, kind, key, batch, day, position, code, detail FROM findings"
                + Self.whereClause(conditions) + " ORDER BY kind, day, target, key"
        default:  // revenue
            filter("batch = ?", filters.batch)
            filter("occupation = ?", filters.occupation)
            filter("day >= ?", filters.from)
            filter("day <= ?", filters.to)
            columns = ["batch", "occupation", "day", "paid_yuan", "refunded_yuan", "net_yuan"]
            sql =
                "SELECT batch, occupation, day, paid_yuan, refunded_yuan, paid_yuan - refunded_yuan FROM revenue"
                + Self.whereClause(conditions) + " ORDER BY batch, occupation, day"
        }
        self.columns = columns
        self.sql = sql
        self.arguments = arguments
    }

    private static func whereClause(_ conditions: [String]) -> String {
        conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
    }
}
