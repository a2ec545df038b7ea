import CertificationWire
import DocketJSON
import DocketStore
import DocketTestSupport
import DocketWorkload
import Foundation
import Testing

@testable import EventLog

/// A deterministic simulation in the manner of FoundationDB's and TigerBeetle's: from a seed,
/// clients submit the commands of a workload in groups of random sizes while the file system
/// fails a scripted write or sync (EIO, a full disk, a short write); the store is reopened after
/// each failure and the clients retry what failed. After every restart, every command the store
/// acknowledged is in the log exactly once where it said, nothing it answered as failed is there,
/// and the log verifies. One seed reproduces one run.
@Suite(.serialized) struct FaultSimulationTests {
    /// Seeds run by default; `DOCKET_TEST_SCALE` multiplies them.
    static let seeds: [UInt64] = {
        let scale = Int(ProcessInfo.processInfo.environment["DOCKET_TEST_SCALE"] ?? "1") ?? 1
        return (0..<UInt64(4 * max(1, scale))).map { 1_000 + $0 }
    }()

    /// What the simulation saw, for the note and for failures.
    struct Tally: CustomStringConvertible {
        var restarts = 0
        var faultsFired = 0
        var acknowledged = 0
        var failed = 0
        var description: String {
            "\(restarts) restarts, \(faultsFired) faults fired, \(acknowledged) acknowledged, \(failed) answered store-failed"
        }
    }

    /// Runs on a thread of its own: the simulation blocks for seconds, and Swift concurrency's
    /// two threads here are what the other suites' servers run on.
    @Test(arguments: seeds)
    func everyAcknowledgedCommandSurvivesExactlyOnceAndNoFailedOneAppears(seed: UInt64) async throws {
        let problems = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<[String], any Error>) in
            Thread.detachNewThread { continuation.resume(with: Result { try Self.simulate(seed: seed) }) }
        }
        #expect(problems.isEmpty, "\(problems.prefix(5))")
    }

    /// Runs one seed; returns what went wrong (empty when nothing did).
    static func simulate(seed: UInt64) throws -> [String] {
        var problems: [String] = []
        func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
            if !condition { problems.append(message()) }
        }
        var random = SeededGenerator(seed: seed)
        let t = try TemporaryStore()
        var pending = Array(CommandWorkload(cases: 40, seed: seed).map { String(decoding: $0, as: UTF8.self) })
        var tally = Tally()
        var acknowledged: [String: [UInt64]] = [:]
        var rounds = 0
        while !pending.isEmpty, rounds < 60 {
            rounds += 1
            // A fault somewhere in the next few writes or syncs of this round.
            let operation: FaultInjection.Operation = Bool.random(using: &random) ? .write : .sync
            let kinds: [FaultInjection.Fault] = [.ioError, .diskFull, .shortWrite]
            let fault = kinds[Int.random(in: 0..<kinds.count, using: &random)]
            FaultInjection.script([(operation, Int.random(in: 1...12, using: &random), fault)], under: t.path)
            var failedLines: [String] = []
            var failedIDs: Set<String> = []
            var stopped = false
            while !pending.isEmpty, !stopped {
                let size = min(pending.count, Int.random(in: 1...24, using: &random))
                let group = Array(pending.prefix(size))
                pending.removeFirst(size)
                for (line, outcome) in zip(group, t.submit(group)) {
                    if outcome.storeFailure != nil {
                        stopped = true
                        failedLines.append(line)
                        if let id = outcome.commandID { failedIDs.insert(id) }
                        tally.failed += 1
                    } else if outcome.ok, let id = outcome.commandID, !outcome.events.isEmpty {
                        acknowledged[id] = outcome.events.map(\.position)
                        tally.acknowledged += 1
                    }
                }
            }
            FaultInjection.clear(under: t.path)
            guard stopped else { continue }
            tally.faultsFired += 1
            // Restart, as an operator would once the disk is fixed.
            try t.reopen()
            tally.restarts += 1
            let log = t.store.log
            for (id, positions) in acknowledged {
                let events = try log.events(appendedWithKey: id)
                expect(events?.map(\.position) == positions, "seed \(seed): acknowledged \(id) is not where it was")
            }
            for id in failedIDs {
                expect(try log.events(appendedWithKey: id) == nil, "seed \(seed): \(id) failed but is in the log")
            }
            expect(EventLog.verify(at: t.path).isClean, "seed \(seed): the log does not verify after restart \(rounds)")
            // The clients retry what failed, first.
            pending = failedLines + pending
        }
        expect(pending.isEmpty, "seed \(seed): \(tally)")
        expect(tally.faultsFired > 0, "seed \(seed): no fault fired")
        expect(
            try HistoryVerifier.verify(t.store.log, keys: t.store.personalKeys).findings.isEmpty,
            "seed \(seed): verify found rule breaks"
        )
        print("fault simulation seed \(seed): \(tally)")
        return problems
    }
}
