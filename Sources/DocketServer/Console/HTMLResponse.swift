import HTTPTypes
import Hummingbird

/// Console pages as HTTP responses: HTML that is never cached (it shows personal data), may not
/// be framed, loads nothing but the console's own stylesheet, and posts forms only to itself.
enum HTMLResponse {
    /// The Content-Security-Policy of console pages. A saved view carries its stylesheet inline.
    static let policy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    static let savedPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

    static func page(_ html: String, status: HTTPResponse.Status = .ok, policy: String = policy) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-store",
            .contentSecurityPolicy: policy,
            .init("X-Content-Type-Options")!: "nosniff",
            .init("X-Frame-Options")!: "DENY",
            .init("Referrer-Policy")!: "same-origin",
        ]
        headers[.vary] = "Cookie"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// 303 See Other to `location` (after a form, the browser asks for the page again with GET).
    static func redirect(_ location: String, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }
}
