/// RFC 9162 §2.1 over any ``MerkleNodeSource``: tree hashes of ranges, inclusion and
/// consistency proofs (each O(log n) stored hashes), and their verification.
///
/// The tree over n leaves splits at k, the largest power of two below n; every left subtree is
/// complete, so each range the recursion meets is either a complete aligned subtree (one stored
/// hash) or splits again: a range's hash costs O(log n) lookups, a proof O(log² n) at worst.
public enum Merkle {
    /// The largest power of two strictly below `n` (n ≥ 2).
    static func split(_ n: UInt64) -> UInt64 {
        precondition(n >= 2)
        return UInt64(1) << (63 - UInt64((n - 1).leadingZeroBitCount))
    }

    /// MTH(D[start..<end]).
    public static func hash<S: MerkleNodeSource>(
        _ source: S,
        _ start: UInt64,
        _ end: UInt64
    ) throws(S.Failure) -> MerkleHash {
        let n = end - start
        if n == 0 { return .empty }
        if n & (n - 1) == 0, start % n == 0 { return try source.node(start: start, level: n.trailingZeroBitCount) }
        let k = split(n)
        return .node(try hash(source, start, start + k), try hash(source, start + k, end))
    }

    /// The root of the tree of the first `size` leaves.
    public static func root<S: MerkleNodeSource>(_ source: S, size: UInt64) throws(S.Failure) -> MerkleHash {
        try hash(source, 0, size)
    }

    /// The audit path of leaf `index` (from 0) in the tree of `size` leaves (RFC 9162 §2.1.3.1),
    /// leaf side first.
    public static func inclusionProof<S: MerkleNodeSource>(
        _ source: S,
        index: UInt64,
        size: UInt64
    ) throws(S.Failure) -> [MerkleHash] {
        precondition(index < size)
        var path: [MerkleHash] = []
        var start: UInt64 = 0
        var end = size
        var siblings: [(UInt64, UInt64)] = []
        while end - start > 1 {
            let k = split(end - start)
            if index < start + k {
                siblings.append((start + k, end))
                end = start + k
            } else {
                siblings.append((start, start + k))
                start += k
            }
        }
        for (a, b) in siblings.reversed() { path.append(try hash(source, a, b)) }
        return path
    }

    /// The proof that the tree of `first` leaves is a prefix of the tree of `second`
    /// (RFC 9162 §2.1.4.1); empty when `first` is 0 or equal to `second`.
    public static func consistencyProof<S: MerkleNodeSource>(
        _ source: S,
        first: UInt64,
        second: UInt64
    ) throws(S.Failure) -> [MerkleHash] {
        precondition(first <= second)
        guard first > 0, first < second else { return [] }
        // SUBPROOF(m, D[start..<end], b), unrolled: collect the hashes from the top, then reverse.
        var out: [MerkleHash] = []
        var m = first
        var start: UInt64 = 0
        var end = second
        var complete = true
        while true {
            let n = end - start
            if m == n {
                if !complete { out.append(try hash(source, start, end)) }
                break
            }
            let k = split(n)
            if m <= k {
                out.append(try hash(source, start + k, end))
                end = start + k
            } else {
                out.append(try hash(source, start, start + k))
                m -= k
                start += k
                complete = false
            }
        }
        return out.reversed()
    }

    // MARK: Verification (needs nothing but the proof)

    /// Whether `proof` shows `leaf` at `index` in a tree of `size` leaves with root `root`
    /// (RFC 9162 §2.1.3.2).
    public static func verifyInclusion(
        leaf: MerkleHash,
        index: UInt64,
        size: UInt64,
        proof: [MerkleHash],
        root: MerkleHash
    ) -> Bool {
        guard index < size else { return false }
        var fn = index
        var sn = size - 1
        var r = leaf
        for p in proof {
            guard sn > 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                r = .node(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0, fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = .node(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// Whether `proof` shows the tree of `first` leaves (root `firstRoot`) is a prefix of the
    /// tree of `second` leaves (root `secondRoot`) (RFC 9162 §2.1.4.2).
    public static func verifyConsistency(
        first: UInt64,
        second: UInt64,
        firstRoot: MerkleHash,
        secondRoot: MerkleHash,
        proof: [MerkleHash]
    ) -> Bool {
        guard first <= second else { return false }
        if first == second { return proof.isEmpty && firstRoot == secondRoot }
        if first == 0 { return proof.isEmpty }
        guard !proof.isEmpty else { return false }
        var path = proof
        if first & (first - 1) == 0 { path.insert(firstRoot, at: 0) }
        var fn = first - 1
        var sn = second - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            guard sn > 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                fr = .node(c, fr)
                sr = .node(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0, fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = .node(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return fr == firstRoot && sr == secondRoot && sn == 0
    }
}
