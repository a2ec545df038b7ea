import MerkleTree

/// The right edge of a growing Merkle tree (one complete subtree per level, largest first) and
/// the hashes appended since they were last written: what appending needs, as a value, so a
/// catch-up runs its loop on a local copy (a class's stored properties are checked for
/// exclusive access on every mutation; those checks showed in the profile).
struct MerkleEdge {
    /// Leaves in the tree, written or not.
    private(set) var size: UInt64
    /// The complete subtrees at the right edge, largest first.
    private(set) var frontier: [(level: Int, hash: MerkleHash)]
    /// The bytes of the hashes appended since the last write, in post-order.
    var pending: [UInt8] = []

    init(size: UInt64, frontier: [(level: Int, hash: MerkleHash)]) {
        self.size = size
        self.frontier = frontier
    }

    /// Appends a leaf hash and the parents it completes.
    mutating func append(_ leaf: MerkleHash) {
        leaf.withUnsafeBytes { pending.append(contentsOf: $0) }
        var level = 0
        var hash = leaf
        while let last = frontier.last, last.level == level {
            frontier.removeLast()
            hash = .node(last.hash, hash)
            hash.withUnsafeBytes { pending.append(contentsOf: $0) }
            level += 1
        }
        frontier.append((level, hash))
        size += 1
    }

    /// The root of the whole tree (no reads).
    var root: MerkleHash {
        guard var hash = frontier.last?.hash else { return .empty }
        for edge in frontier.dropLast().reversed() { hash = .node(edge.hash, hash) }
        return hash
    }
}
