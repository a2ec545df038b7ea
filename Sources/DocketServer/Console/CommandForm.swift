import Certification
import CertificationWire
import Chronology
import DocketJSON
import Foundation

/// The four complaint-work forms of the case page, and the commands they submit: the same
/// commands as `POST /v1/commands` (SPEC §3), with `at` the server's now, `actor` the signed-in
/// token's, and `expectedVersion` the version the page showed (a case that changed meanwhile
/// is a `version-conflict`, and the supervisor looks again before acting).
enum CommandForm {
    /// The commands the console submits, in the order the page shows their forms.
    static let commands = ["lodge-complaint", "resolve-complaint", "correct-score", "add-note"]

    /// The posted form's fields (`application/x-www-form-urlencoded`).
    struct Posted: Sendable {
        var values: [String: String]
        subscript(_ name: String) -> String? { values[name] }

        /// Parses a form body (`a=1&b=x+y`): at most 32 fields; a field named twice keeps its
        /// first value.
        init(body: String) {
            var values: [String: String] = [:]
            for pair in body.split(separator: "&").prefix(32) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = Self.decode(parts[0])
                let value = parts.count > 1 ? Self.decode(parts[1]) : ""
                if values[name] == nil { values[name] = value }
            }
            self.values = values
        }

        init(values: [String: String] = [:]) { self.values = values }

        static func decode(_ text: Substring) -> String {
            let spaced = text.replacingOccurrences(of: "+", with: " ")
            return spaced.removingPercentEncoding ?? spaced
        }
    }

    /// The command line for form `command` posted on case `caseID` by `actor` at `at`.
    static func line(command: String, caseID: String, form: Posted, actor: TokenFile.Holder, at: Timestamp) -> [UInt8] {
        var data = JSONObject()
        func text(_ name: String) {
            if let value = form[name] { data.set(name, .string(value)) }
        }
        switch command {
        case "lodge-complaint":
            for name in ["complaintId", "channel", "category", "summary"] { text(name) }
        case "resolve-complaint":
            for name in ["complaintId", "outcome", "resolution"] { text(name) }
        case "correct-score":
            for name in ["subject", "complaintId", "reason"] { text(name) }
            if let score = form["score"] {
                // A number when it reads as one; otherwise the text, so the rules name the field.
                let trimmed = score.trimmingCharacters(in: .whitespaces)
                data.set("score", Int(trimmed).map { .int($0) } ?? .string(score))
            }
        default:
            text("text")
            if let complaint = form["complaintId"], !complaint.isEmpty { data.set("complaintId", .string(complaint)) }
        }
        var envelope = JSONObject()
        envelope.set("command", .string(command))
        envelope.set("commandId", .string(form["commandId"] ?? ""))
        envelope.set("case", .string(caseID))
        envelope.set("at", .string(at.description))
        envelope.set("actor", .object(["id": .string(actor.actor), "role": .string(actor.role.rawValue)]))
        if let version = form["expectedVersion"].flatMap({ UInt64($0) }) {
            envelope.set("expectedVersion", .int(version))
        }
        envelope.set("data", .object(data))
        var out: [UInt8] = []
        JSONWriter.write(.object(envelope), into: &out)
        return out
    }

    /// The notice shown after command `command` was recorded.
    static func done(_ command: String) -> String? {
        switch command {
        case "lodge-complaint": return "The complaint was lodged and is in the timeline."
        case "resolve-complaint": return "The complaint was resolved and is in the timeline."
        case "correct-score": return "The score was corrected and is in the timeline."
        case "add-note": return "The note was added to the timeline."
        default: return nil
        }
    }
}
