import Chronology
import Foundation
import Testing

@testable import EventLog

@Suite struct ConcurrencyTests {
    @Test func concurrentAppendersWithExpectedVersionsLoseNoUpdate() async throws {
        let store = try TestStore()
        let log = try store.open()
        let appenders = 16
        let perAppender = 10 * TestScale.factor
        let conflicts = await withTaskGroup(of: Int.self) { group in
            for a in 0..<appenders {
                group.addTask {
                    var conflicts = 0
                    var done = 0
                    while done < perAppender {
                        let current = log.version(of: "counter")
                        let event = ProposedEvent(
                            type: "Incremented",
                            occurredAt: .now(),
                            payload: Array("\(a)-\(done)".utf8)
                        )
                        do {
                            _ = try await log.append(
                                AppendRequest(stream: "counter", expectedVersion: .exactly(current), events: [event])
                            )
                            done += 1
                        } catch let error as EventLogError {
                            #expect(error.code == .versionConflict)
                            conflicts += 1
                        } catch {
                            Issue.record("unexpected \(error)")
                            return conflicts
                        }
                    }
                    return conflicts
                }
            }
            return await group.reduce(0, +)
        }
        let history = try log.read(stream: "counter")
        #expect(history.count == appenders * perAppender)
        #expect(history.map(\.version) == Array(1...UInt64(appenders * perAppender)))
        #expect(Set(history.map(\.payload)).count == history.count)
        #expect(log.lastPosition == UInt64(history.count))
        #expect(conflicts >= 0)
        try log.close()
        #expect(EventLog.verify(at: store.path).isClean)
    }

    @Test func aLiveSubscriberSeesEveryAppendInOrderWithoutPolling() async throws {
        let store = try TestStore()
        let log = try store.open()
        _ = try await log.append(AppendRequest(stream: "s", events: Events.make(3)))
        let total = 50
        let reader = Task {
            var seen: [UInt64] = []
            for try await event in log.subscribe(from: 2) {
                seen.append(event.position)
                if seen.count == total - 1 { break }
            }
            return seen
        }
        for i in 0..<(total - 3) {
            _ = try await log.append(AppendRequest(stream: "s\(i % 5)", events: Events.make(1)))
        }
        let seen = try await reader.value
        #expect(seen == Array(2...UInt64(total)))
        try log.close()
    }
}
