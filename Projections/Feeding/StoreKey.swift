import Crypto
import Foundation

/// A store's own secret for keyed hashes of identity numbers
/// (`<store>/projections/search.key`, 32 random bytes, owner-only): read models match a number
/// through HMAC-SHA-256 under it, so their files alone cannot be used to recover numbers by
/// trying them all. Rebuilds reuse it, so hashes stay stable.
///
/// Nothing is read or written until a hash is first needed: making a projector has no side
/// effects. Feeding a model makes the key if the store has none; a read only uses one that
/// exists.
public final class StoreKey: @unchecked Sendable {
    /// `<store>/projections/search.key`.
    public let path: String
    private let lock = NSLock()
    private var hasher: KeyedHash?

    public init(storeRoot: String) { path = storeRoot + "/projections/search.key" }

    /// The keyed hash, made with a new key when the store has none and `create` is true.
    /// - Returns: `nil` when there is no key and `create` is false.
    func hash(create: Bool) throws(ProjectionError) -> KeyedHash? {
        lock.lock()
        defer { lock.unlock() }
        if let hasher { return hasher }
        if let data = FileManager.default.contents(atPath: path), data.count == 32 {
            hasher = KeyedHash(key: SymmetricKey(data: data))
            return hasher
        }
        guard create else { return nil }
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw ProjectionError(.io, "cannot create \(directory): \(error)")
        }
        // Made once for the store, whoever comes first: a key written to a temporary file of
        // this maker's own, then linked into place, which fails if another projector (in this
        // process or another) linked its key first; then that key is the store's, for everyone.
        // (Two catch-ups starting together on a new store each made a key and hashed rows
        // with it; the last rename won the file, and rows hashed with the other key no longer
        // matched a rebuild.)
        let key = SymmetricKey(size: .bits256)
        let bytes = key.withUnsafeBytes { Data($0) }
        let temporary = path + ".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        guard FileManager.default.createFile(atPath: temporary, contents: bytes, attributes: [.posixPermissions: 0o600])
        else { throw ProjectionError(.io, "cannot write \(temporary)") }
        defer { unlink(temporary) }
        try Durable.sync(path: temporary)
        if link(temporary, path) != 0 {
            guard errno == EEXIST, let data = FileManager.default.contents(atPath: path), data.count == 32 else {
                throw ProjectionError(.io, "cannot create \(path): \(String(cString: strerror(errno)))")
            }
            hasher = KeyedHash(key: SymmetricKey(data: data))
            return hasher
        }
        try Durable.sync(path: directory, directory: true)
        hasher = KeyedHash(key: key)
        return hasher
    }

    /// The keyed hash for writing a model (the key made if missing).
    func writingHash() throws(ProjectionError) -> KeyedHash {
        guard let hash = try hash(create: true) else { throw ProjectionError(.io, "no key at \(path)") }
        return hash
    }
}
