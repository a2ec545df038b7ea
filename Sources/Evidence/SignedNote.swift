import Foundation
import MerkleTree

/// A C2SP signed note: UTF-8 text ending in a newline, a blank line, then one line per
/// signature, `— <key name> <base64 of the 4-byte key hash ‖ the Ed25519 signature>`, each
/// signature over the text exactly.
public struct SignedNote: Sendable, Hashable {
    public struct Signature: Sendable, Hashable {
        public var name: String
        public var keyHash: UInt32
        public var bytes: [UInt8]
    }

    public var text: String
    public var signatures: [Signature]

    /// Signs `text` (which must end with a newline) with `signer`.
    public init(text: String, signer: NoteSigner) {
        self.text = text
        signatures = [
            Signature(name: signer.name, keyHash: signer.verifier.keyHash, bytes: signer.sign(Array(text.utf8)))
        ]
    }

    /// Parses a note's full form.
    public init(_ full: String) throws(EvidenceError) {
        guard full.utf8.count <= 1 << 20 else { throw EvidenceError(.malformed, "a signed note is at most 1 MiB") }
        guard let split = full.range(of: "\n\n", options: .backwards) else {
            throw EvidenceError(.malformed, "a signed note has a blank line between its text and its signatures")
        }
        text = String(full[..<split.lowerBound]) + "\n"
        // The signature block: one `— <name> <base64>` line each, every line ending in a
        // newline, single spaces, nothing else (as Go's note package reads it).
        let block = full[split.upperBound...]
        guard block.hasSuffix("\n") else {
            throw EvidenceError(.malformed, "a signed note ends with a newline after its last signature")
        }
        var found: [Signature] = []
        for line in block.dropLast().split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("\u{2014} ") else {
                throw EvidenceError(.malformed, "a signature line starts with an em dash and a space")
            }
            let parts = line.dropFirst(2).split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, NoteVerifier.isValidName(String(parts[0])),
                let raw = Base64.decode(String(parts[1])),
                raw.count > 4
            else {
                throw EvidenceError(.malformed, "a signature line is `— <name> <base64>`, one space between")
            }
            let hash = UInt32(raw[0]) << 24 | UInt32(raw[1]) << 16 | UInt32(raw[2]) << 8 | UInt32(raw[3])
            found.append(Signature(name: String(parts[0]), keyHash: hash, bytes: Array(raw[4...])))
        }
        guard !found.isEmpty else { throw EvidenceError(.malformed, "a signed note has at least one signature") }
        signatures = found
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) else {
            throw EvidenceError(.malformed, "a note's text holds no control characters")
        }
    }

    /// The full form: text, blank line, signature lines.
    public var full: String {
        var out = text + "\n"
        for s in signatures {
            let hash = [
                UInt8(s.keyHash >> 24), UInt8(s.keyHash >> 16 & 0xFF), UInt8(s.keyHash >> 8 & 0xFF),
                UInt8(s.keyHash & 0xFF),
            ]
            out += "\u{2014} \(s.name) " + Base64.encode(hash + s.bytes) + "\n"
        }
        return out
    }

    /// Whether a signature of `verifier` (same name and key hash) signs the text.
    public func isSigned(by verifier: NoteVerifier) -> Bool {
        signatures.contains {
            $0.name == verifier.name && $0.keyHash == verifier.keyHash
                && verifier.verifies($0.bytes, over: Array(text.utf8))
        }
    }
}
