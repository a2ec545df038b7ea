import Chronology
import Foundation
import Testing

@testable import EventLog

/// A power loss can leave any prefix of an unacknowledged write on disk. Recovery must keep
/// every whole commit before the tear, cut the rest, report it, and go on appending.
@Suite struct TornTailTests {
    /// A log over several segments whose index file covers all but the last few appends, as a
    /// crash leaves it (the index is written at seals and clean closes), with each of those last
    /// appends recorded with where its bytes end.
    struct Fixture {
        let store: TestStore
        let events: [RecordedEvent]
        /// (end offset in the last segment, last position) of each append after the index.
        let tailAppends: [(end: UInt64, lastPosition: UInt64)]
        /// Where the index's coverage ends in the last segment, and its last position.
        let indexedEnd: UInt64
        let indexedLastPosition: UInt64
        let lastSegmentPath: String
    }

    static func fixture(appends: Int = 120, tail: Int = 5 * TestScale.factor) async throws -> Fixture {
        let store = try TestStore()
        func open(segmentSize: UInt64 = 3 * 1024) throws -> EventLog {
            try store.open {
                $0.segmentSize = segmentSize
                $0.blockSize = 600
            }
        }
        var log = try open()
        for i in 0..<appends {
            _ = try await log.append(
                AppendRequest(
                    stream: "case-\(i % 9)",
                    events: Events.make(1 + i % 4, size: 30 + i % 50),
                    idempotencyKey: "k\(i)"
                )
            )
        }
        try log.close()
        let indexBytes = try Bytes.read(store.indexPath)
        log = try open(segmentSize: 1 << 20)
        let indexedLastPosition = log.lastPosition
        let lastSegment = store.segmentPaths.last!
        let indexedEnd = try FileManager.default.attributesOfItem(atPath: lastSegment)[.size] as! UInt64
        var ends: [(end: UInt64, lastPosition: UInt64)] = []
        for i in 0..<tail {
            let result = try await log.append(
                AppendRequest(
                    stream: "case-\(i % 9)",
                    events: Events.make(1 + i % 3, size: 30 + i % 40),
                    idempotencyKey: "t\(i)"
                )
            )
            let size = try FileManager.default.attributesOfItem(atPath: lastSegment)[.size] as! UInt64
            ends.append((size, result.lastPosition))
        }
        #expect(store.segmentPaths.last == lastSegment, "the tail appends must stay in one segment")
        let segmentBytes = try Bytes.read(lastSegment)
        let events = try log.events().collected()
        try log.close()
        // Put back the crash state: the whole segment, the older index.
        try Bytes.write(segmentBytes, to: lastSegment)
        try Bytes.write(indexBytes, to: store.indexPath)
        #expect(store.segmentPaths.count >= 3)
        return Fixture(
            store: store,
            events: events,
            tailAppends: ends,
            indexedEnd: indexedEnd,
            indexedLastPosition: indexedLastPosition,
            lastSegmentPath: lastSegment
        )
    }

    @Test func truncatingAtEveryOffsetKeepsExactlyTheWholeCommits() async throws {
        let f = try await Self.fixture()
        let original = try Bytes.read(f.lastSegmentPath)
        let indexBytes = try Bytes.read(f.store.indexPath)
        let firstCut = Int(f.indexedEnd)
        let sampleEvery = max(1, 40 / TestScale.factor)
        for cut in firstCut...original.count {
            try Bytes.write(Array(original[0..<cut]), to: f.lastSegmentPath)
            let whole = f.tailAppends.last { $0.end <= UInt64(cut) }
            let expectedLast = whole?.lastPosition ?? f.indexedLastPosition
            let expectedCut = UInt64(cut) - (whole?.end ?? f.indexedEnd)
            // Every offset: a reader sees exactly the whole commits before the cut.
            let reader = try f.store.open(readOnly: true)
            #expect(reader.lastPosition == expectedLast, "cut at \(cut)")
            #expect(reader.recovery.truncatedBytes == expectedCut, "cut at \(cut)")
            let stream = "case-\(cut % 9)"
            #expect(
                try reader.read(stream: stream)
                    == f.events.filter { $0.stream == stream && $0.position <= expectedLast }
            )
            guard cut % sampleEvery == 0 || cut == original.count || expectedCut == 0 else { continue }
            // Sampled offsets: a writer cuts the tail, everything before it reads back exactly,
            // new appends go on from there, and the store verifies clean.
            let log = try f.store.open()
            #expect(log.recovery.truncatedBytes == expectedCut, "cut at \(cut)")
            #expect(try log.events().collected() == Array(f.events.prefix(Int(expectedLast))), "cut at \(cut)")
            let next = try await log.append(AppendRequest(stream: "after-cut", events: Events.make(1)))
            #expect(next.firstPosition == expectedLast + 1)
            try log.close()
            let report = EventLog.verify(at: f.store.path)
            #expect(report.isClean, "cut at \(cut): \(report.problems)")
            try Bytes.write(indexBytes, to: f.store.indexPath)
        }
        try Bytes.write(original, to: f.lastSegmentPath)
    }

    @Test func withoutAnIndexTheWholeLogIsScannedAndTheTearStillCut() async throws {
        let f = try await Self.fixture()
        let original = try Bytes.read(f.lastSegmentPath)
        for cut in [Int(f.indexedEnd) + 1, Int(f.tailAppends[0].end) + 7, original.count - 1] {
            try FileManager.default.removeItem(atPath: f.store.indexPath)
            try Bytes.write(Array(original[0..<cut]), to: f.lastSegmentPath)
            let expectedLast = f.tailAppends.last { $0.end <= UInt64(cut) }?.lastPosition ?? f.indexedLastPosition
            let log = try f.store.open()
            #expect(log.recovery.indexRebuilt)
            #expect(log.lastPosition == expectedLast)
            #expect(try log.events().collected() == Array(f.events.prefix(Int(expectedLast))))
            try log.close()
        }
    }

    @Test func aCutInsideAcknowledgedDataIsRefusedWhenTheIndexProvesIt() async throws {
        let f = try await Self.fixture(appends: 60)
        // A clean reopen and close writes an index covering everything.
        try f.store.open().close()
        #expect(try f.store.open(readOnly: true).recovery.isClean)
        let original = try Bytes.read(f.lastSegmentPath)
        try Bytes.write(Array(original[0..<(original.count - 10)]), to: f.lastSegmentPath)
        do {
            _ = try f.store.open()
            Issue.record("opened a log that lost acknowledged data")
        } catch {
            #expect(error.code == .acknowledgedDataMissing)
            #expect(error.position == f.events.last!.position)
        }
    }

    @Test(arguments: ["zeros", "garbage"])
    func aFilledTailIsCutAndReported(filling: String) async throws {
        let f = try await Self.fixture(appends: 40)
        var bytes = try Bytes.read(f.lastSegmentPath)
        var generator = SystemRandomNumberGenerator()
        let tail: [UInt8] =
            filling == "zeros"
            ? [UInt8](repeating: 0, count: 4096)
            : (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes += tail
        try Bytes.write(bytes, to: f.lastSegmentPath)
        let log = try f.store.open()
        #expect(log.recovery.truncatedBytes == 4096)
        #expect(log.recovery.truncatedFile == "log/" + (f.lastSegmentPath as NSString).lastPathComponent)
        #expect(log.lastPosition == f.events.last!.position)
        #expect(try log.events().collected() == f.events)
        try log.close()
        #expect(EventLog.verify(at: f.store.path).isClean)
    }

    @Test func aStaleCopyOfAnEarlierFrameAtTheTailIsRejected() async throws {
        let f = try await Self.fixture(appends: 40)
        var bytes = try Bytes.read(f.lastSegmentPath)
        // The first frame of the last segment, replayed at its end.
        let seed = try bytes.withBytes { (b) throws(DecodeError) in try SegmentHeader.decode(b) }.seed
        let header = try bytes.withBytes { (b) throws(DecodeError) in
            try FrameHeader.decode(UnsafeRawBufferPointer(rebasing: b[SegmentHeader.size...]), seed: seed)
        }
        bytes += bytes[SegmentHeader.size..<(SegmentHeader.size + header.frameLength)]
        try Bytes.write(bytes, to: f.lastSegmentPath)
        do {
            let log = try f.store.open()
            Issue.record("accepted a replayed frame; last position \(log.lastPosition)")
        } catch {
            #expect(error.code == .corruption)
            #expect(error.offset != nil)
        }
        let report = EventLog.verify(at: f.store.path)
        #expect(!report.isClean)
    }

    @Test func damageFollowedByAValidFrameIsNotMistakenForATornTail() async throws {
        let f = try await Self.fixture(appends: 40)
        var bytes = try Bytes.read(f.lastSegmentPath)
        // Break the second-to-last append's bytes; the last append stays whole after it.
        let appends = f.tailAppends
        #expect(appends.count >= 3)
        let victim = Int(appends[appends.count - 3].end) + FrameHeader.size + 2
        bytes[victim] ^= 0xFF
        try Bytes.write(bytes, to: f.lastSegmentPath)
        do {
            _ = try f.store.open()
            Issue.record("damage inside the log was cut as if it were a torn tail")
        } catch {
            #expect(error.code == .corruption)
            #expect(error.file == "log/" + (f.lastSegmentPath as NSString).lastPathComponent)
        }
        // Nothing was cut.
        #expect(try Bytes.read(f.lastSegmentPath).count == bytes.count)
    }
}
