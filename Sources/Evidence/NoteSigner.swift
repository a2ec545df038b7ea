import Crypto
import MerkleTree

/// The private half of a checkpoint key: signs notes as `name`. Its text form (the key file)
/// is `PRIVATE+KEY+<name>+<key hash>+<base64 of 0x01 ‖ the 32-byte Ed25519 seed>`, the
/// encoding Go's signed-note package reads too.
public struct NoteSigner: Sendable {
    public let name: String
    /// The 32-byte seed (the key is made from it when used: swift-crypto's key is not Sendable).
    let seed: [UInt8]
    var key: Curve25519.Signing.PrivateKey {
        // The seed was checked when the signer was made.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    }

    /// A new random key named `name`.
    public init(name: String) throws(EvidenceError) {
        guard NoteVerifier.isValidName(name) else {
            throw EvidenceError(.malformed, "a key name is non-empty text without spaces or '+'")
        }
        self.name = name
        seed = Array(Curve25519.Signing.PrivateKey().rawRepresentation)
    }

    /// A key from its text form.
    public init(_ text: String) throws(EvidenceError) {
        let parts = text.trimmingWhitespace().split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY",
            let seed = Base64.decode(String(parts[4])), seed.count == 33, seed[0] == 0x01,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed[1...])
        else {
            throw EvidenceError(.malformed, "a signing key is PRIVATE+KEY+<name>+<hash>+<base64 key>")
        }
        name = String(parts[2])
        self.seed = Array(key.rawRepresentation)
        guard NoteVerifier.isValidName(name), String(parts[3]) == verifierHashHex else {
            throw EvidenceError(.malformed, "the signing key's hash does not match its name and key")
        }
    }

    /// From a 32-byte seed (test vectors).
    public init(name: String, seed: [UInt8]) throws(EvidenceError) {
        guard (try? Curve25519.Signing.PrivateKey(rawRepresentation: seed)) != nil, NoteVerifier.isValidName(name)
        else {
            throw EvidenceError(.malformed, "a seed is 32 bytes and a name non-empty text without spaces or '+'")
        }
        self.name = name
        self.seed = seed
    }

    /// The public half.
    public var verifier: NoteVerifier {
        // The name was checked and the key is 32 bytes: this cannot fail.
        try! NoteVerifier(name: name, publicKey: Array(key.publicKey.rawRepresentation))
    }

    private var verifierHashHex: String {
        let hex = String(verifier.keyHash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// The key file's text.
    public var text: String {
        "PRIVATE+KEY+\(name)+\(verifierHashHex)+" + Base64.encode([0x01] + Array(key.rawRepresentation))
    }

    /// An Ed25519 signature over `message`.
    public func sign(_ message: [UInt8]) -> [UInt8] {
        // Signing with a valid key does not fail.
        Array(try! key.signature(for: message))
    }
}
