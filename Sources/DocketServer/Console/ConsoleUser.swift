import Certification

/// Who is signed in, as the page header shows it, and what their role may open (the server
/// enforces the same sets on every route: ``Access``).
struct ConsoleUser: Sendable {
    var actor: String
    var role: String
    /// The session's CSRF token, for the sign-out form in the header.
    var csrf: String
    var canSearch: Bool
    var canReport: Bool
    var canReadCases: Bool
    /// Complaint work (lodge, resolve, correct a score, add a note) is the supervisor's.
    var canActOnComplaints: Bool

    init(_ session: ConsoleSession) {
        let role = session.holder.role
        actor = session.holder.actor
        self.role = role.rawValue
        csrf = session.csrf
        canSearch = Access.searchers.contains(role)
        canReport = Access.reporters.contains(role)
        canReadCases = Access.caseReaders.contains(role)
        canActOnComplaints = role == .supervisor
    }

    /// Where signing in leads: the search for those who answer candidates, else the reports.
    var home: String { canSearch ? "/console/search" : canReport ? "/console/reports" : "/console/cases" }
}
