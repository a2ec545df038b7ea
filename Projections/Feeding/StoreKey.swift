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
        let key = SymmetricKey(size: .bits256)
        let bytes = key.withUnsafeBytes { Data($0) }
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: bytes, attributes: [.posixPermissions: 0o600])
        else { throw ProjectionError(.io, "cannot write \(temporary)") }
        try Durable.sync(path: temporary)
        guard rename(temporary, path) == 0 else { throw ProjectionError(.io, "cannot create \(path)") }
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
