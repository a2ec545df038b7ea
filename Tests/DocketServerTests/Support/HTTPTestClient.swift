import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client over a plain socket, so tests control every byte they send
/// (oversized headers, any content type) and can read a live stream as it arrives.
struct HTTPTestClient {
    let port: Int

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Sends one request (`Connection: close`) and reads the whole reply, on a thread outside
    /// Swift's cooperative pool (blocking socket reads there would starve the server's handlers).
    func send(
        _ method: String,
        _ path: String,
        token: String? = nil,
        headers: [String: String] = [:],
        body: [UInt8] = []
    ) async throws -> Reply {
        try await Self.offPool { try sendBlocking(method, path, token: token, headers: headers, body: body) }
    }

    /// Opens a live stream and returns the text read until `enough` says so (or `seconds` pass).
    func stream(
        _ path: String,
        token: String,
        headers: [String: String] = [:],
        seconds: Double = 10,
        until enough: @escaping @Sendable (String) -> Bool
    ) async throws -> String {
        try await Self.offPool {
            try streamBlocking(path, token: token, headers: headers, seconds: seconds, until: enough)
        }
    }

    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    func sendBlocking(
        _ method: String,
        _ path: String,
        token: String? = nil,
        headers: [String: String] = [:],
        body: [UInt8] = []
    ) throws -> Reply {
        let socket = try connect()
        defer { close(socket) }
        try write(socket, request(method, path, token: token, headers: headers, body: body))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(socket, &buffer, buffer.count, 0)
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        return try Self.parse(received)
    }

    /// Sends `bytes` as they are (a request the test writes itself, perhaps incomplete) and
    /// reads until a whole reply is in, the server closes the connection, or `seconds` pass.
    func sendRaw(_ bytes: [UInt8], seconds: Double) async throws -> Reply {
        try await Self.offPool {
            let received = try exchange(bytes, seconds: seconds) { received in
                guard let reply = try? Self.parse(received) else { return false }
                return reply.headers["content-length"].flatMap(Int.init) == reply.body.count
            }
            return try Self.parse(received)
        }
    }

    func streamBlocking(
        _ path: String,
        token: String,
        headers: [String: String] = [:],
        seconds: Double = 10,
        until enough: (String) -> Bool
    ) throws -> String {
        let received = try exchange(request("GET", path, token: token, headers: headers, body: []), seconds: seconds) {
            enough(String(decoding: $0, as: UTF8.self))
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Writes `bytes` on a new connection and reads what comes back until `enough` says so, the
    /// server closes the connection, or `seconds` pass.
    private func exchange(_ bytes: [UInt8], seconds: Double, until enough: ([UInt8]) -> Bool) throws -> [UInt8] {
        let socket = try connect()
        defer { close(socket) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        try write(socket, bytes)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let n = recv(socket, &buffer, buffer.count, 0)
            if n == 0 { break }
            if n > 0 { received += buffer[0..<n] }
            if enough(received) { break }
        }
        return received
    }

    private func request(
        _ method: String,
        _ path: String,
        token: String?,
        headers: [String: String],
        body: [UInt8]
    ) -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        // Reads of personal data name a purpose: every request gives one unless the test sets
        // its own (an empty one tests its absence).
        if !headers.keys.contains(where: { $0.lowercased() == "docket-purpose" }) { head += "Docket-Purpose: test\r\n" }
        for (name, value) in headers where !(name.lowercased() == "docket-purpose" && value.isEmpty) {
            head += "\(name): \(value)\r\n"
        }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }

    private func connect() throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(socket)
            throw Failure("connect to port \(port)")
        }
        return socket
    }

    private func write(_ socket: Int32, _ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }  // the server may answer and close before reading everything
            sent += n
        }
    }

    /// Parses a reply (identity or chunked body).
    static func parse(_ bytes: [UInt8]) throws -> Reply {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else {
            throw Failure("no complete reply: \(String(decoding: bytes, as: UTF8.self))")
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(head[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces
            )
        }
        var body = Array(bytes[(end + 4)...])
        if headers["transfer-encoding"] == "chunked" { body = dechunk(body) }
        return Reply(status: status, headers: headers, body: body)
    }

    static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i + 1 < bytes.count {
            guard let lineEnd = (i..<bytes.count - 1).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }) else {
                break
            }
            let size = Int(String(decoding: bytes[i..<lineEnd], as: UTF8.self), radix: 16) ?? 0
            if size == 0 { break }
            let start = lineEnd + 2
            out += bytes[start..<min(bytes.count, start + size)]
            i = start + size + 2
        }
        return out
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
