import Certification
import DocketJSON
import DocketStore
import DocketWorkload
import EventLog
import Foundation
import Testing

@testable import DocketServer

/// The real `docket serve` process under load, stopped with SIGTERM: it exits cleanly, every
/// command it acknowledged is in the log where it said, and the log verifies.
@Suite struct SignalTests {
    /// The built `docket` executable, next to this test bundle.
    static var docket: String {
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return ((exe as NSString).deletingLastPathComponent as NSString).appendingPathComponent("docket")
    }

    /// Cases in the load (`DOCKET_TEST_SCALE` multiplies it).
    static var cases: Int { 60 * (Int(ProcessInfo.processInfo.environment["DOCKET_TEST_SCALE"] ?? "") ?? 1) }

    @Test func sigtermUnderLoadLosesNoAcknowledgedCommand() async throws {
        let root = NSTemporaryDirectory() + "docket-sigterm-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/store"
        try DocketStore.create(at: path)
        var tokens: [Actor.Role: String] = [:]
        for role in Actor.Role.allCases {
            tokens[role] = try TokenFile.add(
                actor: "load-\(role.rawValue)",
                role: role,
                path: TokenFile.path(storeRoot: path)
            )
        }

        let (server, port) = try await ServeProcess.start(store: path)

        // Four clients, each sending its cases' commands in order, one request each.
        var queues = Array(repeating: [[UInt8]](), count: 4)
        for line in CommandWorkload(cases: Self.cases, seed: 11) {
            guard case .object(let command)? = try? JSONParser.parse(line) else { continue }
            let target = command["case"]?.stringValue ?? command["batch"]?.stringValue ?? ""
            queues[Int(target.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF }) % 4].append(line)
        }
        let acknowledged = Acknowledged()
        let client = HTTPTestClient(port: port)
        let roleTokens = tokens
        let loads = queues.map { queue in
            Task {
                try await HTTPTestClient.offPool {
                    for line in queue {
                        let name = (try? JSONParser.parse(line))?["command"]?.stringValue ?? ""
                        let role = CommandName(rawValue: name)?.role ?? .admin
                        guard
                            let reply = try? client.sendBlocking(
                                "POST",
                                "/v1/commands",
                                token: roleTokens[role],
                                headers: ["Content-Type": "application/json"],
                                body: line
                            )
                        else { return }  // the server has gone: stop sending
                        acknowledged.add(reply)
                    }
                }
            }
        }

        // Let the load run, then SIGTERM mid-stream.
        let loadStarted = Date()
        while acknowledged.count < 150, Date().timeIntervalSince(loadStarted) < 60 {
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(server.processIdentifier, SIGTERM)
        let exited = try await HTTPTestClient.offPool { () -> Bool in
            let deadline = Date().addingTimeInterval(60)
            while server.isRunning, Date() < deadline { usleep(20_000) }
            return !server.isRunning
        }
        #expect(exited, "docket serve did not stop within 60 s of SIGTERM")
        if !exited { server.terminate() }
        for load in loads { _ = try? await load.value }
        #expect(server.terminationReason == .exit)
        #expect(server.terminationStatus == 0)

        // Every acknowledged command's events are in the log, where the server said.
        let events = acknowledged.events
        #expect(events.count >= 150)
        let store = try DocketStore.open(at: path, readOnly: true)
        var byStream: [String: [UInt64: UInt64]] = [:]
        for event in events where byStream[event.stream] == nil {
            byStream[event.stream] = Dictionary(
                uniqueKeysWithValues: try store.log.read(stream: event.stream).map { ($0.version, $0.position) }
            )
        }
        for event in events {
            #expect(
                byStream[event.stream]?[event.version] == event.position,
                "acknowledged \(event.stream) v\(event.version) at \(event.position) is not in the log there"
            )
        }
        try store.close()
        #expect(EventLog.verify(at: path).isClean)
    }
}

/// The events of every acknowledged command, gathered from the clients' threads.
final class Acknowledged: @unchecked Sendable {
    struct Event {
        var stream: String
        var version: UInt64
        var position: UInt64
    }

    private let lock = NSLock()
    private var all: [Event] = []
    private var commands = 0

    func add(_ reply: HTTPTestClient.Reply) {
        guard reply.status == 200, case .object(let result)? = try? JSONParser.parse(reply.body),
            result["ok"] == .bool(true), let stream = result["stream"]?.stringValue
        else { return }
        let events = (result["events"]?.arrayValue ?? []).compactMap { e -> Event? in
            guard let version = e["version"]?.intValue, let position = e["position"]?.intValue else { return nil }
            return Event(stream: stream, version: UInt64(version), position: UInt64(position))
        }
        lock.withLock {
            all += events
            commands += 1
        }
    }

    var count: Int { lock.withLock { commands } }
    var events: [Event] { lock.withLock { all } }
}
