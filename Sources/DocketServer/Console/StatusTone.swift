/// The colour of a status badge, by what the status means for the candidate.
enum StatusTone {
    static func of(_ status: String) -> String {
        switch status {
        case "certified", "awaiting-certification", "approved", "passed", "upheld": return "ok"
        case "rejected", "failed", "withdrawn", "failed-subject": return "bad"
        case "retake-eligible", "retake-requested", "open": return "warn"
        case "applied", "ticketed": return "info"
        default: return "neutral"
        }
    }
}
