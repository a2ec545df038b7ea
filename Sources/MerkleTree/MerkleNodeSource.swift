/// Where a tree's stored hashes come from: the hash of each complete, aligned subtree (2^level
/// leaves starting at leaf `start`, a multiple of 2^level). A file on disk for the log; an array
/// in memory for tests and the verifier.
public protocol MerkleNodeSource {
    associatedtype Failure: Error
    func node(start: UInt64, level: Int) throws(Failure) -> MerkleHash
}

/// Every node of a small tree, in memory (levels of hashes, leaves first).
public struct InMemoryMerkleTree: MerkleNodeSource, Sendable {
    public private(set) var levels: [[MerkleHash]] = [[]]

    public init() {}

    /// A tree of `leaves` (their data, hashed as leaves).
    public init(leafData: [[UInt8]]) {
        for data in leafData { append(.leaf(data)) }
    }

    public var size: UInt64 { UInt64(levels[0].count) }

    /// Appends a leaf hash and the inner nodes it completes.
    public mutating func append(_ leaf: MerkleHash) {
        levels[0].append(leaf)
        var level = 0
        while levels[level].count % 2 == 0 {
            let count = levels[level].count
            let parent = MerkleHash.node(levels[level][count - 2], levels[level][count - 1])
            if levels.count == level + 1 { levels.append([]) }
            levels[level + 1].append(parent)
            level += 1
        }
    }

    public func node(start: UInt64, level: Int) -> MerkleHash {
        levels[level][Int(start >> UInt64(level))]
    }

    /// The root of the first `size` leaves.
    public func root(size: UInt64? = nil) -> MerkleHash { Merkle.root(self, size: size ?? self.size) }
}
