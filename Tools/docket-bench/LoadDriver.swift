import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Drives many kept-alive HTTP/1.1 connections from one thread with `poll`, one request in
/// flight per connection, as `wrk` does. Written by hand because no HTTP client here is cheap
/// enough: on a two-core machine the client shares the cores with the server it measures, so a
/// client thread per connection (or a client library's event loop) would be measured too.
///
/// Each connection asks `next(connection, n)` for the bytes of its n-th request (nil: done) and
/// records each request's latency from its first byte sent to its reply's last byte read.
final class LoadDriver {
    /// One connection's state.
    private struct Connection {
        var socket: Int32
        var sent = 0
        var request: [UInt8] = []
        var requestNumber = 0
        var started = ContinuousClock.now
        var input: [UInt8] = []
        var done = false
    }

    /// The latencies (seconds) of every completed request, and the statuses seen with counts.
    struct Outcome {
        var latencies: [Double] = []
        var statuses: [Int: Int] = [:]
        var seconds = 0.0
    }

    private var connections: [Connection] = []

    init(port: Int, connections count: Int) throws {
        for _ in 0..<count {
            let socket = try Self.connect(port: port)
            _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
            connections.append(Connection(socket: socket))
        }
    }

    deinit { for c in connections { close(c.socket) } }

    /// Runs until every connection is done or `seconds` pass; each connection finishes the
    /// request it has in flight at the deadline.
    func run(seconds: Double, next: (Int, Int) -> [UInt8]?) throws -> Outcome {
        var outcome = Outcome()
        let began = ContinuousClock.now
        let deadline = began + .milliseconds(Int64(seconds * 1000))
        for i in connections.indices { start(i, next: next, deadline: deadline) }
        var fds = connections.map { pollfd(fd: $0.socket, events: Int16(POLLIN), revents: 0) }
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        while connections.contains(where: { !$0.done }) {
            for i in fds.indices {
                let c = connections[i]
                fds[i].events = c.done ? 0 : Int16(c.sent < c.request.count ? POLLOUT : POLLIN)
                fds[i].revents = 0
            }
            let ready = poll(&fds, nfds_t(fds.count), 1_000)
            if ready < 0 {
                if errno == EINTR { continue }
                throw BenchFailure("poll failed: errno \(errno)")
            }
            for i in fds.indices where fds[i].revents != 0 {
                if connections[i].sent < connections[i].request.count {
                    try send(i)
                    continue
                }
                let n = chunk.withUnsafeMutableBytes { recv(connections[i].socket, $0.baseAddress, $0.count, 0) }
                if n < 0, errno == EAGAIN || errno == EINTR { continue }
                guard n > 0 else { throw BenchFailure("the server closed connection \(i)") }
                connections[i].input.append(contentsOf: chunk[0..<n])
                if let status = Self.completeReply(&connections[i].input) {
                    outcome.latencies.append((ContinuousClock.now - connections[i].started).seconds)
                    outcome.statuses[status, default: 0] += 1
                    connections[i].requestNumber += 1
                    start(i, next: next, deadline: deadline)
                }
            }
        }
        outcome.seconds = (ContinuousClock.now - began).seconds
        return outcome
    }

    private func start(_ i: Int, next: (Int, Int) -> [UInt8]?, deadline: ContinuousClock.Instant) {
        guard ContinuousClock.now < deadline, let request = next(i, connections[i].requestNumber) else {
            connections[i].done = true
            return
        }
        connections[i].request = request
        connections[i].sent = 0
        connections[i].started = .now
        try? send(i)
    }

    private func send(_ i: Int) throws {
        let socket = connections[i].socket
        let sent = connections[i].sent
        let n = connections[i].request[sent...].withUnsafeBytes {
            Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
        }
        if n < 0, errno == EAGAIN || errno == EINTR { return }
        guard n > 0 else { throw BenchFailure("the server closed connection \(i) while sending") }
        connections[i].sent += n
    }

    /// If `input` holds a whole reply, removes it and returns its status.
    static func completeReply(_ input: inout [UInt8]) -> Int? {
        guard let headEnd = find([13, 10, 13, 10], in: input, from: 0) else { return nil }
        let head = input[0..<headEnd]
        // "HTTP/1.1 200 …"
        var status = 0
        for b in head.dropFirst(9).prefix(3) { status = status * 10 + Int(b &- 48) }
        let bodyStart = headEnd + 4
        if let length = headerValue("content-length", in: head).flatMap({ Int(String(decoding: $0, as: UTF8.self)) }) {
            guard input.count >= bodyStart + length else { return nil }
            input.removeFirst(bodyStart + length)
            return status
        }
        // Chunked: complete once the last chunk (size 0) and its blank line are in.
        var at = bodyStart
        while true {
            guard let lineEnd = find([13, 10], in: input, from: at) else { return nil }
            let size = Int(String(decoding: input[at..<lineEnd], as: UTF8.self), radix: 16) ?? 0
            if size == 0 {
                guard input.count >= lineEnd + 4 else { return nil }
                input.removeFirst(lineEnd + 4)
                return status
            }
            at = lineEnd + 2 + size + 2
            guard input.count >= at else { return nil }
        }
    }

    private static func headerValue(_ name: String, in head: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let name = Array(name.utf8)
        var lineStart = head.startIndex
        while lineStart < head.endIndex {
            let lineEnd = head[lineStart...].firstIndex(of: 13) ?? head.endIndex
            let line = head[lineStart..<lineEnd]
            if line.count > name.count, line[line.startIndex + name.count] == 0x3A,
                zip(line.prefix(name.count), name).allSatisfy({ $0 | 0x20 == $1 })
            {
                return ArraySlice(line.dropFirst(name.count + 1).drop { $0 == 0x20 })
            }
            lineStart = lineEnd + 2
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard bytes.count >= needle.count, from <= bytes.count - needle.count else { return nil }
        var i = from
        while i <= bytes.count - needle.count {
            if bytes[i] == needle[0] {
                var j = 1
                while j < needle.count, bytes[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// A blocking TCP connection to the loopback port, with Nagle off.
    static func connect(port: Int) throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(socket)
            throw BenchFailure("cannot connect to port \(port)")
        }
        return socket
    }

    /// The bytes of one request.
    static func request(
        _ method: String,
        _ path: String,
        token: String,
        contentType: String? = nil,
        cookie: String? = nil,
        body: [UInt8] = []
    ) -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if !token.isEmpty { head += "Authorization: Bearer \(token)\r\n" }
        // Reads of personal data name a purpose (recorded in the store's access log).
        head += "Docket-Purpose: benchmark\r\n"
        if let cookie { head += "Cookie: \(cookie)\r\n" }
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        if method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }
}
