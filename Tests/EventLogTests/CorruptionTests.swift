import Chronology
import Foundation
import Testing

@testable import EventLog

/// Bit rot anywhere in a sealed segment must be found by verify, at the right place, and must
/// never make a read return wrong data or crash.
@Suite struct CorruptionTests {
    @Test func flippingAnyByteOfASealedSegmentIsDetectedAndNeverReadAsData() async throws {
        let store = try TestStore()
        let log = try store.open {
            $0.segmentSize = 1024
            $0.blockSize = 300
        }
        for i in 0..<30 {
            _ = try await log.append(AppendRequest(stream: "case-\(i % 4)", events: Events.make(1 + i % 2, size: 20)))
        }
        let original = try log.events().collected()
        try log.close()
        #expect(store.segmentPaths.count >= 3)
        let target = store.segmentPaths[0]
        let name = "log/" + (target as NSString).lastPathComponent
        let clean = try Bytes.read(target)
        let stride = max(1, 4 / TestScale.factor)
        var flips = 0
        for offset in Swift.stride(from: 0, to: clean.count, by: stride) {
            for mask: UInt8 in [0x01, 0x80] {
                var damaged = clean
                damaged[offset] ^= mask
                try Bytes.write(damaged, to: target)
                flips += 1

                let report = EventLog.verify(at: store.path)
                #expect(!report.isClean, "flip at \(offset) went unnoticed")
                #expect(report.problems.contains { $0.file == name }, "flip at \(offset): \(report.problems)")

                // Reading: either an error naming the damage, or exactly the original events.
                do {
                    let reopened = try store.open(readOnly: true)
                    let events = try reopened.events().collected()
                    #expect(events == original, "flip at \(offset) returned different data")
                    for stream in ["case-0", "case-1", "case-2", "case-3"] {
                        #expect(try reopened.read(stream: stream) == original.filter { $0.stream == stream })
                    }
                } catch let error as EventLogError {
                    let expected: [EventLogError.Code] = [.corruption, .indexMismatch, .acknowledgedDataMissing]
                    #expect(expected.contains(error.code), "flip at \(offset): \(error)")
                } catch {
                    Issue.record("flip at \(offset): unexpected \(error)")
                }
            }
        }
        try Bytes.write(clean, to: target)
        #expect(flips > 0)
        #expect(EventLog.verify(at: store.path).isClean)
    }

    @Test func verifyConfirmsDigestsAndCatchesARewrittenHistory() async throws {
        let store = try TestStore()
        let log = try store.open()
        for i in 0..<20 { _ = try await log.append(AppendRequest(stream: "s\(i % 3)", events: Events.make(2))) }
        let early = try log.digest(at: 10)
        let late = try log.digest()
        try log.close()
        var report = EventLog.verify(at: store.path, expecting: [early, late])
        #expect(report.isClean)
        #expect(Set(report.confirmedDigests) == [early, late])
        #expect(report.events == 40)

        // An attacker rebuilds the store with event 5 changed: all checksums valid, chain recomputed.
        let forged = try await Self.forged(store)
        report = EventLog.verify(at: forged.path, expecting: [early, late])
        #expect(report.problems.filter { $0.kind == "digest" }.count == 2)
        #expect(report.problems.allSatisfy { $0.kind == "digest" })
    }

    /// A forger who rewrites the segments (an event changed, checksums and chain recomputed)
    /// but leaves the index: the digest must not come out as the log's digest before the
    /// forgery (it used to start from the heads the index remembered).
    @Test func theDigestOfAForgedLogIsNotTheDigestBeforeTheForgery() async throws {
        let store = try TestStore()
        let log = try store.open()
        for i in 0..<600 { _ = try await log.append(AppendRequest(stream: "s\(i % 7)", events: Events.make(5))) }
        let honest = try log.digest()
        try log.close()
        let forged = try await Self.forged(store)
        // The forged segments replace the honest ones; the honest index stays.
        let logDirectory = store.path + "/log"
        for file in try FileManager.default.contentsOfDirectory(atPath: logDirectory) where file.hasSuffix(".dlog") {
            try FileManager.default.removeItem(atPath: logDirectory + "/" + file)
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: forged.path + "/log")
        where file.hasSuffix(".dlog") {
            try FileManager.default.copyItem(atPath: forged.path + "/log/" + file, toPath: logDirectory + "/" + file)
        }
        let reopened = try? store.open(readOnly: true)
        let digest = try? reopened?.digest()
        #expect(digest != honest)
    }

    /// A copy of `store`'s log with event 5 changed, every checksum and the chain recomputed (an
    /// attacker's rewrite).
    static func forged(_ store: TestStore) async throws -> TestStore {
        let events = try store.open(readOnly: true).events().collected()
        let forged = try TestStore("forged")
        let log = try forged.open()
        for e in events {
            var payload = e.payload
            if e.position == 5 { payload = Array("{\"n\":999}".utf8) }
            _ = try await log.append(
                AppendRequest(
                    stream: e.stream,
                    events: [
                        ProposedEvent(
                            type: e.type,
                            occurredAt: e.occurredAt,
                            recordedAt: e.recordedAt,
                            metadata: e.metadata,
                            payload: payload
                        )
                    ]
                )
            )
        }
        try log.close()
        return forged
    }
}
