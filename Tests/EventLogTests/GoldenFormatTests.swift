import Chronology
import Foundation
import Testing

@testable import EventLog

/// The on-disk format is pinned byte for byte. If one of these fails, the format changed: that is
/// a new format version (with its own golden files), never a silent edit of these vectors.
@Suite struct GoldenFormatTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// The events of the golden store, made deterministically.
    static func goldenAppends() -> [AppendRequest] {
        var requests: [AppendRequest] = []
        for i in 0..<60 {
            let at = Timestamp(microseconds: 1_709_345_700_000_000 + Int64(i) * 3_600_000_000, utcOffsetSeconds: 28_800)
            let recorded = Timestamp(microseconds: 1_790_000_000_000_000 + Int64(i) * 1_000_000)
            let payload = "{\"n\":\(i),\"text\":\"" + String(repeating: "golden-\(i % 5) ", count: 3 + i % 7) + "\"}"
            let event = ProposedEvent(
                type: i % 3 == 0 ? "Applied" : "Scored",
                occurredAt: at,
                recordedAt: recorded,
                metadata: Array("{\"actor\":\"a\(i % 4)\"}".utf8),
                payload: Array(payload.utf8)
            )
            if i % 10 == 9 {
                requests.append(
                    AppendRequest(
                        streams: [
                            .init(stream: "case-\(i % 6)", events: [event]),
                            .init(stream: "batch-2024-04", events: [event]),
                        ],
                        idempotencyKey: "golden-\(i)"
                    )
                )
            } else {
                requests.append(
                    AppendRequest(
                        stream: "case-\(i % 6)",
                        events: [event],
                        idempotencyKey: i % 2 == 0 ? "golden-\(i)" : nil
                    )
                )
            }
        }
        return requests
    }

    static func goldenOptions(_ options: inout EventLog.Options) {
        options.segmentSize = 2500
        options.blockSize = 1024
    }

    /// Regenerates the golden store (only with DOCKET_WRITE_GOLDEN=1, for a new format version).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["DOCKET_WRITE_GOLDEN"] == "1"))
    func writeGoldenStore() async throws {
        let path = Self.golden.appendingPathComponent("store-v1").path
        try? FileManager.default.removeItem(atPath: path)
        try EventLog.create(at: path)
        var options = EventLog.Options()
        Self.goldenOptions(&options)
        let log = try EventLog.open(at: path, options: options)
        for request in Self.goldenAppends() { _ = try await log.append(request) }
        try log.close()
        try? FileManager.default.removeItem(atPath: path + "/LOCK")
        let digest = try EventLog.open(at: path, readOnly: true).digest()
        try (digest.description + "\n").write(
            toFile: Self.golden.appendingPathComponent("store-v1.digest").path,
            atomically: true,
            encoding: .utf8
        )
    }

    @Test func theGoldenStoreStillReadsVerifiesAndHasItsDigest() async throws {
        let source = Self.golden.appendingPathComponent("store-v1").path
        let pinned = try String(
            contentsOfFile: Self.golden.appendingPathComponent("store-v1.digest").path,
            encoding: .utf8
        )
        .trimmingCharacters(in: .whitespacesAndNewlines)
        // Work on a copy: the golden files are never written by tests.
        let store = try TestStore()
        try FileManager.default.removeItem(atPath: store.path)
        try FileManager.default.copyItem(atPath: source, toPath: store.path)

        let report = EventLog.verify(at: store.path, expecting: [LogDigest(pinned)!])
        #expect(report.isClean, "\(report.problems)")
        #expect(report.segments >= 3)
        #expect(report.confirmedDigests.map(\.description) == [pinned])

        let log = try store.open(readOnly: true)
        #expect(log.recovery.isClean)
        #expect(try log.digest().description == pinned)
        // The events are exactly the ones the generator appends.
        let expected = Self.goldenAppends().flatMap { request in
            request.streams.flatMap { part in part.events.map { (part.stream, $0) } }
        }
        let events = try log.events().collected()
        #expect(events.count == expected.count)
        for (event, (stream, proposed)) in zip(events, expected) {
            #expect(event.stream == stream)
            #expect(
                event.type == proposed.type && event.payload == proposed.payload && event.metadata == proposed.metadata
            )
            #expect(event.occurredAt == proposed.occurredAt && event.recordedAt == proposed.recordedAt!)
            #expect(event.occurredAt.utcOffsetSeconds == 28_800)
        }
        #expect(try log.read(stream: "batch-2024-04").count == 6)
        // The golden files exercise every frame kind and codec.
        var kinds: Set<String> = []
        for path in store.segmentPaths {
            let file = try FileHandle.open(path, name: path, flags: O_RDONLY)
            let header = try file.read(count: SegmentHeader.size, at: 0).withBytes { (b) throws(DecodeError) in
                try SegmentHeader.decode(b)
            }
            var scanner = SegmentScanner(segment: .init(header: header, file: file), limit: try file.size())
            var offset = UInt64(SegmentHeader.size)
            while case .frame(let frame, _) = try scanner.frame(at: offset) {
                kinds.insert("\(frame.kind)/\(frame.codec)")
                offset += UInt64(frame.frameLength)
            }
        }
        #expect(kinds.isSuperset(of: ["events/lz4Dictionary", "dictionary/lz4", "seal/stored"]), "\(kinds)")
        // And a writer can continue it.
        let writer = try store.open()
        let result = try await writer.append(
            AppendRequest(stream: "case-0", events: Events.make(1), idempotencyKey: "golden-8")
        )
        #expect(result.deduplicated)
        try writer.close()
    }

    @Test func theChainGenesisAndHashingArePinned() {
        #expect(ChainHash.genesis.hex == Self.pinnedGenesis)
        let record: [UInt8] = Array("record".utf8)
        let head = record.withUnsafeBytes { ChainHash.genesis.extended(position: 1, record: $0) }
        #expect(head.hex == Self.pinnedFirstLink)
        #expect(Checksum.xxh3(Array("docket".utf8)) == Self.pinnedXXH3)
    }

    @Test func headersAndRecordsEncodeToPinnedBytes() {
        let salt = Array(0..<16).map(UInt8.init)
        let segment = SegmentHeader(segmentNumber: 2, basePosition: 1001, salt: salt, previousHead: .genesis)
        #expect(Self.hex(segment.encoded()) == Self.pinnedSegmentHeader)

        var frame = [UInt8](repeating: 0, count: FrameHeader.size)
        let header = FrameHeader(
            kind: .events,
            codec: .lz4Dictionary,
            endsCommit: true,
            storedLength: 300,
            rawLength: 900,
            eventCount: 3,
            firstPosition: 1001,
            dictionaryOffset: 128,
            bodyChecksum: 0xDEAD_BEEF
        )
        frame.withUnsafeMutableBytes { header.store(into: $0, seed: segment.seed) }
        #expect(Self.hex(frame) == Self.pinnedFrameHeader)
        let decoded = try? frame.withBytes { (b) throws(DecodeError) in try FrameHeader.decode(b, seed: segment.seed) }
        #expect(decoded == header)

        var writer = ByteWriter()
        let event = ProposedEvent(
            type: "Applied",
            occurredAt: Timestamp(microseconds: 1_709_345_700_000_000, utcOffsetSeconds: 28_800),
            metadata: Array("m".utf8),
            payload: Array("{}".utf8)
        )
        _ = EventRecordCodec.encode(
            event,
            stream: "case-1",
            version: 1,
            recordedAt: Timestamp(microseconds: 1_790_000_000_000_000),
            commitStart: true,
            key: "k",
            into: &writer
        )
        #expect(Self.hex(writer.bytes) == Self.pinnedRecord)
    }
}

extension GoldenFormatTests {
    static let pinnedGenesis = "eb1da5515693d1a8edd37479a59e937bcddc5b656e18c4413fe45289216607ac"
    static let pinnedFirstLink = "740bcfabc31f7b46ec96ed8cafbbb60effe6821551833b5e772c8b641ee308fd"
    static let pinnedXXH3: UInt64 = 2_932_078_164_325_859_696
    static let pinnedSegmentHeader =
        "444f434b4554534701000100800000000200000000000000e903000000000000000102030405060708090a0b0c0d0e0feb1da5515693d1a8edd37479a59e937bcddc5b656e18c4413fe45289216607ac000000000000000000000000000000000000000000000000000000000000000000000000000000004f2d9787f83f850e"
    static let pinnedFrameHeader = "c7d001122c0100008403000003000000e90300000000000080000000efbeadde3aa17f9d"
    static let pinnedRecord =
        "2c03016b06636173652d3101074170706c69656480c4f9f381a9890680c2038080afa2dbffad0600016d027b7d"
}
