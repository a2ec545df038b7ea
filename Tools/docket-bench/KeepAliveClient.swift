import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A blocking HTTP/1.1 client on one loopback connection reading an endless chunked reply (the
/// live feed) as it arrives; the request load itself comes from ``LoadDriver``.
final class KeepAliveClient {
    private let socket: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws { socket = try LoadDriver.connect(port: port) }

    deinit { close(socket) }

    /// Sends a GET and hands each chunk of the (endless) body to `chunk` until it returns false.
    func stream(_ path: String, token: String, chunk: ([UInt8]) -> Bool) throws {
        try send(
            Array(
                "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nDocket-Purpose: benchmark\r\n\r\n"
                    .utf8
            )
        )
        _ = try readHead()
        while true {
            let size = Int(try readLine(), radix: 16) ?? 0
            if size == 0 { return }
            let data = try read(size)
            _ = try readLine()
            if !chunk(data) { return }
        }
    }

    private func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw BenchFailure("the connection closed while sending") }
            sent += n
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = recv(socket, &chunk, chunk.count, 0)
        guard n > 0 else { throw BenchFailure("the connection closed") }
        buffer += chunk[0..<n]
    }

    private func readLine() throws -> String {
        while true {
            if let i = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<i], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                buffer.removeFirst(i + 1)
                return line
            }
            try fill()
        }
    }

    private func read(_ count: Int) throws -> [UInt8] {
        while buffer.count < count { try fill() }
        let out = Array(buffer[..<count])
        buffer.removeFirst(count)
        return out
    }

    private func readHead() throws -> (Int, [String: String]) {
        let status = Int(try readLine().split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        while true {
            let line = try readLine()
            if line.isEmpty { return (status, headers) }
            if let colon = line.firstIndex(of: ":") {
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                    in: .whitespaces
                )
            }
        }
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
