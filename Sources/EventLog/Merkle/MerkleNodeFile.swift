import MerkleTree

/// The log's Merkle tree on disk (`<store>/merkle/tree.dlmt`): the hash of every complete
/// subtree, 32 bytes each, in post-order — leaf, leaf, their parent, leaf, leaf, parent,
/// grandparent, … — so the file only ever grows at its end and the tree of n leaves is its
/// first 2n − popcount(n) hashes. The subtree of 2^k leaves from leaf a (a multiple of 2^k) is
/// hash number 2a − popcount(a) + 2^(k+1) − 2: any node is one `pread`.
///
/// Appending a leaf (``MerkleEdge``) writes it and the parents it completes (O(log n),
/// amortised two hashes), with the right edge of the tree kept in memory.
final class MerkleNodeFile: MerkleNodeSource, @unchecked Sendable {
    let file: FileHandle
    /// The right edge and what is not written yet (taken out by a catch-up while it appends).
    private var edge: MerkleEdge
    /// Leaves whose nodes are written (readers never go beyond).
    private(set) var written: UInt64

    /// The number of hashes the tree of `n` leaves holds.
    static func nodeCount(_ n: UInt64) -> UInt64 { 2 * n - UInt64(n.nonzeroBitCount) }

    /// Where the subtree of 2^level leaves from leaf `start` is, in hashes from the start.
    static func index(start: UInt64, level: Int) -> UInt64 {
        2 * start - UInt64(start.nonzeroBitCount) + (UInt64(1) << UInt64(level + 1)) - 2
    }

    /// Opens the tree of the first `size` leaves in `file` (a writer cuts the file to exactly
    /// that; a reader leaves it, as a writer may be extending it).
    init(file: FileHandle, size: UInt64, truncate: Bool) throws(EventLogError) {
        self.file = file
        written = size
        edge = MerkleEdge(size: 0, frontier: [])
        if truncate { try file.truncate(to: Self.nodeCount(size) * 32) }
        edge = try readEdge(size: size)
    }

    /// The right edge of the tree of `size` leaves, read from the file: the complete subtrees of
    /// the binary decomposition of `size`, largest first.
    private func readEdge(size: UInt64) throws(EventLogError) -> MerkleEdge {
        var frontier: [(level: Int, hash: MerkleHash)] = []
        var start: UInt64 = 0
        for level in stride(from: 63, through: 0, by: -1) where size & (UInt64(1) << UInt64(level)) != 0 {
            frontier.append((level, try node(start: start, level: level)))
            start += UInt64(1) << UInt64(level)
        }
        return MerkleEdge(size: size, frontier: frontier)
    }

    /// Leaves appended (written or not).
    var size: UInt64 { edge.size }

    func node(start: UInt64, level: Int) throws(EventLogError) -> MerkleHash {
        let offset = Self.index(start: start, level: level) * 32
        let bytes = try file.read(count: 32, at: offset)
        guard let hash = MerkleHash(bytes: bytes) else {
            throw EventLogError(
                .corruption,
                "the Merkle tree file ends before node \(start)/\(level)",
                file: file.name,
                offset: offset
            )
        }
        return hash
    }

    /// The edge, moved out for a catch-up to append to (give it back with ``write(_:)``).
    func takeEdge() -> MerkleEdge {
        let taken = edge
        edge = MerkleEdge(size: taken.size, frontier: [])
        return taken
    }

    /// Writes what `appended` holds that is not written, and keeps it as the edge. On a failed
    /// write nothing is counted as written (``reset()`` then cuts the file back).
    func write(_ appended: inout MerkleEdge) throws(EventLogError) {
        if !appended.pending.isEmpty {
            try file.write(appended.pending, at: Self.nodeCount(written) * 32)
            appended.pending.removeAll(keepingCapacity: true)
        }
        written = appended.size
        edge = appended
    }

    /// After a failed catch-up: the file cut back to what was durably counted (`written`) and
    /// the right edge read again from it, so the next catch-up starts from a consistent tree.
    func reset() throws(EventLogError) {
        try file.truncate(to: Self.nodeCount(written) * 32)
        edge = try readEdge(size: written)
    }
}
