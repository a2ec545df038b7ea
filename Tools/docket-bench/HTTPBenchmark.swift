import ArgumentParser
import Certification
import DocketServer
import DocketStore
import DocketWorkload
import EventLog
import Foundation
import Logging

/// `docket-bench http`: the HTTP API on loopback under load — single-command POSTs over many
/// kept-alive connections, case views, and one live-feed consumer.
struct HTTPBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "HTTP: commandsPerSec and caseReadsPerSec with p50/p99, sseEventsPerSec.",
        discussion: """
            Makes a store with --preload cases, starts `docket serve`'s server in this process on a free loopback port, then: --connections clients each POST single commands of a fresh workload (--cases cases; each case's commands on one connection, in order) for up to --seconds; the same number of clients read case views for --seconds; one client reads the live feed from position 1 to the end.

            Example:
              docket-bench http --connections 64 --seconds 10
            """
    )

    @Option(help: "Concurrent kept-alive connections.")
    var connections = 64

    @Option(help: "Seconds per phase.")
    var seconds = 10.0

    @Option(help: "Cases in the store before the load (read by the case-view phase).")
    var preload = 2_000

    @Option(help: "Cases of the command workload.")
    var cases = 4_000

    func run() async throws {
        let root = Bench.temporaryDirectory("http")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/store"
        try DocketStore.create(at: path)
        Bench.progress("preloading \(preload) cases …")
        let store = try DocketStore.open(at: path)
        for line in CommandWorkload(cases: preload, seed: 5) { _ = store.submitAndWait(line) }
        try store.close()
        var tokens: [Actor.Role: String] = [:]
        for role in Actor.Role.allCases {
            tokens[role] = try TokenFile.add(
                actor: "bench-\(role.rawValue)",
                role: role,
                path: TokenFile.path(storeRoot: path)
            )
        }
        var configuration = DocketServer.Configuration(storePath: path)
        configuration.port = 0
        var logger = Logger(label: "docket.bench")
        logger.logLevel = .error
        let shutdown = ShutdownSwitch()
        let bound = BoundPort()
        let server = Task {
            try await DocketServer.run(configuration, logger: logger, shutdown: shutdown) { _, port in bound.set(port) }
        }
        while bound.value == 0 { try await Task.sleep(for: .milliseconds(20)) }
        let port = bound.value

        // Commands: each case's (or batch's) commands on one connection, in order.
        Bench.progress("commands over \(connections) connections …")
        var queues = Array(repeating: [[UInt8]](), count: connections)
        for line in CommandWorkload(cases: cases, seed: 6) {
            // New case ids (H…), so the load's cases do not meet the preloaded ones.
            let key = Array(#""case":""#.utf8)
            var bytes = line
            if let at = Self.firstIndex(of: key, in: line) { bytes.insert(0x48, at: at + key.count) }
            let target = Self.target(String(decoding: bytes.prefix(200), as: UTF8.self))
            queues[Int(Self.hash(target) % UInt64(connections))].append(bytes)
        }
        let queued = queues
        let roleTokens = tokens
        let commandRun = try await Self.load(connections: connections, seconds: seconds, port: port) {
            index,
            client,
            deadline in
            var latencies: [Double] = []
            for line in queued[index] where Date() < deadline {
                let role = Self.role(of: line)
                let start = ContinuousClock.now
                _ = try client.request(
                    "POST",
                    "/v1/commands",
                    token: roleTokens[role] ?? "",
                    contentType: "application/json",
                    body: line
                )
                latencies.append((ContinuousClock.now - start).seconds)
            }
            return latencies
        }

        // Case views from the read model (a supervisor's token: masked numbers).
        Bench.progress("case views over \(connections) connections …")
        let supervisor = tokens[.supervisor] ?? ""
        let preload = self.preload
        let readRun = try await Self.load(connections: connections, seconds: seconds, port: port) {
            index,
            client,
            deadline in
            var latencies: [Double] = []
            var i = index
            while Date() < deadline {
                let start = ContinuousClock.now
                _ = try client.request("GET", "/v1/cases/\(CommandWorkload.caseID(i % preload))", token: supervisor)
                latencies.append((ContinuousClock.now - start).seconds)
                i += connections
            }
            return latencies
        }

        // One live consumer from the first event to the last one there now.
        Bench.progress("live feed …")
        let reader = try DocketStore.open(at: path, readOnly: true)
        let last = reader.log.lastPosition
        try reader.close()
        let auditor = tokens[.auditor] ?? ""
        var received = 0
        let sseSeconds = try Bench.seconds {
            let client = try KeepAliveClient(port: port)
            try client.stream("/v1/events/live?from=1", token: auditor) { chunk in
                received += chunk.split(separator: 0x0A).filter { $0.starts(with: Array("id: ".utf8)) }.count
                return received < Int(last)
            }
        }
        shutdown.shutDown()
        _ = try? await server.value

        let all = commandRun.latencies
        let reads = readRun.latencies
        Bench.printJSON([
            ("connections", connections), ("commands", all.count),
            ("commandsPerSec", Double(all.count) / commandRun.seconds),
            ("commandP50Millis", Bench.percentile(all, 0.5) * 1000),
            ("commandP99Millis", Bench.percentile(all, 0.99) * 1000),
            ("caseReads", reads.count), ("caseReadsPerSec", Double(reads.count) / readRun.seconds),
            ("caseReadP50Millis", Bench.percentile(reads, 0.5) * 1000),
            ("caseReadP99Millis", Bench.percentile(reads, 0.99) * 1000),
            ("sseEvents", received), ("sseEventsPerSec", Double(received) / sseSeconds),
        ])
    }

    /// Runs `body` on `connections` threads, each with its own connection, until `seconds` pass
    /// (or every body returns); returns all latencies and the elapsed seconds.
    static func load(
        connections: Int,
        seconds: Double,
        port: Int,
        _ body: @escaping @Sendable (Int, KeepAliveClient, Date) throws -> [Double]
    ) async throws -> (latencies: [Double], seconds: Double) {
        let results = Results()
        let group = DispatchGroup()
        let deadline = Date().addingTimeInterval(seconds)
        let start = ContinuousClock.now
        for index in 0..<connections {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                do {
                    let client = try KeepAliveClient(port: port)
                    results.add(try body(index, client, deadline))
                } catch {
                    results.fail("\(error)")
                }
            }
            thread.start()
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                group.wait()
                continuation.resume()
            }
        }
        if let failure = results.failure { throw BenchFailure(failure) }
        return (results.latencies, (ContinuousClock.now - start).seconds)
    }

    static func firstIndex(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        return (0...(bytes.count - needle.count)).first { i in
            bytes[i] == needle[0] && bytes[i..<i + needle.count].elementsEqual(needle)
        }
    }

    static func target(_ line: String) -> String {
        for key in ["\"case\":\"", "\"batch\":\""] {
            if let range = line.range(of: key), let end = line[range.upperBound...].firstIndex(of: "\"") {
                return String(line[range.upperBound..<end])
            }
        }
        return ""
    }

    static func role(of line: [UInt8]) -> Actor.Role {
        let text = String(decoding: line.prefix(64), as: UTF8.self)
        guard let range = text.range(of: "\"command\":\""), let end = text[range.upperBound...].firstIndex(of: "\""),
            let name = CommandName(rawValue: String(text[range.upperBound..<end]))
        else { return .admin }
        return name.role
    }

    static func hash(_ text: String) -> UInt64 {
        text.utf8.reduce(5381) { ($0 &<< 5) &+ $0 &+ UInt64($1) }
    }
}

/// Latencies gathered from the load threads.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var latencies: [Double] = []
    private(set) var failure: String?
    func add(_ values: [Double]) { lock.withLock { latencies += values } }
    func fail(_ message: String) { lock.withLock { failure = failure ?? message } }
}

/// The port the server bound.
final class BoundPort: @unchecked Sendable {
    private let lock = NSLock()
    private var port = 0
    func set(_ value: Int) { lock.withLock { port = value } }
    var value: Int { lock.withLock { port } }
}
