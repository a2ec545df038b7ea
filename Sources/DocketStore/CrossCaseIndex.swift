import Certification

/// The write side's own index of the rules that span cases (SPEC §2, §5): one open case per
/// person per occupation and level, unique payment references, ticket numbers, certificate
/// numbers and complaint ids, and which batches have scores (rescheduling is then refused).
///
/// Built by observing every event in log order (on open, from the log or from a snapshot and
/// the log after it; afterwards, as each command is decided), so it always reflects decided
/// events, durable or about to be. A person whose identity is erased is forgotten, as a scan
/// of the log (which can no longer open their identity) would.
struct CrossCaseIndex {
    /// Makes the person keys below.
    let persons: PersonTokenizer
    /// Case ids by person (a keyed hash of occupation, document type and normalised number).
    private(set) var casesByPerson: [PersonToken: [String]] = [:]
    private(set) var paymentRefs: [String: String] = [:]
    private(set) var ticketNumbers: [String: String] = [:]
    private(set) var certificateNumbers: [String: String] = [:]
    private(set) var complaintIDs: [String: String] = [:]
    private(set) var batchesWithScores: Set<String> = []
    /// How many cases name each stored photo and still keep it (their details not erased):
    /// photos are stored once by content, and candidates may send the same bytes.
    private(set) var photoUsers: [String: Int] = [:]

    /// One case fewer keeps photo `sha256` (its details were erased).
    mutating func releasePhoto(_ sha256: String) {
        guard let count = photoUsers[sha256] else { return }
        photoUsers[sha256] = count > 1 ? count - 1 : nil
    }

    init(persons: PersonTokenizer) { self.persons = persons }

    /// An index as saved (``CrossCaseIndexSnapshot``).
    init(
        persons: PersonTokenizer,
        casesByPerson: [PersonToken: [String]],
        paymentRefs: [String: String],
        ticketNumbers: [String: String],
        certificateNumbers: [String: String],
        complaintIDs: [String: String],
        batchesWithScores: Set<String>,
        photoUsers: [String: Int]
    ) {
        self.persons = persons
        self.casesByPerson = casesByPerson
        self.paymentRefs = paymentRefs
        self.ticketNumbers = ticketNumbers
        self.certificateNumbers = certificateNumbers
        self.complaintIDs = complaintIDs
        self.batchesWithScores = batchesWithScores
        self.photoUsers = photoUsers
    }

    /// Whether both hold the same entries (the tokenizers aside).
    func hasSameEntries(as other: CrossCaseIndex) -> Bool {
        casesByPerson == other.casesByPerson && paymentRefs == other.paymentRefs
            && ticketNumbers == other.ticketNumbers && certificateNumbers == other.certificateNumbers
            && complaintIDs == other.complaintIDs && batchesWithScores == other.batchesWithScores
            && photoUsers == other.photoUsers
    }

    /// Forgets that case `caseID` is this person's (their identity is being erased).
    mutating func forget(caseID: String, of document: Candidate.IdentityDocument, for occupation: Occupation) {
        let token = persons.token(document, occupation)
        guard var cases = casesByPerson[token] else { return }
        cases.removeAll { $0 == caseID }
        casesByPerson[token] = cases.isEmpty ? nil : cases
    }

    /// Records what `event` of case `caseID` adds.
    mutating func observe(_ event: CaseEvent, caseID: String) {
        switch event {
        case .applied(let a):
            if !a.candidate.isIdentityErased {
                casesByPerson[persons.token(a.candidate.idDocument, a.occupation), default: []].append(caseID)
            }
            if !a.photo.sha256.isEmpty { photoUsers[a.photo.sha256, default: 0] += 1 }
        case .paid(let p):
            if paymentRefs[p.paymentRef] == nil { paymentRefs[p.paymentRef] = caseID }
        case .ticketSent(let t):
            if ticketNumbers[t.ticketNumber] == nil { ticketNumbers[t.ticketNumber] = caseID }
        case .certified(let c):
            if certificateNumbers[c.certificateNumber] == nil { certificateNumbers[c.certificateNumber] = caseID }
        case .complaintLodged(let l):
            if complaintIDs[l.complaintID] == nil { complaintIDs[l.complaintID] = caseID }
        case .scored(let s):
            batchesWithScores.insert(s.batch)
        default:
            break
        }
    }

    /// The cases this person has had for the occupation.
    func cases(of document: Candidate.IdentityDocument, for occupation: Occupation) -> [String] {
        casesByPerson[persons.token(document, occupation)] ?? []
    }
}
