import Foundation
import Testing

@testable import EventLog

/// The writer writes the next group while the group before it is in `fdatasync`: that group
/// must be checked against the one in flight (not yet in the index), answered only after it,
/// and refused with it when its sync fails. A sync is held open by fault injection so that the
/// next group is certainly written meanwhile.
@Suite struct PipelinedSyncTests {
    @Test func theNextGroupIsCheckedAgainstTheOneSyncingAndAnsweredOnlyAfterIt() async throws {
        let store = try TestStore()
        let writes = HookCalls()
        let syncs = HookCalls()
        let log = try store.open { options in
            options.beforeGroupWrite = { () throws(EventLogError) in _ = writes.count() }
            options.onGroupCommitted = { _ in _ = syncs.count() }
        }
        defer { FaultInjection.clear(under: store.path) }
        _ = try await log.append(AppendRequest(stream: "s", events: Events.make(2)))
        FaultInjection.script([(.sync, 1, .held)], under: store.path)

        let first = Answer()
        log.append(
            AppendRequest(stream: "s", expectedVersion: .exactly(2), events: Events.make(1), idempotencyKey: "k")
        ) {
            first.set($0)
        }
        FaultInjection.waitUntilHeld(under: store.path)
        // While the first syncs, the next group: its expected versions and keys are checked
        // against the first, which the index does not hold yet.
        let next = Answer()
        let retried = Answer()
        let stale = Answer()
        log.append(AppendRequest(stream: "s", expectedVersion: .exactly(3), events: Events.make(1))) { next.set($0) }
        log.append(
            AppendRequest(stream: "s", expectedVersion: .exactly(2), events: Events.make(1), idempotencyKey: "k")
        ) {
            retried.set($0)
        }
        log.append(AppendRequest(stream: "s", expectedVersion: .exactly(2), events: Events.make(1))) { stale.set($0) }
        // The second group is written (the writer may take the three appends as one group or
        // as several: `next` is in the first of them, the others may follow once it is durable).
        try Answer.waitUntil { writes.seen >= 3 }
        #expect(!first.isSet && !next.isSet && !retried.isSet && !stale.isSet)
        #expect(log.lastPosition == 2)  // readers see durable events only

        FaultInjection.release(under: store.path)
        let placed = try first.wait().get()
        #expect(placed.firstPosition == 3)
        let after = try next.wait().get()
        #expect(after.events.map(\.version) == [4])
        let again = try retried.wait().get()
        #expect(again.deduplicated)
        #expect(again.events.map(\.position) == placed.events.map(\.position))
        #expect(throws: EventLogError.self) { try stale.wait().get() }
        if case .failure(let error) = stale.wait() { #expect(error.code == .versionConflict) }
        try Answer.waitUntil { syncs.seen >= 3 }
        #expect(try log.read(stream: "s").map(\.version) == [1, 2, 3, 4])
        try log.close()
        #expect(EventLog.verify(at: store.path).isClean)
    }

    @Test func aFailedSyncRefusesTheGroupWrittenBehindItAndTheLogKeepsNeither() async throws {
        let store = try TestStore()
        let writes = HookCalls()
        var log = try store.open { options in
            options.beforeGroupWrite = { () throws(EventLogError) in _ = writes.count() }
        }
        defer { FaultInjection.clear(under: store.path) }
        _ = try await log.append(AppendRequest(stream: "s", events: Events.make(2)))
        FaultInjection.script([(.sync, 1, .heldThenIOError)], under: store.path)

        let first = Answer()
        log.append(AppendRequest(stream: "s", events: Events.make(1))) { first.set($0) }
        FaultInjection.waitUntilHeld(under: store.path)
        let second = Answer()
        log.append(AppendRequest(stream: "t", events: Events.make(3))) { second.set($0) }
        try Answer.waitUntil { writes.seen >= 3 }  // written beside the failing sync
        FaultInjection.release(under: store.path)

        for answer in [first, second] {
            guard case .failure(let error) = answer.wait() else {
                Issue.record("an append was acknowledged although the sync before it failed")
                continue
            }
            #expect(error.code == .writerFailed)
        }
        do {
            _ = try await log.append(AppendRequest(stream: "s", events: Events.make(1)))
            Issue.record("the writer accepted an append after a failed sync")
        } catch {
            #expect(error.code == .writerFailed)
        }
        try? log.close()
        FaultInjection.clear(under: store.path)
        // Neither group is in the reopened log: the second was cut back with the first.
        log = try store.open()
        #expect(log.lastPosition == 2)
        #expect(try log.read(stream: "t").isEmpty)
        let next = try await log.append(AppendRequest(stream: "s", events: Events.make(1)))
        #expect(next.firstPosition == 3)
        try log.close()
        #expect(EventLog.verify(at: store.path).isClean)
    }
}

/// One append's answer, handed over from the log's threads.
final class Answer: @unchecked Sendable {
    private let lock = NSCondition()
    private var result: Result<AppendResult, EventLogError>?

    func set(_ value: Result<AppendResult, EventLogError>) {
        lock.withLock {
            result = value
            lock.broadcast()
        }
    }

    var isSet: Bool { lock.withLock { result != nil } }

    /// The answer, once given (a test that never gets one fails by its time limit).
    func wait() -> Result<AppendResult, EventLogError> {
        lock.withLock {
            while result == nil { lock.wait() }
            return result!
        }
    }

    /// Polls `condition` for up to ten seconds.
    static func waitUntil(_ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(10)
        while !condition() {
            guard Date() < deadline else { throw CancellationError() }
            usleep(1_000)
        }
    }
}
