import Chronology
import Foundation
import Testing

@testable import EventLog

@Suite struct ChainTests {
    /// The same appends give the same chain whether hashed inline or on the helper thread, and
    /// every digest along the way verifies.
    @Test(arguments: [64 * 1024 * 1024, 8 * 1024] as [UInt64])
    func largeAndSmallAppendsChainIdentically(segmentSize: UInt64) async throws {
        let events: [ProposedEvent] = (0..<2500).map { i in
            ProposedEvent(
                type: "E\(i % 3)",
                occurredAt: Timestamp(microseconds: 1_700_000_000_000_000 + Int64(i), utcOffsetSeconds: 28_800),
                recordedAt: Timestamp(microseconds: 1_790_000_000_000_000 + Int64(i)),
                metadata: [],
                payload: Array("{\"i\":\(i)}".utf8)
            )
        }
        func write(threshold: Int) async throws -> (TestStore, [LogDigest]) {
            let store = try TestStore("t\(threshold)")
            let log = try store.open {
                $0.parallelHashingThreshold = threshold
                $0.segmentSize = segmentSize
            }
            for chunk in stride(from: 0, to: events.count, by: 1000) {
                let part = events[chunk..<min(chunk + 1000, events.count)]
                _ = try await log.append(
                    AppendRequest(
                        streams: part.enumerated().map {
                            .init(stream: "s\(($0.offset + chunk) % 7)", events: [$0.element])
                        }
                    )
                )
            }
            for (i, event) in events.prefix(20).enumerated() {
                _ = try await log.append(AppendRequest(stream: "t\(i % 3)", events: [event]))
            }
            let digests = try [1, 999, 1000, 1001, 1777, 2500, 2510, 2520].map { try log.digest(at: UInt64($0)) }
            try log.close()
            return (store, digests)
        }
        let (bulk, bulkDigests) = try await write(threshold: 256)
        let (inline, inlineDigests) = try await write(threshold: .max)
        #expect(bulkDigests == inlineDigests)
        // Same segments (rolls mid-group included), same events.
        #expect(bulk.segmentPaths.count == inline.segmentPaths.count)
        if segmentSize < 1 << 20 { #expect(bulk.segmentPaths.count > 3) }
        #expect(try bulk.open(readOnly: true).events().collected() == inline.open(readOnly: true).events().collected())
        let report = EventLog.verify(at: bulk.path, expecting: bulkDigests)
        #expect(report.isClean, "\(report.problems)")
        #expect(report.confirmedDigests.count == bulkDigests.count)
        // Reopened from the index file, digests come from anchors plus hashing forward.
        let reopened = try bulk.open(readOnly: true)
        #expect(
            try [1, 999, 1000, 1001, 1777, 2500, 2510, 2520].map { try reopened.digest(at: UInt64($0)) } == bulkDigests
        )
        // From the nearest block's head in the index: the same digests, writer or reader.
        #expect(
            try [1, 999, 1000, 1001, 1777, 2500, 2510, 2520].map { try reopened.indexedDigest(at: UInt64($0)) }
                == bulkDigests
        )
        #expect(try reopened.indexedDigest(at: 0) == LogDigest(position: 0, head: .genesis))
        #expect(throws: EventLogError.self) { try reopened.indexedDigest(at: 2521) }
    }
}
