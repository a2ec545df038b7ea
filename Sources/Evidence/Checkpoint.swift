import MerkleTree

/// A checkpoint (C2SP tlog-checkpoint): the body of a signed note naming the log (its origin),
/// the tree size and the root hash, then extension lines. Docket adds one: `docket-time <RFC
/// 3339>`, when it was made.
public struct Checkpoint: Sendable, Hashable {
    public var origin: String
    public var size: UInt64
    public var root: MerkleHash
    public var extensions: [String]

    public init(origin: String, size: UInt64, root: MerkleHash, extensions: [String] = []) {
        self.origin = origin
        self.size = size
        self.root = root
        self.extensions = extensions
    }

    /// The note text.
    public var text: String {
        ([origin, String(size), root.base64] + extensions).joined(separator: "\n") + "\n"
    }

    /// The `docket-time` extension, when present.
    public var time: String? {
        extensions.first { $0.hasPrefix("docket-time ") }.map { String($0.dropFirst("docket-time ".count)) }
    }

    /// Reads a checkpoint from a note's text.
    public init(text: String) throws(EvidenceError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard lines.count >= 3, text.hasSuffix("\n") else {
            throw EvidenceError(.malformed, "a checkpoint is an origin, a tree size and a root hash, one a line")
        }
        let all = Array(lines)
        guard !all[0].isEmpty else { throw EvidenceError(.malformed, "a checkpoint's origin is not empty") }
        guard let size = UInt64(all[1]), String(size) == all[1] else {
            throw EvidenceError(.malformed, "a checkpoint's second line is its tree size, a decimal number")
        }
        guard let root = MerkleHash(base64: String(all[2])) else {
            throw EvidenceError(.malformed, "a checkpoint's third line is its root hash in base64 (32 bytes)")
        }
        origin = String(all[0])
        self.size = size
        self.root = root
        extensions = all.dropFirst(3).map(String.init)
        guard !extensions.contains(where: \.isEmpty) else {
            throw EvidenceError(.malformed, "a checkpoint's extension lines are not empty")
        }
    }

    /// The checkpoint of `note`, if `verifier` signed it and its origin is the key's name.
    /// - Throws: `bad-signature` or `malformed`, naming what is wrong.
    public static func verified(_ note: SignedNote, by verifier: NoteVerifier) throws(EvidenceError) -> Checkpoint {
        guard note.isSigned(by: verifier) else {
            throw EvidenceError(
                .badSignature,
                "the checkpoint is not signed by \(verifier.name) (key hash \(String(verifier.keyHash, radix: 16))): its signature does not verify"
            )
        }
        let checkpoint = try Checkpoint(text: note.text)
        guard checkpoint.origin == verifier.name else {
            throw EvidenceError(
                .badSignature,
                "the checkpoint names the log \(checkpoint.origin), but the key is \(verifier.name)'s"
            )
        }
        return checkpoint
    }
}
