import Certification

/// Which roles each route admits (least privilege): writers submit commands, readers read
/// what their work needs. What each role sees of a candidate's identity is `Disclosure.of(role)`.
enum Access {
    static let writers: Set<Actor.Role> = [
        .admin, .examiner, .portal, .registrar, .payments, .supervisor, .certifier, .privacyOfficer,
    ]
    /// Case views, timelines and replays: every role but the reporting jobs.
    static let caseReaders: Set<Actor.Role> = writers.union([.auditor])
    /// Candidate search: the people who answer candidates.
    static let searchers: Set<Actor.Role> = [.supervisor, .registrar, .auditor, .admin]
    /// Reports and the read models' status.
    static let reporters: Set<Actor.Role> = [.reporter, .auditor, .admin, .supervisor]
    /// The event feed, for downstream consumers.
    static let feedReaders: Set<Actor.Role> = [.reporter, .auditor, .admin]
    /// The log's digest and verification.
    static let auditors: Set<Actor.Role> = [.auditor, .admin]
    /// Who read whose personal data: the auditors and the privacy officers.
    static let accessAuditors: Set<Actor.Role> = [.auditor, .privacyOfficer]
}
