import Certification

/// The write side's own index of the rules that span cases (SPEC §2, §5): one open case per
/// person per occupation and level, unique payment references, ticket numbers, certificate
/// numbers and complaint ids, and which batches have scores (rescheduling is then refused).
///
/// Built by observing every event in log order (on open, from the log or from a snapshot and
/// the log after it; afterwards, as each command is decided), so it always reflects decided
/// events, durable or about to be. A person whose identity is erased is forgotten, as a scan
/// of the log (which can no longer open their identity) would. People and ids are held as
/// ``IndexToken``s (keyed hashes), never as their text.
struct CrossCaseIndex {
    /// Makes the keys below.
    let tokens: IndexTokenizer
    /// Case ids by person.
    private(set) var casesByPerson: [IndexToken: [String]] = [:]
    /// The case that first used each id, by kind (payment references, ticket, certificate and
    /// complaint ids).
    private(set) var firstCase: [IndexToken: String] = [:]
    private(set) var batchesWithScores: Set<String> = []
    /// How many cases name each stored photo and still keep it (their details not erased):
    /// photos are stored once by content, and candidates may send the same bytes.
    private(set) var photoUsers: [IndexToken: Int] = [:]

    init(tokens: IndexTokenizer) { self.tokens = tokens }

    /// An index as saved (``CrossCaseIndexSnapshot``).
    init(
        tokens: IndexTokenizer,
        casesByPerson: [IndexToken: [String]],
        firstCase: [IndexToken: String],
        batchesWithScores: Set<String>,
        photoUsers: [IndexToken: Int]
    ) {
        self.tokens = tokens
        self.casesByPerson = casesByPerson
        self.firstCase = firstCase
        self.batchesWithScores = batchesWithScores
        self.photoUsers = photoUsers
    }

    /// Whether both hold the same entries (the tokenizers aside).
    func hasSameEntries(as other: CrossCaseIndex) -> Bool {
        casesByPerson == other.casesByPerson && firstCase == other.firstCase
            && batchesWithScores == other.batchesWithScores && photoUsers == other.photoUsers
    }

    /// The case that first used `value` as an id of `kind`.
    func firstCase(with kind: IndexTokenKind, _ value: String) -> String? { firstCase[tokens.id(kind, value)] }

    /// How many cases keep photo `sha256`.
    func photoUserCount(_ sha256: String) -> Int { photoUsers[tokens.id(.photo, sha256), default: 0] }

    /// One case fewer keeps photo `sha256` (its details were erased).
    mutating func releasePhoto(_ sha256: String) {
        let token = tokens.id(.photo, sha256)
        guard let count = photoUsers[token] else { return }
        photoUsers[token] = count > 1 ? count - 1 : nil
    }

    /// Forgets that case `caseID` is this person's (their identity is being erased).
    mutating func forget(caseID: String, of document: Candidate.IdentityDocument, for occupation: Occupation) {
        let token = tokens.person(document, occupation)
        guard var cases = casesByPerson[token] else { return }
        cases.removeAll { $0 == caseID }
        casesByPerson[token] = cases.isEmpty ? nil : cases
    }

    /// Records what `event` of case `caseID` adds.
    mutating func observe(_ event: CaseEvent, caseID: String) {
        switch event {
        case .applied(let a):
            if !a.candidate.isIdentityErased {
                casesByPerson[tokens.person(a.candidate.idDocument, a.occupation), default: []].append(caseID)
            }
            if !a.photo.sha256.isEmpty { photoUsers[tokens.id(.photo, a.photo.sha256), default: 0] += 1 }
        case .paid(let p):
            firstUse(.paymentRef, p.paymentRef, by: caseID)
        case .ticketSent(let t):
            firstUse(.ticketNumber, t.ticketNumber, by: caseID)
        case .certified(let c):
            firstUse(.certificateNumber, c.certificateNumber, by: caseID)
        case .complaintLodged(let l):
            firstUse(.complaintID, l.complaintID, by: caseID)
        case .scored(let s):
            batchesWithScores.insert(s.batch)
        default:
            break
        }
    }

    private mutating func firstUse(_ kind: IndexTokenKind, _ value: String, by caseID: String) {
        let token = tokens.id(kind, value)
        if firstCase[token] == nil { firstCase[token] = caseID }
    }

    /// The cases this person has had for the occupation.
    func cases(of document: Candidate.IdentityDocument, for occupation: Occupation) -> [String] {
        casesByPerson[tokens.person(document, occupation)] ?? []
    }
}
