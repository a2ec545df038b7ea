import DocketJSON
import Foundation

extension Projector {
    /// A candidate's case as candidate search finds it (the number masked).
    public struct CandidateMatch: Sendable {
        public var caseID: String
        public var name: String
        public var idType: String
        public var idMasked: String
        public var occupation: String
        public var batch: String
        public var appliedOn: String

        /// The match as JSON (what `docket search --json` and `GET /v1/search` print).
        public var json: JSONValue {
            .object([
                "case": .string(caseID), "name": .string(name),
                "idDocument": .object(["type": .string(idType), "number": .string(idMasked)]),
                "occupation": .string(occupation), "batch": .string(batch), "appliedOn": .string(appliedOn),
            ])
        }
    }

    /// Cases whose candidate has `text` as their full identity number (matched by keyed hash),
    /// else whose name contains `text` (at most 200, by name). A partial number matches nothing.
    public func searchCandidates(_ text: String) throws(ProjectionError) -> [CandidateMatch] {
        guard let search = try select(["search"]).first as? CandidateSearchProjection else { return [] }
        guard let reader = readers.reader("search", path: path("search")) else { return [] }
        let columns = "case_id, name, id_type, id_masked, occupation, batch, applied_on"
        var matches: [CandidateMatch] = []
        func collect(_ row: ResultRow) {
            matches.append(
                CandidateMatch(
                    caseID: row.text(0) ?? "",
                    name: row.text(1) ?? "",
                    idType: row.text(2) ?? "",
                    idMasked: row.text(3) ?? "",
                    occupation: row.text(4) ?? "",
                    batch: row.text(5) ?? "",
                    appliedOn: row.text(6) ?? ""
                )
            )
        }
        try reader.read { connection throws(ProjectionError) in
            try connection.rows(
                "SELECT \(columns) FROM candidates WHERE id_hash = ? ORDER BY case_id",
                [search.hash(text.trimmingCharacters(in: .whitespaces))],
                collect
            )
            guard matches.isEmpty else { return }
            let pattern = text.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            try connection.rows(
                "SELECT \(columns) FROM candidates WHERE name LIKE ? ESCAPE '\\' ORDER BY name, case_id LIMIT 200",
                ["%" + pattern + "%"],
                collect
            )
        }
        return matches
    }
}
