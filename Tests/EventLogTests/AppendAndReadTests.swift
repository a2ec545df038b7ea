import Chronology
import Foundation
import Testing

@testable import EventLog

@Suite struct AppendAndReadTests {
    @Test func appendedEventsReadBackWithDensePositionsAndVersions() async throws {
        let store = try TestStore()
        let log = try store.open()
        let a = try await log.append(AppendRequest(stream: "case-a", events: Events.make(3)))
        let b = try await log.append(AppendRequest(stream: "case-b", events: Events.make(2)))
        let c = try await log.append(AppendRequest(stream: "case-a", events: Events.make(1)))
        #expect(a.events.map(\.position) == [1, 2, 3])
        #expect(a.events.map(\.version) == [1, 2, 3])
        #expect(b.events.map(\.position) == [4, 5])
        #expect(b.events.map(\.version) == [1, 2])
        #expect(c.events.map(\.position) == [6])
        #expect(c.events.map(\.version) == [4])
        let history = try log.read(stream: "case-a")
        #expect(history.map(\.version) == [1, 2, 3, 4])
        #expect(history.map(\.position) == [1, 2, 3, 6])
        let proposed = Events.make(3) + Events.make(1)
        #expect(history.map(\.payload) == proposed.map(\.payload))
        #expect(history.map(\.occurredAt) == proposed.map(\.occurredAt))
        #expect(history.allSatisfy { $0.occurredAt.utcOffsetSeconds == 28_800 })
        #expect(try log.read(stream: "case-a", from: 2, to: 3).map(\.version) == [2, 3])
        #expect(try log.read(stream: "nobody").isEmpty)
        #expect(log.lastPosition == 6)
        try log.close()
    }

    @Test func eventsSurviveReopenWithTheIndexAndWithoutIt() async throws {
        let store = try TestStore()
        var log = try store.open()
        for i in 0..<50 {
            _ = try await log.append(AppendRequest(stream: "case-\(i % 7)", events: Events.make(1 + i % 3)))
        }
        let before = try log.events().collected()
        let digest = try log.digest()
        try log.close()

        log = try store.open()
        #expect(log.recovery.isClean)
        #expect(try log.events().collected() == before)
        #expect(try log.digest() == digest)
        try log.close()

        try FileManager.default.removeItem(atPath: store.indexPath)
        log = try store.open()
        #expect(log.recovery.indexRebuilt)
        #expect(try log.events().collected() == before)
        #expect(try log.read(stream: "case-3") == before.filter { $0.stream == "case-3" })
        #expect(try log.digest() == digest)
        try log.close()
    }

    @Test func anExpectedVersionConflictIsRefusedAndAppendsNothing() async throws {
        let store = try TestStore()
        let log = try store.open()
        _ = try await log.append(AppendRequest(stream: "s", expectedVersion: .noStream, events: Events.make(2)))
        await #expect(throws: EventLogError.self) {
            _ = try await log.append(AppendRequest(stream: "s", expectedVersion: .exactly(1), events: Events.make(1)))
        }
        do {
            _ = try await log.append(AppendRequest(stream: "s", expectedVersion: .noStream, events: Events.make(1)))
            Issue.record("a second noStream append was accepted")
        } catch {
            #expect(error.code == .versionConflict)
        }
        #expect(log.lastPosition == 2)
        let ok = try await log.append(AppendRequest(stream: "s", expectedVersion: .exactly(2), events: Events.make(1)))
        #expect(ok.events.map(\.version) == [3])
        try log.close()
    }

    @Test func aMultiStreamAppendIsAllOrNothing() async throws {
        let store = try TestStore()
        let log = try store.open()
        _ = try await log.append(AppendRequest(stream: "batch-2024-04", events: Events.make(1)))
        let both = AppendRequest(streams: [
            .init(stream: "case-1", expectedVersion: .noStream, events: Events.make(1)),
            .init(stream: "batch-2024-04", expectedVersion: .exactly(0), events: Events.make(1)),
        ])
        do {
            _ = try await log.append(both)
            Issue.record("conflicting multi-stream append accepted")
        } catch {
            #expect(error.code == .versionConflict)
        }
        #expect(log.version(of: "case-1") == 0)
        #expect(log.lastPosition == 1)
        let fixed = AppendRequest(streams: [
            .init(stream: "case-1", expectedVersion: .noStream, events: Events.make(2)),
            .init(stream: "batch-2024-04", expectedVersion: .exactly(1), events: Events.make(1)),
        ])
        let result = try await log.append(fixed)
        #expect(result.events.map(\.position) == [2, 3, 4])
        #expect(result.events.map(\.stream) == ["case-1", "case-1", "batch-2024-04"])
        #expect(result.events.map(\.version) == [1, 2, 2])
        try log.close()
    }

    @Test func anIdempotencyKeyReturnsTheFirstResultAcrossAReopen() async throws {
        let store = try TestStore()
        var log = try store.open()
        let first = try await log.append(AppendRequest(stream: "s", events: Events.make(2), idempotencyKey: "cmd-1"))
        let again = try await log.append(AppendRequest(stream: "s", events: Events.make(2), idempotencyKey: "cmd-1"))
        #expect(again.deduplicated)
        #expect(again.events == first.events)
        #expect(log.lastPosition == 2)
        try log.close()

        // Reopen with the index file, then without it: the key is still known.
        for dropIndex in [false, true] {
            if dropIndex { try FileManager.default.removeItem(atPath: store.indexPath) }
            log = try store.open()
            let later = try await log.append(
                AppendRequest(stream: "s", events: Events.make(5), idempotencyKey: "cmd-1")
            )
            #expect(later.deduplicated)
            #expect(later.events == first.events)
            #expect(log.lastPosition == 2)
            try log.close()
        }
        log = try store.open()
        let other = try await log.append(AppendRequest(stream: "s", events: Events.make(1), idempotencyKey: "cmd-2"))
        #expect(!other.deduplicated)
        #expect(other.events.map(\.position) == [3])
        try log.close()
    }

    @Test func invalidAppendsAreRefusedWithAReason() async throws {
        let store = try TestStore()
        let log = try store.open { $0.maximumEventSize = 100 }
        for request in [
            AppendRequest(stream: "s", events: []),
            AppendRequest(stream: "", events: Events.make(1)),
            AppendRequest(stream: "s", events: Events.make(1, size: 200)),
            AppendRequest(stream: String(repeating: "x", count: 256), events: Events.make(1)),
        ] {
            do {
                _ = try await log.append(request)
                Issue.record("accepted an invalid append")
            } catch {
                #expect(error.code == .invalidAppend)
            }
        }
        #expect(log.lastPosition == 0)
        try log.close()
    }

    @Test func aSecondWriterIsRefusedNamingTheHolder() throws {
        let store = try TestStore()
        let log = try store.open()
        do {
            _ = try store.open()
            Issue.record("a second writer opened the store")
        } catch {
            #expect(error.code == .storeLocked)
            #expect(error.message.contains("\(getpid())"))
        }
        let reader = try store.open(readOnly: true)
        #expect(reader.lastPosition == 0)
        try log.close()
    }
}

extension EventCursor {
    func collected() throws -> [RecordedEvent] {
        var cursor = self
        var out: [RecordedEvent] = []
        while let e = try cursor.next() { out.append(e) }
        return out
    }
}

@Suite struct LimitTests {
    @Test(arguments: [(99, true), (100, true), (101, false)])
    func anAppendIsAcceptedUpToItsSizeLimitAndRefusedPastIt(bytes: Int, accepted: Bool) async throws {
        let store = try TestStore()
        let log = try store.open { $0.maximumAppendSize = 100 }
        let event = ProposedEvent(
            type: "T",
            occurredAt: .now(),
            metadata: [1],
            payload: [UInt8](repeating: 7, count: bytes - 1)
        )
        do {
            let result = try await log.append(AppendRequest(stream: "s", events: [event]))
            #expect(accepted)
            #expect(result.firstPosition == 1)
        } catch {
            #expect(!accepted)
            #expect(error.code == .invalidAppend)
            #expect(log.lastPosition == 0)
        }
        try log.close()
    }
}
