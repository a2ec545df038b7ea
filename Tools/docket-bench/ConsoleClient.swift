import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One-off requests to the console for the benchmark: signing in as a browser does (the
/// sign-in page's cookie and CSRF value, then the token), and fetching one page whole to weigh
/// it. One connection per request (`Connection: close`).
enum ConsoleClient {
    struct Reply {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> [String] {
            headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
        }
    }

    /// The session cookie (`docket-session=…`) for `token`.
    static func signIn(port: Int, token: String) throws -> String {
        let page = try exchange(port: port, "GET /console/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        guard let cookie = page.header("Set-Cookie").first?.split(separator: ";").first,
            let range = page.text.range(of: "name=\"csrf\" value=\""),
            let end = page.text[range.upperBound...].firstIndex(of: "\"")
        else { throw BenchFailure("the console's sign-in page has no cookie or CSRF value") }
        let csrf = String(page.text[range.upperBound..<end])
        let body = "csrf=\(csrf)&token=\(token)"
        let reply = try exchange(
            port: port,
            "POST /console/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: \(cookie)\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        )
        guard let session = reply.header("Set-Cookie").first(where: { $0.hasPrefix("docket-session=") }) else {
            throw BenchFailure("signing in to the console failed: HTTP \(reply.status)")
        }
        return String(session.split(separator: ";")[0])
    }

    /// `GET path` with the session cookie, read whole.
    static func get(port: Int, _ path: String, cookie: String) throws -> Reply {
        try exchange(
            port: port,
            "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: \(cookie)\r\n\r\n"
        )
    }

    static func exchange(port: Int, _ request: String) throws -> Reply {
        let socket = try LoadDriver.connect(port: port)
        defer { close(socket) }
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw BenchFailure("send failed") }
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(socket, &buffer, buffer.count, 0)
            if n <= 0 { break }
            received.append(contentsOf: buffer[0..<n])
        }
        guard
            let split = received.indices.dropLast(3).first(where: {
                received[$0] == 13 && received[$0 + 1] == 10 && received[$0 + 2] == 13 && received[$0 + 3] == 10
            })
        else { throw BenchFailure("no HTTP reply") }
        let head = String(decoding: received[..<split], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        let headers = head.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Array(received[(split + 4)...])
        if headers.contains(where: { $0.0.lowercased() == "transfer-encoding" }) { body = dechunk(body) }
        return Reply(status: status, headers: headers, body: body)
    }

    static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard let lineEnd = (i..<(bytes.count - 1)).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }) else {
                break
            }
            let size = Int(String(decoding: bytes[i..<lineEnd], as: UTF8.self), radix: 16) ?? 0
            if size == 0 { break }
            out += bytes[(lineEnd + 2)..<min(bytes.count, lineEnd + 2 + size)]
            i = lineEnd + 2 + size + 2
        }
        return out
    }
}
