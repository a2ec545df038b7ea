import Certification
import DocketStore
import DocketWorkload
import Foundation
import Logging

@testable import DocketServer

/// A store with a seeded workload and a token per role, served on a free loopback port by the
/// real `DocketServer.run`, stopped by cancelling it (as a signal would stop it).
final class TestServer: @unchecked Sendable {
    let root: String
    let path: String
    private(set) var port = 0
    private var task: Task<Void, any Error>?
    private let shutdown = ShutdownSwitch()
    private(set) var tokens: [Actor.Role: String] = [:]

    init(cases: Int = 12, limits: ServerLimits = ServerLimits(), corsOrigins: [String] = []) async throws {
        root = NSTemporaryDirectory() + "docket-server-\(UUID().uuidString.prefix(8))"
        path = root + "/store"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try DocketStore.create(at: path)
        let store = try DocketStore.open(at: path)
        for line in CommandWorkload(cases: cases, seed: 9) { _ = store.submitAndWait(line) }
        try store.close()
        for role in Actor.Role.allCases {
            tokens[role] = try TokenFile.add(
                actor: "\(role.rawValue)-test",
                role: role,
                path: TokenFile.path(storeRoot: path)
            )
        }
        var configuration = DocketServer.Configuration(storePath: path)
        configuration.port = 0
        configuration.limits = limits
        configuration.corsOrigins = corsOrigins
        var logger = Logger(label: "docket.test-server")
        logger.logLevel = .critical
        let bound = PortBox()
        let shutdown = self.shutdown
        task = Task {
            try await DocketServer.run(configuration, logger: logger, shutdown: shutdown) { _, port in bound.set(port) }
        }
        let deadline = Date().addingTimeInterval(60)
        while bound.value == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        port = bound.value
        guard port != 0 else { throw HTTPTestClient.Failure("the server did not start") }
        // Wait for the read models' first catch-up.
        while Date() < deadline, (try? await client.send("GET", "/ready").status) != 200 {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    var client: HTTPTestClient { HTTPTestClient(port: port) }

    func token(_ role: Actor.Role) -> String { tokens[role]! }

    /// Stops the server as SIGTERM would and waits for it to close the store.
    func stop() async {
        shutdown.shutDown()
        _ = try? await task?.value
        task = nil
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }
}

final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port = 0
    func set(_ value: Int) { lock.withLock { port = value } }
    var value: Int { lock.withLock { port } }
}
