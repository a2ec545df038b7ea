import Certification
import Crypto
import Foundation

/// A signed-in console user: the token they signed in with (checked again on every request, so
/// revoking it ends the session), who it speaks for, and the session's CSRF token that every
/// form must carry.
struct ConsoleSession: Sendable {
    /// The cookie's value: 32 random bytes, base64url.
    var id: String
    /// Kept in memory only, to see the token revoked; never written anywhere.
    var token: String
    var holder: TokenFile.Holder
    /// Hidden in every form of this session; a post without it is refused.
    var csrf: String
    var started: ContinuousClock.Instant
    var lastSeen: ContinuousClock.Instant
    /// Why this user opened each case (issue 17): asked once per case and session, recorded
    /// with every read of the case's personal data.
    var purposes: [String: String] = [:]

    /// 32 random bytes as base64url without padding (43 characters).
    static func randomToken() -> String {
        let key = SymmetricKey(size: .bits256)
        let bytes = key.withUnsafeBytes { Data($0) }
        return bytes.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Compares two secrets in time that does not depend on where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
