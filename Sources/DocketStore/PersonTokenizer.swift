import Certification
import Crypto

#if canImport(Glibc)
import Glibc
#endif

/// A person as the cross-case index knows them: the first 16 bytes of an HMAC-SHA256, under the
/// store's index key, of occupation, document type and normalised document number.
///
/// The index is saved beside the log (``CrossCaseIndexSnapshot``), and a document number is
/// personal data that must not sit there in clear: under a key kept owner-only in `keys/`, a
/// token can be neither read back nor recomputed from a guessed number by whoever has only the
/// snapshot. 128 bits keep collisions out of reach (about 10⁻²⁷ for a million people).
struct PersonToken: Hashable, Sendable {
    var high: UInt64
    var low: UInt64
}

/// Makes ``PersonToken``s under one key.
// `@unchecked`: its one stored property, a key, is never mutated after init.
struct PersonTokenizer: @unchecked Sendable {
    /// `<store>/keys/cross-case-index.key`: 32 random bytes, owner-only.
    static func keyPath(storeRoot: String) -> String { storeRoot + "/keys/cross-case-index.key" }

    let key: SymmetricKey
    /// The MAC keyed and fed the tokens' prefix once: each token copies it (the key's pads
    /// are not hashed again for every application the open scan reads).
    private let tokenMAC: HMAC<SHA256>

    init(key: SymmetricKey) {
        self.key = key
        var mac = HMAC<SHA256>(key: key)
        mac.update(data: Array("person\u{0}".utf8))
        tokenMAC = mac
    }

    /// The token of a person applying for `occupation` with `document`.
    func token(_ document: Candidate.IdentityDocument, _ occupation: Occupation) -> PersonToken {
        var input: [UInt8] = []
        input.reserveCapacity(64)
        input += occupation.rawValue.utf8
        input.append(0)
        input += document.type.rawValue.utf8
        input.append(0)
        input += document.number.utf8
        var mac = tokenMAC
        mac.update(data: input)
        return mac.finalize().withUnsafeBytes {
            PersonToken(
                high: UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                low: UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            )
        }
    }

    /// A MAC of `bytes` under the same key, for the snapshot to prove it was written by this
    /// store's write side (domain-separated from tokens).
    func seal(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var mac = HMAC<SHA256>(key: key)
        mac.update(data: Array("snapshot\u{0}".utf8))
        mac.update(data: bytes)
        return Array(mac.finalize())
    }

    /// A tokenizer under a key of its own, kept nowhere (a verifier, a read-only opener of a
    /// store without a key file): its tokens are only compared with each other.
    static func ephemeral() -> PersonTokenizer { PersonTokenizer(key: SymmetricKey(size: .bits256)) }

    /// The store's tokenizer: its key file read, or made (random, owner-only, synced before it
    /// is renamed into place) when missing and `create` is set; `nil` when missing otherwise.
    /// - Throws: when the file cannot be read or made, or is not 32 bytes.
    static func load(storeRoot: String, create: Bool) throws(DocketStoreError) -> PersonTokenizer? {
        let path = keyPath(storeRoot: storeRoot)
        if access(path, F_OK) == 0 {
            let bytes = try Posix.readFile(path)
            guard bytes.count == 32 else {
                throw DocketStoreError(.damaged, "the cross-case index key \(path) is not 32 bytes")
            }
            return PersonTokenizer(key: SymmetricKey(data: bytes))
        }
        guard create else { return nil }
        try Posix.makeDirectory(storeRoot + "/keys")
        let key = SymmetricKey(size: .bits256)
        try Posix.replaceDurably(path, with: key.withUnsafeBytes { Array($0) })
        return PersonTokenizer(key: key)
    }
}
