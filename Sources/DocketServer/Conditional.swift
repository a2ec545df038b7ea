import Chronology
import Foundation
import HTTPTypes
import Hummingbird

/// Validators for answers that change only when the log does (or the day does: a kept pass
/// lapses at midnight): `ETag` and `If-None-Match` (RFC 9110 §8.8.3, §13.1.2).
///
/// The tag is weak (`W/"…"`): a case view carries the moment it was made (`asOf`), so two
/// answers at the same position differ in that one field and are equivalent, not identical. It
/// names the log position, the day in Asia/Shanghai and what the reader may see, so a reader
/// with another role never gets another's view from a cache. `Cache-Control: private,
/// no-cache`: personal data is never stored by a shared cache, and a private one asks each
/// time (a 304 costs the server nothing but the check).
enum Conditional {
    static let cacheControl = "private, no-cache"

    /// The weak tag of an answer made at log position `position` for a reader who sees `reader`.
    static func tag(position: UInt64, reader: String, now: Timestamp = .now()) -> String {
        // The day in Asia/Shanghai as days since 1970 (a number, not a date: it is only compared).
        let day = (now.microseconds / 1_000_000 + Int64(Timestamp.chinaStandardOffset)) / 86_400
        return "W/\"\(position)-\(day)-\(reader)\""
    }

    /// 304 Not Modified when the request's `If-None-Match` names `tag` (weak comparison), else
    /// `nil`.
    static func notModified(_ request: Request, tag: String) -> Response? {
        guard let header = request.headers[.ifNoneMatch] else { return nil }
        let opaque = Self.opaque(tag)
        let matches = header.split(separator: ",").contains { candidate in
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            return trimmed == "*" || Self.opaque(trimmed) == opaque
        }
        guard matches else { return nil }
        return Response(status: .notModified, headers: [.eTag: tag, .cacheControl: cacheControl])
    }

    /// `response` with its validator and caching rule.
    static func tagged(_ response: Response, tag: String) -> Response {
        var response = response
        response.headers[.eTag] = tag
        response.headers[.cacheControl] = cacheControl
        return response
    }

    /// The tag without its weakness marker (weak comparison ignores it).
    private static func opaque(_ tag: String) -> String { tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag }
}

extension Response {
    /// Adds `field` to `Vary` (keeping what other middleware put there).
    mutating func vary(_ field: String) {
        let current = headers[.vary] ?? ""
        let fields = current.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard !fields.contains(field.lowercased()) else { return }
        headers[.vary] = current.isEmpty ? field : current + ", " + field
    }
}
