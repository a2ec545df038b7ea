import Chronology
import Foundation
import MerkleTree
import Testing

@testable import EventLog

/// The log's Merkle tree: its leaves are the salted canonical records, it grows with the log,
/// proofs made from it verify with nothing but the proof, and it survives a lost tail of its
/// own file, a stale size and a replaced log.
@Suite struct MerkleLogTests {
    /// Appends `count` events across a few streams, in commits of `group`.
    static func fill(_ log: EventLog, count: Int, group: Int = 37) async throws {
        let events = Events.make(count)
        for start in stride(from: 0, to: count, by: group) {
            let part = events[start..<min(count, start + group)]
            _ = try await log.append(
                AppendRequest(
                    streams: part.enumerated().map {
                        .init(stream: "s\(($0.offset + start) % 5)", events: [$0.element])
                    }
                )
            )
        }
    }

    /// The tree rebuilt in memory from each event's leaf data.
    static func reference(_ log: EventLog, size: UInt64) throws -> InMemoryMerkleTree {
        var tree = InMemoryMerkleTree()
        for p in 1...size {
            let (salt, record) = try log.leaf(at: p)
            tree.append(.leaf(salt + record))
        }
        return tree
    }

    @Test func theTreeIsTheRFC9162TreeOfTheSaltedRecordsAndItsProofsVerify() async throws {
        let store = try TestStore()
        let log = try store.open()
        try await Self.fill(log, count: 1_000)
        try log.updateTree()
        #expect(log.treeSize == 1_000)
        let reference = try Self.reference(log, size: 1_000)
        for size: UInt64 in [1, 2, 3, 7, 8, 9, 511, 512, 513, 999, 1_000] {
            let root = try log.treeRoot(size: size)
            #expect(root == reference.root(size: size), "size \(size)")
            for position in Set([1, size / 2 + 1, size]) {
                let (salt, record) = try log.leaf(at: position)
                let proof = try log.inclusionProof(position: position, treeSize: size)
                #expect(
                    Merkle.verifyInclusion(
                        leaf: .leaf(salt + record),
                        index: position - 1,
                        size: size,
                        proof: proof,
                        root: root
                    )
                )
            }
            let consistency = try log.consistencyProof(first: size, second: 1_000)
            #expect(
                Merkle.verifyConsistency(
                    first: size,
                    second: 1_000,
                    firstRoot: root,
                    secondRoot: try log.treeRoot(size: 1_000),
                    proof: consistency
                )
            )
        }
        // The leaf's record is the event.
        let (_, record) = try log.leaf(at: 500)
        #expect(try RecordedEvent(record: record, position: 500) == (try log.event(at: 500)))
        #expect(throws: EventLogError.self) { try log.treeRoot(size: 1_001) }
        try log.close()
    }

    @Test func saltsDifferByPositionAndStoreSoNoLeafHashCanBeGuessed() async throws {
        let one = try TestStore("one")
        let two = try TestStore("two")
        let a = try one.open()
        let b = try two.open()
        try await Self.fill(a, count: 3)
        try await Self.fill(b, count: 3)
        #expect(try a.leaf(at: 1).salt != (try b.leaf(at: 1).salt), "salted per store")
        #expect(try a.leaf(at: 1).salt != (try a.leaf(at: 2).salt), "salted per position")
        try a.close()
        try b.close()
    }

    @Test func closingBringsTheTreeUpAndAReopenedWriterResumesAfterALostTail() async throws {
        let store = try TestStore()
        var log = try store.open()
        try await Self.fill(log, count: 300)
        try log.close()
        let tree = store.path + "/merkle/tree.dlmt"
        let rootBefore = try { () throws -> MerkleHash in
            let reader = try store.open(readOnly: true)
            defer { try? reader.close() }
            #expect(reader.treeSize == 300)
            return try reader.treeRoot(size: 300)
        }()
        // A crash that lost the end of the tree file and left an older size behind.
        try FileManager.default.removeItem(atPath: store.path + "/merkle/size")
        try Data("120\n".utf8).write(to: URL(fileURLWithPath: store.path + "/merkle/size"))
        let handle = try Foundation.FileHandle(forWritingTo: URL(fileURLWithPath: tree))
        try handle.truncate(atOffset: 200 * 32)
        try handle.close()
        log = try store.open()
        #expect(log.treeSize == 300)
        #expect(try log.treeRoot(size: 300) == rootBefore)
        try await Self.fill(log, count: 50)
        try log.updateTree()
        #expect(try log.treeRoot(size: 350) == (try Self.reference(log, size: 350).root()))
        try log.close()
    }

    @Test func aTreeThatIsNotThisLogsIsRebuilt() async throws {
        let first = try TestStore("first")
        let second = try TestStore("second")
        let a = try first.open()
        let b = try second.open()
        try await Self.fill(a, count: 40)
        try await Self.fill(b, count: 40, group: 3)
        try a.close()
        try b.close()
        // The second store's log with the first's tree: a restored log, say.
        for name in ["tree.dlmt", "size", "salt.key"] {
            try FileManager.default.removeItem(atPath: second.path + "/merkle/" + name)
            try FileManager.default.copyItem(
                atPath: first.path + "/merkle/" + name,
                toPath: second.path + "/merkle/" + name
            )
        }
        let reopened = try second.open()
        #expect(reopened.treeSize == 40)
        #expect(try reopened.treeRoot(size: 40) == (try Self.reference(reopened, size: 40).root()))
        try reopened.close()
    }
}
