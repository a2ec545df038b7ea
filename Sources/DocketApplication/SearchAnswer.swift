import DocketJSON

/// One page of candidate search, and how many matches there are beyond it.
public struct SearchAnswer: Sendable {
    /// One case found.
    public struct Hit: Sendable, Hashable {
        public var caseID: String
        public var name: String
        public var idType: String
        /// The identity number as the reader may see it.
        public var idNumber: String
        /// The birth date as the reader may see it (`1995-06-01` or `1995-**-**`).
        public var birthDate: String
        /// The case's status today (or at the search's moment); `nil` when the cases model does
        /// not hold the case yet.
        public var status: String?
        public var occupation: String
        /// The current sitting's batch.
        public var batch: String
        public var appliedOn: String

        public var json: JSONValue {
            .object([
                "case": .string(caseID), "name": .string(name),
                "idDocument": .object(["type": .string(idType), "number": .string(idNumber)]),
                "birthDate": .string(birthDate), "status": .optional(status), "occupation": .string(occupation),
                "batch": .string(batch), "appliedOn": .string(appliedOn),
            ])
        }
    }

    public var query: String
    public var hits: [Hit]
    /// Every match, on this page and the others.
    public var total: Int
    public var offset: Int
    public var limit: Int
    /// Whether the query matched a full identity number (else a name fragment).
    public var byIdentityNumber: Bool
    /// The log's last position when the search ran.
    public var logPosition: UInt64

    /// Matches after this page.
    public var remaining: Int { max(0, total - offset - hits.count) }
    /// Where the next page starts, if there is one.
    public var nextOffset: Int? { remaining > 0 ? offset + hits.count : nil }

    /// `{"query","matchedBy","total","offset","limit","remaining","nextOffset","logPosition","hits":[…]}`.
    public var json: JSONValue {
        .object([
            "query": .string(query), "matchedBy": .string(byIdentityNumber ? "identity-number" : "name"),
            "total": .int(total), "offset": .int(offset), "limit": .int(limit), "remaining": .int(remaining),
            "nextOffset": nextOffset.map { .int($0) } ?? .null, "logPosition": .int(logPosition),
            "hits": .array(hits.map(\.json)),
        ])
    }
}
