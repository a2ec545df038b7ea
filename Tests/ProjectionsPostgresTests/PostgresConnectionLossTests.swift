import DocketStore
import DocketTestSupport
import DocketWorkload
import Foundation
import Projections
import Testing

@testable import ProjectionsPostgres

/// The target's connections terminated by the server while a feed runs: the feed fails
/// (never waits forever), and the next one goes on with nothing lost or applied twice.
@Suite(.enabled(if: PostgresTestDatabase.available, "needs DOCKET_TEST_POSTGRES_URL (bash Tools/postgres start)"))
struct PostgresConnectionLossTests {
    final class Outcome: @unchecked Sendable {
        let lock = NSLock()
        var finished = false
        var error: (any Error)?
    }

    @Test func aFeedWhoseConnectionsAreTerminatedFailsAndTheNextOneRepairs() async throws {
        try await offThePool { try Self.aFeedWhoseConnectionsAreTerminatedFailsAndTheNextOneRepairsBody() }
    }

    static func aFeedWhoseConnectionsAreTerminatedFailsAndTheNextOneRepairsBody() throws {
        let lines = PostgresParityTests.history(cases: 240, seed: 31)
        let (db, s, projector, target) = try PostgresParityTests.fedTarget(Array(lines.prefix(200)))
        s.submit(Array(lines.dropFirst(200)))
        projector.batchSize = 8
        let admin = try db.session()
        var failures = 0
        for round in 0..<3 {
            let outcome = Outcome()
            let feeder = Thread {
                do { try target.catchUp(projector: projector) } catch {
                    outcome.lock.withLock { outcome.error = error }
                }
                outcome.lock.withLock { outcome.finished = true }
            }
            feeder.start()
            usleep(useconds_t(150_000 + round * 100_000))
            try admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            let deadline = Date().addingTimeInterval(120)
            while !outcome.lock.withLock({ outcome.finished }), Date() < deadline { usleep(20_000) }
            #expect(
                outcome.lock.withLock { outcome.finished },
                "the feed still waits two minutes after its connections were terminated"
            )
            guard outcome.lock.withLock({ outcome.finished }) else { return }
            if outcome.lock.withLock({ outcome.error }) != nil { failures += 1 }
        }
        #expect(failures > 0, "no feed was interrupted: make the history longer")
        projector.batchSize = 32_768
        // The last round's terminations reach idle connections too: let their closing land
        // (a closed connection is replaced; one closing at this very moment fails the call,
        // which the server's follower retries).
        usleep(300_000)
        try target.catchUp(projector: projector)
        try PostgresParityTests.assertSameFingerprints(projector, target)
    }
}
