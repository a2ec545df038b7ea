import Foundation
import Hummingbird

/// The console's two cookies: the session (after sign-in) and the sign-in form's CSRF value
/// (a double-submit cookie, so a page elsewhere cannot sign a browser in as someone else).
/// Both are HttpOnly, SameSite=Strict, limited to `/console`, and Secure when the request came
/// through TLS (a proxy in front of `docket serve` says so with `X-Forwarded-Proto: https`).
enum ConsoleCookies {
    static let session = "docket-session"
    static let signIn = "docket-signin"

    /// The value of cookie `name` in the request's `Cookie` headers (RFC 6265 §5.4).
    static func value(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                if parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }

    /// A `Set-Cookie` value; `maxAge` 0 deletes the cookie.
    static func set(_ name: String, _ value: String, maxAge: Int, request: Request) -> String {
        var cookie = "\(name)=\(value); Path=/console; Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
        if request.headers[.init("X-Forwarded-Proto")!]?.lowercased() == "https" { cookie += "; Secure" }
        return cookie
    }
}
