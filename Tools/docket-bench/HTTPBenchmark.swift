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
            Makes a store with --preload cases, starts `docket serve`'s server in this process on a free loopback port, then: --connections connections each POST single commands of a fresh workload (--cases cases; each case's commands on one connection, in order) for up to --seconds, while the read models follow; as many connections read case views for --seconds; as many call GET /health (the framework's floor on this machine); one client reads the live feed from position 1 to the end.

            The load comes from one thread polling every connection (as `wrk` does), so the client takes little of the cores the server runs on.

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

    @Option(
        help:
            "Phases to run, comma-separated: commands, reads, health (the framework's floor: an open route answering a constant), live, console (the supervisor console's case page and search, signed in as a supervisor, and the pages' weight)."
    )
    var phases = "commands,reads,health,live"

    @Option(
        help: "Connections of the console phase (pages are measured at about the cores' concurrency, as server time)."
    )
    var consoleConnections = 2

    @Option(help: "The server's log level (`docket serve` logs each request at info, to standard error).")
    var logLevel = "error"

    func run() async throws {
        let root = Bench.temporaryDirectory("http")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/store"
        try DocketStore.create(at: path)
        Bench.progress("preloading \(preload) cases …")
        let store = try DocketStore.open(at: path)
        // In groups that share their syncs (one command at a time waits for a sync each).
        var group: [[UInt8]] = []
        var names: [String] = []
        for line in CommandWorkload(cases: preload, seed: 5) {
            if names.count < 5_000, let name = Self.candidateName(line) { names.append(name) }
            group.append(line)
            if group.count == 512 {
                Bench.submitAll(group, to: store)
                group.removeAll(keepingCapacity: true)
            }
        }
        Bench.submitAll(group, to: store)
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
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .error
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
        let roleTokens = tokens
        let commandRequests = queues.map { lines in
            lines.map { line in
                LoadDriver.request(
                    "POST",
                    "/v1/commands",
                    token: roleTokens[Self.role(of: line)] ?? "",
                    contentType: "application/json",
                    body: line
                )
            }
        }
        let wanted = Set(phases.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        let commandRun =
            wanted.contains("commands")
            ? try await Self.drive(port: port, connections: connections, seconds: seconds) { c, n in
                n < commandRequests[c].count ? commandRequests[c][n] : nil
            } : LoadDriver.Outcome()

        // Case views from the read model (a supervisor's token: masked numbers).
        Bench.progress("case views over \(connections) connections …")
        let supervisor = tokens[.supervisor] ?? ""
        let readRequests = (0..<preload).map {
            LoadDriver.request("GET", "/v1/cases/\(CommandWorkload.caseID($0))", token: supervisor)
        }
        let connectionCount = connections
        let readRun =
            wanted.contains("reads")
            ? try await Self.drive(port: port, connections: connections, seconds: seconds) { c, n in
                readRequests[(c + n * connectionCount) % readRequests.count]
            } : LoadDriver.Outcome()

        // The console: case pages and searches as a signed-in supervisor, and the pages' weight.
        var console: [(String, any Sendable)] = []
        if wanted.contains("console") {
            // Pages as a supervisor sees them once the read models hold the whole log (`/ready`).
            Bench.progress("waiting for the read models to catch up …")
            let deadline = ContinuousClock.now + .seconds(600)
            while try ConsoleClient.exchange(
                port: port,
                "GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            )
            .status != 200, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(500))
            }
            Bench.progress("console pages over \(consoleConnections) connections …")
            let cookie = try ConsoleClient.signIn(port: port, token: supervisor)
            let pages = (0..<preload).map {
                LoadDriver.request(
                    "GET",
                    "/console/cases/\(CommandWorkload.caseID($0))?purpose=benchmark",
                    token: "",
                    cookie: cookie
                )
            }
            let searches = names.map {
                LoadDriver.request("GET", "/console/search?q=\(Self.percentEncoded($0))", token: "", cookie: cookie)
            }
            let pageCount = consoleConnections
            let pageRun = try await Self.drive(port: port, connections: consoleConnections, seconds: seconds) { c, n in
                pages[(c + n * pageCount * 7919) % pages.count]
            }
            let searchRun = try await Self.drive(port: port, connections: consoleConnections, seconds: seconds) {
                c,
                n in
                searches[(c + n * pageCount) % max(1, searches.count)]
            }
            let sample = CommandWorkload.caseID(0)
            let casePage = try ConsoleClient.get(
                port: port,
                "/console/cases/\(sample)?purpose=benchmark",
                cookie: cookie
            )
            let saved = try ConsoleClient.get(
                port: port,
                "/console/cases/\(sample)/saved?purpose=benchmark",
                cookie: cookie
            )
            let search = try ConsoleClient.get(
                port: port,
                "/console/search?q=\(Self.percentEncoded(names.first ?? "a"))",
                cookie: cookie
            )
            let reportsCookie = try ConsoleClient.signIn(port: port, token: tokens[.reporter] ?? "")
            var reportsPage = ConsoleClient.Reply(status: 0, headers: [], body: [])
            let reportsSeconds = try Bench.seconds {
                reportsPage = try ConsoleClient.get(port: port, "/console/reports", cookie: reportsCookie)
            }
            let css = try ConsoleClient.get(port: port, "/console/assets/console.css", cookie: cookie)
            console = [
                ("consoleCasePages", pageRun.latencies.count),
                ("consoleCasePagesPerSec", Double(pageRun.latencies.count) / pageRun.seconds),
                ("consoleCasePageP50Millis", Bench.percentile(pageRun.latencies, 0.5) * 1000),
                ("consoleCasePageP99Millis", Bench.percentile(pageRun.latencies, 0.99) * 1000),
                ("consoleSearches", searchRun.latencies.count),
                ("consoleSearchP50Millis", Bench.percentile(searchRun.latencies, 0.5) * 1000),
                ("consoleSearchP99Millis", Bench.percentile(searchRun.latencies, 0.99) * 1000),
                ("consoleReportsPageMillis", reportsSeconds * 1000),
                ("casePageBytes", casePage.body.count),
                ("casePageWithStylesheetBytes", casePage.body.count + css.body.count),
                ("savedViewBytes", saved.body.count), ("searchPageBytes", search.body.count),
                ("reportsPageBytes", reportsPage.body.count),
                ("consoleStatuses", Self.statuses(pageRun.statuses.merging(searchRun.statuses, uniquingKeysWith: +))),
            ]
        }

        // The framework's floor: an unauthenticated constant reply, for comparison.
        let healthRequest = LoadDriver.request("GET", "/health", token: "")
        let healthRun =
            wanted.contains("health")
            ? try await Self.drive(port: port, connections: connections, seconds: seconds) { _, _ in
                healthRequest
            } : LoadDriver.Outcome()

        // One live consumer from the first event to the last one there now.
        Bench.progress("live feed …")
        let reader = try DocketStore.open(at: path, readOnly: true)
        let last = reader.log.lastPosition
        try reader.close()
        let auditor = tokens[.auditor] ?? ""
        var received = 0
        let sseSeconds =
            !wanted.contains("live")
            ? 0
            : try Bench.seconds {
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
        let statuses = Self.statuses(
            commandRun.statuses.merging(readRun.statuses, uniquingKeysWith: +).merging(
                healthRun.statuses,
                uniquingKeysWith: +
            )
        )
        Bench.printJSON(
            [
                ("connections", connections), ("commands", all.count),
                ("commandsPerSec", Double(all.count) / commandRun.seconds),
                ("commandP50Millis", Bench.percentile(all, 0.5) * 1000),
                ("commandP99Millis", Bench.percentile(all, 0.99) * 1000),
                ("caseReads", reads.count), ("caseReadsPerSec", Double(reads.count) / readRun.seconds),
                ("caseReadP50Millis", Bench.percentile(reads, 0.5) * 1000),
                ("caseReadP99Millis", Bench.percentile(reads, 0.99) * 1000),
                ("sseEvents", received), ("sseEventsPerSec", Double(received) / sseSeconds),
                ("healthPerSec", Double(healthRun.latencies.count) / healthRun.seconds),
                ("healthP99Millis", Bench.percentile(healthRun.latencies, 0.99) * 1000),
                ("statuses", statuses),
            ] + console
        )
    }

    /// Drives the load from one thread off the concurrency pool (the driver blocks in `poll`).
    static func drive(
        port: Int,
        connections: Int,
        seconds: Double,
        next: @escaping @Sendable (Int, Int) -> [UInt8]?
    ) async throws -> LoadDriver.Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                do {
                    let driver = try LoadDriver(port: port, connections: connections)
                    continuation.resume(returning: try driver.run(seconds: seconds, next: next))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            .start()
        }
    }

    /// Statuses and counts, as `200:1234 429:2`.
    static func statuses(_ counts: [Int: Int]) -> String {
        counts.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " ")
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

    /// The candidate's name in an `apply` command line.
    static func candidateName(_ line: [UInt8]) -> String? {
        let text = String(decoding: line.prefix(600), as: UTF8.self)
        guard text.contains("\"command\":\"apply\""), let range = text.range(of: "\"name\":\""),
            let end = text[range.upperBound...].firstIndex(of: "\"")
        else { return nil }
        return String(text[range.upperBound..<end])
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    static func hash(_ text: String) -> UInt64 {
        text.utf8.reduce(5381) { ($0 &<< 5) &+ $0 &+ UInt64($1) }
    }
}

/// The port the server bound.
final class BoundPort: @unchecked Sendable {
    private let lock = NSLock()
    private var port = 0
    func set(_ value: Int) { lock.withLock { port = value } }
    var value: Int { lock.withLock { port } }
}
