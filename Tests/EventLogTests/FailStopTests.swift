import Chronology
import Foundation
import Testing

@testable import EventLog

/// A failed sync may have lost data the kernel already dropped; retrying it could "succeed"
/// falsely. The writer must stop: fail that append and every later one, until reopened.
@Suite struct FailStopTests {
    @Test func aFailedSyncStopsTheWriterAndNothingLaterIsAcknowledged() async throws {
        let store = try TestStore()
        var log = try store.open()
        _ = try await log.append(AppendRequest(stream: "s", events: Events.make(2)))
        FaultInjection.failNextSyncs(1, under: store.path)
        do {
            _ = try await log.append(AppendRequest(stream: "s", events: Events.make(1)))
            Issue.record("an append whose sync failed was acknowledged")
        } catch {
            #expect(error.code == .writerFailed)
            #expect(error.errno == EIO)
        }
        // The sync would succeed now, but the writer must not pretend anything is durable.
        do {
            _ = try await log.append(AppendRequest(stream: "s", events: Events.make(1)))
            Issue.record("the writer accepted an append after a failed sync")
        } catch {
            #expect(error.code == .writerFailed)
        }
        try? log.close()
        // Reopening recovers from the log: what was acknowledged is there, and the store verifies.
        log = try store.open()
        #expect(try log.read(stream: "s").count >= 2)
        let next = try await log.append(AppendRequest(stream: "s", events: Events.make(1)))
        #expect(next.firstPosition == log.lastPosition)
        try log.close()
        #expect(EventLog.verify(at: store.path).isClean)
    }

    /// What the caller must make durable before its events (a store's photos) is made durable
    /// before the group is written, once per group; if that fails, nothing of the group is
    /// written and the writer stops, as for a failed sync.
    @Test func aFailedBeforeWriteHookWritesNothingAndStopsTheWriter() async throws {
        let store = try TestStore()
        let calls = HookCalls()
        var log = try store.open { options in
            options.beforeGroupWrite = { () throws(EventLogError) in
                if calls.count() == 1 { throw EventLogError(.io, "cannot sync the photos") }
            }
        }
        _ = try await log.append(AppendRequest(stream: "s", events: Events.make(2)))
        #expect(calls.seen == 1)
        do {
            _ = try await log.append(AppendRequest(stream: "s", events: Events.make(1)))
            Issue.record("an append whose hook failed was acknowledged")
        } catch {
            #expect(error.code == .writerFailed)
            #expect(error.message.contains("cannot sync the photos"))
        }
        try? log.close()
        log = try store.open()
        #expect(log.lastPosition == 2)
        try log.close()
        #expect(EventLog.verify(at: store.path).isClean)
    }

    @Test func aFullDiskRefusesCleanlyAndTheStoreWorksOnceSpaceIsFreed() async throws {
        let mountPoint = NSTemporaryDirectory() + "docket-enospc-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        defer {
            _ = Self.run("/bin/umount", [mountPoint])
            try? FileManager.default.removeItem(atPath: mountPoint)
        }
        guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint]) == 0 else {
            // Not permitted here (no root or no mount namespace): nothing to prove on this machine.
            return
        }
        let path = mountPoint + "/store"
        try EventLog.create(at: path)
        var log = try EventLog.open(at: path)
        var acknowledged = 0
        var failure: EventLogError?
        // Incompressible payloads fill the 1 MiB quickly.
        var generator = SystemRandomNumberGenerator()
        for i in 0..<400 {
            let payload = (0..<8000).map { _ in UInt8.random(in: 0...255, using: &generator) }
            do {
                _ = try await log.append(
                    AppendRequest(
                        stream: "s\(i % 3)",
                        events: [ProposedEvent(type: "Big", occurredAt: .now(), payload: payload)]
                    )
                )
                acknowledged += 1
            } catch {
                failure = error
                break
            }
        }
        #expect(failure?.code == .writerFailed)
        #expect(failure?.errno == ENOSPC)
        #expect(acknowledged > 10)
        try? log.close()
        // Free space (grow the filesystem) and reopen: every acknowledged append is there.
        #expect(Self.run("/bin/mount", ["-o", "remount,size=8m", mountPoint]) == 0)
        log = try EventLog.open(at: path)
        #expect(log.lastPosition >= UInt64(acknowledged))
        _ = try await log.append(AppendRequest(stream: "after", events: Events.make(1)))
        try log.close()
        #expect(EventLog.verify(at: path).isClean)
    }

    static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Counts calls of a hook (from the writer thread).
final class HookCalls: @unchecked Sendable {
    private let lock = NSLock()
    private var calls = 0
    /// Counts this call; returns how many came before it.
    func count() -> Int {
        lock.withLock {
            calls += 1
            return calls - 1
        }
    }
    var seen: Int { lock.withLock { calls } }
}
