import Crypto
import Foundation
import MerkleTree

/// A signed note's verifier key (C2SP signed-note): `<name>+<key hash, 8 hex digits>+<base64 of
/// 0x01 ‖ the Ed25519 public key>`. The key hash is the first four bytes of
/// SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key), and starts every signature the key makes.
public struct NoteVerifier: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let publicKey: [UInt8]
    public var keyHash: UInt32 { Self.keyHash(name: name, publicKey: publicKey) }

    public init(name: String, publicKey: [UInt8]) throws(EvidenceError) {
        guard NoteVerifier.isValidName(name) else {
            throw EvidenceError(.malformed, "a key name is non-empty text without spaces or '+'")
        }
        guard publicKey.count == 32 else { throw EvidenceError(.malformed, "an Ed25519 public key is 32 bytes") }
        self.name = name
        self.publicKey = publicKey
    }

    /// Parses `<name>+<hex>+<base64>`.
    public init(_ text: String) throws(EvidenceError) {
        let parts = text.trimmingWhitespace().split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let hash = UInt32(parts[1], radix: 16), parts[1].count == 8,
            let key = Base64.decode(String(parts[2])), key.count == 33, key[0] == 0x01
        else {
            throw EvidenceError(.malformed, "a verifier key is <name>+<8 hex digits>+<base64 of 0x01 and 32 key bytes>")
        }
        try self.init(name: String(parts[0]), publicKey: Array(key[1...]))
        guard hash == keyHash else {
            throw EvidenceError(.malformed, "the verifier key's hash \(parts[1]) does not match its name and key")
        }
    }

    public var description: String {
        let hex = String(keyHash, radix: 16)
        return name + "+" + String(repeating: "0", count: 8 - hex.count) + hex + "+" + Base64.encode([0x01] + publicKey)
    }

    /// Whether `signature` is this key's over `message`.
    public func verifies(_ signature: [UInt8], over message: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }

    static func keyHash(name: String, publicKey: [UInt8]) -> UInt32 {
        var hasher = SHA256()
        hasher.update(data: Array(name.utf8) + [0x0A, 0x01] + publicKey)
        let digest = Array(hasher.finalize())
        return UInt32(digest[0]) << 24 | UInt32(digest[1]) << 16 | UInt32(digest[2]) << 8 | UInt32(digest[3])
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains(where: \.isWhitespace)
            && name.unicodeScalars.allSatisfy { $0.value > 0x20 && $0 != "+" && $0.value != 0x7F }
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\n" || first == "\t" || first == "\r" {
            scalars.removeFirst()
        }
        while let last = scalars.last, last == " " || last == "\n" || last == "\t" || last == "\r" {
            scalars.removeLast()
        }
        return String(String.UnicodeScalarView(scalars))
    }
}

extension NoteVerifier {
    /// The key as `--key` gives it: the text of a verifier key, or the path of a file holding one.
    public init(textOrFile given: String) throws(EvidenceError) {
        let text = FileManager.default.contents(atPath: given).map { String(decoding: $0, as: UTF8.self) } ?? given
        try self.init(text)
    }
}
