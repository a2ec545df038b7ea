import DocketJSON
import Foundation

extension Projector {
    /// A candidate's case as candidate search finds it: the number masked, the birth date to
    /// the year (what any role may see; see `Disclosure`).
    public struct CandidateMatch: Sendable, Hashable {
        public var caseID: String
        public var name: String
        public var idType: String
        public var idMasked: String
        public var birthYear: Int
        public var occupation: String
        /// The current sitting's batch.
        public var batch: String
        public var appliedOn: String
    }

    /// One page of matches, and how many there are in all.
    public struct CandidatePage: Sendable {
        public var matches: [CandidateMatch]
        /// Every match, on this page and the others.
        public var total: Int
        /// Whether the text matched a full identity number (else: a name fragment).
        public var byIdentityNumber: Bool
    }

    /// Cases whose candidate has `text` as their full identity number (matched by keyed hash),
    /// else whose name contains `text`: exact names first, then by name and case. A partial
    /// number matches nothing. `file` reads a build of the model at a past moment.
    /// - Parameters:
    ///   - offset: matches to skip (the page's start).
    ///   - limit: the most matches to return.
    /// - Complexity: a number is one index look-up; a name fragment scans the names (a
    ///   `LIKE '%…%'`), twice (the page and the count).
    public func searchCandidates(
        _ text: String,
        offset: Int = 0,
        limit: Int = 50,
        file: String? = nil
    ) throws(ProjectionError) -> CandidatePage {
        guard let search = try select(["search"]).first as? CandidateSearchProjection else {
            return CandidatePage(matches: [], total: 0, byIdentityNumber: false)
        }
        let modelFile = file ?? path("search")
        guard let reader = readers.reader(file ?? "search", path: modelFile) else {
            return CandidatePage(matches: [], total: 0, byIdentityNumber: false)
        }
        guard try reader.fileSchemaVersion() == Int64(search.schemaVersion) else {
            throw ProjectionError(
                .database,
                "the search read model is being rebuilt (another schema version on file); ask again in a moment"
            )
        }
        let columns = "case_id, name, id_type, id_masked, birth_year, occupation, batch, applied_on"
        var matches: [CandidateMatch] = []
        var total = 0
        var byNumber = false
        func collect(_ row: ResultRow) {
            matches.append(
                CandidateMatch(
                    caseID: row.text(0) ?? "",
                    name: row.text(1) ?? "",
                    idType: row.text(2) ?? "",
                    idMasked: row.text(3) ?? "",
                    birthYear: Int(row.int(4) ?? 0),
                    occupation: row.text(5) ?? "",
                    batch: row.text(6) ?? "",
                    appliedOn: row.text(7) ?? ""
                )
            )
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let hash = try search.hash(trimmed, create: false)
        let page = [String(max(0, limit)), String(max(0, offset))]
        try reader.read { connection throws(ProjectionError) in
            if let hash {
                try connection.rows("SELECT count(*) FROM candidates WHERE id_hash = ?", [hash]) {
                    total = Int($0.int(0) ?? 0)
                }
                if total > 0 {
                    byNumber = true
                    try connection.rows(
                        "SELECT \(columns) FROM candidates WHERE id_hash = ? ORDER BY case_id LIMIT ? OFFSET ?",
                        [hash] + page,
                        collect
                    )
                    return
                }
            }
            let pattern =
                "%"
                + trimmed.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            try connection.rows("SELECT count(*) FROM candidates WHERE name LIKE ? ESCAPE '\\'", [pattern]) {
                total = Int($0.int(0) ?? 0)
            }
            try connection.rows(
                """
                SELECT \(columns) FROM candidates WHERE name LIKE ? ESCAPE '\\'
                ORDER BY name <> ?, name, case_id LIMIT ? OFFSET ?
                """,
                [pattern, trimmed] + page,
                collect
            )
        }
        return CandidatePage(matches: matches, total: total, byIdentityNumber: byNumber)
    }

    /// Each case's status at `today` (a kept pass that ran out by then is `failed`) from the
    /// cases model (or `file`, a build of it at a past moment); cases it does not hold are left
    /// out.
    public func caseStatuses(
        _ caseIDs: [String],
        today: String,
        file: String? = nil
    ) throws(ProjectionError) -> [String: String] {
        guard !caseIDs.isEmpty, let reader = readers.reader(file ?? "cases", path: file ?? path("cases")) else {
            return [:]
        }
        var out: [String: String] = [:]
        let marks = Array(repeating: "?", count: caseIDs.count).joined(separator: ", ")
        try reader.read { connection throws(ProjectionError) in
            try connection.rows(
                """
                SELECT case_id, CASE WHEN lapses_on IS NOT NULL AND ? >= lapses_on THEN 'failed' ELSE status END
                FROM cases WHERE case_id IN (\(marks))
                """,
                [today] + caseIDs
            ) { row in
                if let id = row.text(0), let status = row.text(1) { out[id] = status }
            }
        }
        return out
    }
}
