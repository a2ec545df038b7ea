import DocketJSON
import Foundation
import GRDB

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
        guard let queue = openReader("search") else { return [] }
        let columns = "case_id, name, id_type, id_masked, occupation, batch, applied_on"
        do {
            let rows = try queue.read { db in
                let byNumber = try Row.fetchAll(
                    db,
                    sql: "SELECT \(columns) FROM candidates WHERE id_hash = ? ORDER BY case_id",
                    arguments: [search.hash(text.trimmingCharacters(in: .whitespaces))]
                )
                if !byNumber.isEmpty { return byNumber }
                let pattern = text.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
                return try Row.fetchAll(
                    db,
                    sql:
                        "SELECT \(columns) FROM candidates WHERE name LIKE ? ESCAPE '\\' ORDER BY name, case_id LIMIT 200",
                    arguments: ["%" + pattern + "%"]
                )
            }
            return rows.map {
                CandidateMatch(
                    caseID: $0["case_id"],
                    name: $0["name"],
                    idType: $0["id_type"],
                    idMasked: $0["id_masked"],
                    occupation: $0["occupation"],
                    batch: $0["batch"],
                    appliedOn: $0["applied_on"]
                )
            }
        } catch {
            throw ProjectionError(.database, "cannot search: \(error)")
        }
    }
}
