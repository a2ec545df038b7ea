import Crypto
import Foundation
import MerkleTree

#if canImport(Glibc)
import Glibc
#endif

/// The log's Merkle tree (RFC 9162) over its events, beside the log in `<store>/merkle/`:
///
/// ```
/// merkle/tree.dlmt   every complete subtree's hash, in post-order (MerkleNodeFile)
/// merkle/size        how many leaves tree.dlmt holds durably (text), replaced atomically
/// merkle/salt.key    32 random bytes: the key of each leaf's salt
/// ```
///
/// Leaf p (from 1) is the tree's leaf p − 1, with hash SHA-256(0x00 ‖ salt(p) ‖ record(p)):
/// `record(p)` is the event's canonical bytes, exactly what the hash chain hashes
/// (docs/LOG_FORMAT.md), and `salt(p)` = SHA-256(salt key ‖ u64le(p)). The salt makes every
/// hash a proof carries unguessable: without it, a sibling's leaf hash next to that candidate's
/// masked view would let anyone try the few hundred identity numbers the mask leaves open.
/// A bundle gives the salts of its own events only. (RFC 9162's tree, with salted leaf data.)
///
/// The tree is derived from the log and grows by ``catchUp(to:)`` (O(log n) per event), run
/// when a writer opens and closes the store, before checkpoints and proofs, and every second in
/// `serve`. After a crash it resumes from the last durable size; a tree that does not match the
/// log (a restored or replaced log) is rebuilt.
final class MerkleLog: @unchecked Sendable {
    static let directoryName = "merkle"
    let directory: String
    /// The salt key's 32 bytes.
    private let saltKey: [UInt8]
    private let lock = NSLock()
    private let nodes: MerkleNodeFile
    private let reader: LogReader
    private let writable: Bool

    private init(directory: String, saltKey: [UInt8], nodes: MerkleNodeFile, reader: LogReader, writable: Bool) {
        self.directory = directory
        self.saltKey = saltKey
        self.nodes = nodes
        self.reader = reader
        self.writable = writable
    }

    /// Opens (a writer: creates, checks and brings up to `lastPosition`) the tree of the store
    /// at `layout`; `nil` for a reader of a store that has no tree yet.
    static func open(
        layout: StoreLayout,
        reader: LogReader,
        lastPosition: UInt64,
        writable: Bool
    ) throws(EventLogError) -> MerkleLog? {
        let directory = layout.root + "/" + directoryName
        let saltPath = directory + "/salt.key"
        let sizePath = directory + "/size"
        let treePath = directory + "/tree.dlmt"
        if !writable {
            // A reader never fails to open the log because of its tree: without a usable tree it
            // has none (checkpoints and proofs then say so).
            return try? openReader(
                directory: directory,
                saltPath: saltPath,
                sizePath: sizePath,
                treePath: treePath,
                reader: reader,
                lastPosition: lastPosition
            )
        }
        if !FileSystem.exists(saltPath) {
            try FileSystem.createDirectory(directory)
            try FileSystem.writeAtomically(
                SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) },
                to: saltPath,
                name: "merkle/salt.key"
            )
            try FileSystem.writeAtomically(Array("0\n".utf8), to: sizePath, name: "merkle/size")
        }
        let saltFile = try FileHandle.open(saltPath, name: "merkle/salt.key", flags: O_RDONLY)
        let saltBytes = try saltFile.read(count: 64, at: 0)
        guard saltBytes.count == 32 else {
            throw EventLogError(
                .corruption,
                "merkle/salt.key must hold 32 bytes; it holds \(saltBytes.count)",
                file: "merkle/salt.key"
            )
        }
        let saltKey = saltBytes
        var size = Self.readSize(sizePath)
        let file = try FileHandle.open(
            treePath,
            name: "merkle/tree.dlmt",
            flags: O_RDWR | O_CREAT
        )
        let fileSize = try file.size()
        while size > 0, MerkleNodeFile.nodeCount(size) * 32 > fileSize { size -= 1 }
        size = min(size, lastPosition)
        var nodes = try MerkleNodeFile(file: file, size: size, truncate: true)
        // The tree must be the tree of this log: its last leaf is checked against the log's
        // record (a log restored from elsewhere, or replaced, gets its tree rebuilt).
        if size > 0 {
            let expected = try Self.leafHash(position: size, reader: reader, saltKey: saltKey)
            if try nodes.node(start: size - 1, level: 0) != expected {
                nodes = try MerkleNodeFile(file: file, size: 0, truncate: true)
            }
        }
        let log = MerkleLog(directory: directory, saltKey: saltKey, nodes: nodes, reader: reader, writable: true)
        try log.catchUp(to: lastPosition)
        return log
    }

    static func openReader(
        directory: String,
        saltPath: String,
        sizePath: String,
        treePath: String,
        reader: LogReader,
        lastPosition: UInt64
    ) throws(EventLogError) -> MerkleLog {
        let saltKey = try FileHandle.open(saltPath, name: "merkle/salt.key", flags: O_RDONLY).read(count: 64, at: 0)
        guard saltKey.count == 32 else {
            throw EventLogError(.corruption, "merkle/salt.key must hold 32 bytes", file: "merkle/salt.key")
        }
        let file = try FileHandle.open(treePath, name: "merkle/tree.dlmt", flags: O_RDONLY)
        let fileSize = try file.size()
        var size = min(Self.readSize(sizePath), lastPosition)
        while size > 0, MerkleNodeFile.nodeCount(size) * 32 > fileSize { size -= 1 }
        return MerkleLog(
            directory: directory,
            saltKey: saltKey,
            nodes: try MerkleNodeFile(file: file, size: size, truncate: false),
            reader: reader,
            writable: false
        )
    }

    static func readSize(_ path: String) -> UInt64 {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        return UInt64(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// The salt of leaf `position`: SHA-256(salt key ‖ u64le(position)). A secret-prefix hash is
    /// a sound keyed function here because every message has the same length (length extension
    /// cannot reach another position's input), and it is one compression where HMAC costs four
    /// plus a key setup per call (which showed in the tree build's profile).
    static func salt(position: UInt64, key: [UInt8]) -> MerkleHash {
        var le = position.littleEndian
        return key.withUnsafeBytes { k in withUnsafeBytes(of: &le) { MerkleHash.sha256(k, $0) } }
    }

    func salt(position: UInt64) -> [UInt8] { Self.salt(position: position, key: saltKey).bytes }

    static func leafHash(position: UInt64, reader: LogReader, saltKey: [UInt8]) throws(EventLogError) -> MerkleHash {
        var hash = MerkleHash.empty
        try reader.forEachRecord(from: position, through: position) { p, record in
            hash = Self.salt(position: p, key: saltKey).withUnsafeBytes { MerkleHash.leaf($0, record) }
        }
        return hash
    }

    /// Leaves the tree holds durably (proofs are made for sizes up to it).
    var size: UInt64 { lock.withLock { nodes.written } }

    /// Adds the events after the tree's last leaf through `position`, then makes them durable.
    func catchUp(to position: UInt64) throws(EventLogError) {
        guard writable else { return }
        lock.lock()
        defer { lock.unlock() }
        let from = nodes.size + 1
        guard position >= from else { return }
        let key = saltKey
        let nodes = self.nodes
        var edge = nodes.takeEdge()
        do throws(EventLogError) {
            try reader.forEachRecord(from: from, through: position) { (p, record) throws(EventLogError) in
                edge.append(Self.salt(position: p, key: key).withUnsafeBytes { MerkleHash.leaf($0, record) })
                if edge.pending.count >= 4 << 20 { try nodes.write(&edge) }
            }
            try nodes.write(&edge)
            try nodes.file.syncData()
            try FileSystem.writeAtomically(
                Array("\(nodes.written)\n".utf8),
                to: directory + "/size",
                name: "merkle/size"
            )
        } catch {
            // Back to the last whole tree on disk; if even that fails, the next open recovers
            // from merkle/size.
            try? nodes.reset()
            throw error
        }
    }

    /// The root over the first `size` events, from the log's records alone.
    func recomputedRoot(size: UInt64) throws(EventLogError) -> MerkleHash {
        guard size > 0 else { return .empty }
        var edge = MerkleEdge(size: 0, frontier: [])
        let key = saltKey
        try reader.forEachRecord(from: 1, through: size) { p, record in
            edge.append(Self.salt(position: p, key: key).withUnsafeBytes { MerkleHash.leaf($0, record) })
            edge.pending.removeAll(keepingCapacity: true)
        }
        guard edge.size == size else {
            throw EventLogError(.positionOutOfRange, "the log holds \(edge.size) events, not \(size)", position: size)
        }
        return edge.root
    }

    /// The root of the tree of the first `size` leaves.
    func root(size: UInt64) throws(EventLogError) -> MerkleHash {
        try check(size)
        return try Merkle.root(nodes, size: size)
    }

    /// The inclusion proof of `position` in the tree of `size` leaves.
    func inclusionProof(position: UInt64, size: UInt64) throws(EventLogError) -> [MerkleHash] {
        try check(size)
        guard position >= 1, position <= size else {
            throw EventLogError(
                .positionOutOfRange,
                "position \(position) is not in the tree of \(size) events",
                position: position
            )
        }
        return try Merkle.inclusionProof(nodes, index: position - 1, size: size)
    }

    /// The proof that the tree of `first` leaves is a prefix of the tree of `second`.
    func consistencyProof(first: UInt64, second: UInt64) throws(EventLogError) -> [MerkleHash] {
        try check(second)
        guard first <= second else {
            throw EventLogError(.positionOutOfRange, "a tree of \(first) events cannot be a prefix of one of \(second)")
        }
        return try Merkle.consistencyProof(nodes, first: first, second: second)
    }

    private func check(_ size: UInt64) throws(EventLogError) {
        let have = self.size
        guard size <= have else {
            throw EventLogError(
                .positionOutOfRange,
                "the Merkle tree holds \(have) events, not \(size) (it catches up when the store is opened for writing)",
                position: size
            )
        }
    }
}
