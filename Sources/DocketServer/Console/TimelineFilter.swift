import CertificationWire
import Chronology
import DocketApplication
import Foundation

/// The case page's timeline filters (`type`, `actor`, `from`, `to`: days in Asia/Shanghai,
/// inclusive) and order (`order=oldest`, else newest first), from the query.
struct TimelineFilter: Sendable {
    var type: String?
    var actor: String?
    var from: LocalDate?
    var to: LocalDate?
    var newestFirst = true
    /// A malformed date, named (the timeline is shown unfiltered by it).
    var problem: String?

    init(query: [String: String]) {
        func given(_ name: String) -> String? {
            guard let value = query[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return String(value.prefix(200))
        }
        type = given("type")
        actor = given("actor")
        newestFirst = given("order") != "oldest"
        for name in ["from", "to"] {
            guard let text = given(name) else { continue }
            guard let day = LocalDate(text) else {
                problem = "\(name) must be a date, YYYY-MM-DD (got \(text))"
                continue
            }
            if name == "from" { from = day } else { to = day }
        }
        if let from, let to, from > to { problem = "from (\(from)) is after to (\(to))" }
    }

    /// Whether `entry` passes the filters.
    func admits(_ entry: TimelineEntry) -> Bool {
        if let type, entry.event.type != type { return false }
        if let actor, entry.event.metadata.actorID != actor { return false }
        let day = entry.event.at.localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset)
        if let from, day < from { return false }
        if let to, day > to { return false }
        return true
    }

    /// The filters as a query string (for the saved view's link), `order` included.
    var query: String {
        var parts: [String] = []
        if let type { parts.append("type=" + Self.escape(type)) }
        if let actor { parts.append("actor=" + Self.escape(actor)) }
        if let from { parts.append("from=\(from)") }
        if let to { parts.append("to=\(to)") }
        if !newestFirst { parts.append("order=oldest") }
        return parts.joined(separator: "&")
    }

    /// The filters in words, for the saved view's stamp.
    var words: String {
        var parts: [String] = []
        if let type { parts.append("event \(type)") }
        if let actor { parts.append("actor \(actor)") }
        if let from { parts.append("from \(from)") }
        if let to { parts.append("to \(to)") }
        parts.append(newestFirst ? "newest first" : "oldest first")
        return parts.joined(separator: ", ")
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? ""
    }
}
