import Testing

@testable import MerkleTree

/// RFC 9162 tree hashes and proofs against the reference vectors of transparency-dev/merkle
/// (the eight leaves of the CT test suite), then properties over random sizes: every proof
/// verifies, and any changed hash, index or size does not.
@Suite struct MerkleTests {
    static let leaves: [[UInt8]] = [
        [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
        [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        Array(0x60...0x6f),
    ]
    static let roots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
    /// (leaf index from 1, tree size, proof).
    static let inclusion: [(UInt64, UInt64, [String])] = [
        (1, 1, []),
        (
            1, 8,
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        ),
        (
            6, 8,
            [
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        ),
        (3, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (
            2, 5,
            [
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]
        ),
    ]
    /// (first size, second size, proof).
    static let consistency: [(UInt64, UInt64, [String])] = [
        (1, 1, []),
        (
            1, 8,
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        ),
        (
            6, 8,
            [
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        ),
        (
            2, 5,
            [
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]
        ),
        (
            6, 7,
            [
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        ),
    ]

    static func hashes(_ hex: [String]) -> [MerkleHash] { hex.map { MerkleHash(hex: $0)! } }

    @Test func treeHashesMatchTheReferenceRootsForEverySize() {
        #expect(MerkleHash.empty.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let tree = InMemoryMerkleTree(leafData: Self.leaves)
        for size in 1...8 {
            #expect(tree.root(size: UInt64(size)).hex == Self.roots[size - 1], "size \(size)")
        }
    }

    @Test func inclusionProofsMatchTheReferenceAndVerify() {
        let tree = InMemoryMerkleTree(leafData: Self.leaves)
        for (leaf, size, expected) in Self.inclusion {
            let proof = Merkle.inclusionProof(tree, index: leaf - 1, size: size)
            #expect(proof == Self.hashes(expected), "leaf \(leaf) of \(size)")
            #expect(
                Merkle.verifyInclusion(
                    leaf: .leaf(Self.leaves[Int(leaf - 1)]),
                    index: leaf - 1,
                    size: size,
                    proof: proof,
                    root: tree.root(size: size)
                )
            )
        }
    }

    @Test func consistencyProofsMatchTheReferenceAndVerify() {
        let tree = InMemoryMerkleTree(leafData: Self.leaves)
        for (first, second, expected) in Self.consistency {
            let proof = Merkle.consistencyProof(tree, first: first, second: second)
            #expect(proof == Self.hashes(expected), "\(first) → \(second)")
            #expect(
                Merkle.verifyConsistency(
                    first: first,
                    second: second,
                    firstRoot: tree.root(size: first),
                    secondRoot: tree.root(size: second),
                    proof: proof
                )
            )
        }
    }

    @Test func everyProofOverRandomSizesVerifiesAndNoAlteredOneDoes() {
        var generator = SystemRandomNumberGenerator()
        let tree = InMemoryMerkleTree(leafData: (0..<300).map { [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)] })
        for _ in 0..<200 {
            let size = UInt64.random(in: 1...300, using: &generator)
            let index = UInt64.random(in: 0..<size, using: &generator)
            let root = tree.root(size: size)
            let leaf = tree.node(start: index, level: 0)
            let proof = Merkle.inclusionProof(tree, index: index, size: size)
            #expect(proof.count <= 64 - (size - 1).leadingZeroBitCount + 1)
            #expect(Merkle.verifyInclusion(leaf: leaf, index: index, size: size, proof: proof, root: root))
            if size > 1 {
                let other = (index + 1) % size
                #expect(!Merkle.verifyInclusion(leaf: leaf, index: other, size: size, proof: proof, root: root))
            }
            if !proof.isEmpty {
                var bent = proof
                var bytes = bent[0].bytes
                bytes[Int.random(in: 0..<32)] ^= 0x01
                bent[0] = MerkleHash(bytes: bytes)!
                #expect(!Merkle.verifyInclusion(leaf: leaf, index: index, size: size, proof: bent, root: root))
            }
            let first = UInt64.random(in: 1...size, using: &generator)
            let consistency = Merkle.consistencyProof(tree, first: first, second: size)
            #expect(
                Merkle.verifyConsistency(
                    first: first,
                    second: size,
                    firstRoot: tree.root(size: first),
                    secondRoot: root,
                    proof: consistency
                )
            )
            if first < size {
                // A different old tree (a fork) is not consistent with the new one.
                var forked = InMemoryMerkleTree()
                for i in 0..<first { forked.append(i == first - 1 ? .leaf([0xFF]) : tree.node(start: i, level: 0)) }
                #expect(
                    !Merkle.verifyConsistency(
                        first: first,
                        second: size,
                        firstRoot: forked.root(),
                        secondRoot: root,
                        proof: consistency
                    )
                )
            }
        }
    }

    @Test func base64RoundTripsAndRefusesNonCanonicalText() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("any carnal pleas".utf8)) == "YW55IGNhcm5hbCBwbGVhcw==")
        #expect(Base64.decode("YW55IGNhcm5hbCBwbGVhcw=") == nil)
        #expect(Base64.decode("YW55IGNhcm5hbCBwbGVhcx==") == nil, "non-zero bits under the padding")
        #expect(Base64.decode("YW55 GNh") == nil)
    }
}
