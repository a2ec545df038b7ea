import Foundation
import Testing

@testable import EventLog

/// The index file read through a map and read as a copy (issue 18): the same answers, and a
/// file whose checksum holds but whose sections do not add up refused either way.
@Suite struct IndexFileTests {
    /// A closed store with streams, keys and several checkpoints behind its index file.
    static func storeWithIndex() async throws -> TestStore {
        let store = try TestStore()
        let log = try store.open { $0.indexCheckpointEvents = 50 }
        for i in 0..<90 {
            _ = try await log.append(
                AppendRequest(stream: "case-\(i % 13)", events: Events.make(1 + i % 3), idempotencyKey: "key-\(i)")
            )
        }
        try log.close()
        return store
    }

    static func mapped(_ path: String) throws -> IndexFile {
        let handle = try FileHandle.open(path, name: "index", flags: O_RDONLY)
        return try IndexFile(mapping: handle, length: Int(try handle.size()))
    }

    @Test func aMappedIndexAnswersAsTheCopyDoes() async throws {
        let store = try await Self.storeWithIndex()
        let copy = try IndexFile(data: try Bytes.read(store.indexPath))
        let mapped = try Self.mapped(store.indexPath)
        #expect(copy.coverage.lastPosition > 100)
        #expect(mapped.coverage.lastPosition == copy.coverage.lastPosition)
        #expect(mapped.coverage.head == copy.coverage.head)
        #expect(mapped.streamCount == 13 && copy.streamCount == 13)
        #expect(mapped.keyCount == 90 && copy.keyCount == 90)
        for i in 0..<mapped.streamCount {
            #expect(Array(mapped.streamName(at: i)) == Array(copy.streamName(at: i)))
            #expect(mapped.streamSlot(at: i) == copy.streamSlot(at: i))
        }
        for e in 0..<mapped.entryCount { #expect(mapped.entry(e) == copy.entry(e)) }
        // The file the writer wrote by sections is one checksum over all but its last 8 bytes.
        let bytes = try Bytes.read(store.indexPath)
        let stored: UInt64 = bytes.withUnsafeBytes {
            $0.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)
        }
        let sum = UInt64(littleEndian: stored)
        let body = Array(bytes.dropLast(8))
        let whole: UInt64 = Checksum.xxh3(body)
        let parts: [[UInt8]] = [Array(body[0..<100]), [], Array(body[100...])]
        let inParts: UInt64 = Checksum.xxh3(parts)
        #expect(sum == whole)
        #expect(inParts == whole)
    }

    @Test func sectionsThatDoNotAddUpAreRefusedEvenUnderAValidChecksum() async throws {
        let store = try await Self.storeWithIndex()
        var bytes = try Bytes.read(store.indexPath)
        // One more byte of string pool than the file holds, and the checksum made to match.
        let pool: UInt64 = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 112, as: UInt64.self) }
        let more: UInt64 = UInt64(littleEndian: pool) + 1
        withUnsafeBytes(of: more.littleEndian) { bytes.replaceSubrange(112..<120, with: $0) }
        let sum: UInt64 = Checksum.xxh3(Array(bytes.dropLast(8)))
        withUnsafeBytes(of: sum.littleEndian) { bytes.replaceSubrange((bytes.count - 8)..., with: $0) }
        #expect(throws: DecodeError.self) { _ = try IndexFile(data: bytes) }
        try Bytes.write(bytes, to: store.indexPath)
        #expect(throws: DecodeError.self) { _ = try Self.mapped(store.indexPath) }
        // The store itself rebuilds the index by scanning the log, and keeps every event.
        let log = try store.open(readOnly: true)
        var appended: UInt64 = 0
        for i in 0..<90 { appended += UInt64(1 + i % 3) }
        #expect(log.lastPosition == appended)
        try log.close()
    }
}
