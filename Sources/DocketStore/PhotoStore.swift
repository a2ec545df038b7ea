#if canImport(Glibc)
import Glibc
#endif

/// Candidates' photos, content-addressed by SHA-256 inside the store:
/// `<store>/photos/<first two hex digits>/<sha256>.jpg`.
///
/// A photo is staged in memory when its application is decided (no file I/O under the decision
/// lock), then written (temporary file, rename) and made durable by ``writeStaged()`` on the
/// log's writer thread, before the log writes the group holding the event that names it (the
/// log's `beforeGroupWrite`): no `Applied` on disk, acknowledged or not, names a photo a crash
/// could lose. The same photo twice is stored once.
public final class PhotoStore: @unchecked Sendable {
    /// `<store>/photos`.
    public let directory: String
    private let lock = Lock()
    /// Held by a deletion from its mark's removal to the unlink, and by ``writeStaged()``
    /// across its look-ups and writes: they run on different threads (an erasure completes on
    /// the log's syncing thread while the writer prepares the next group), and a photo staged
    /// again in between must be seen as gone and written, not skipped as stored and then
    /// deleted. Taken before `lock`, never inside it.
    private let ioLock = Lock()
    /// Photos of decided applications not yet on disk, by SHA-256.
    private var staged: [String: [UInt8]] = [:]
    /// Photos of decided erasures, to delete once the erasure is durable (unless an
    /// application decided since names them again).
    private var markedForDeletion: Set<String> = []

    /// The photo store of the store at `storeRoot`.
    public init(storeRoot: String) {
        directory = storeRoot + "/photos"
    }

    /// Where a photo's bytes live.
    public func path(sha256: String) -> String { directory + "/" + sha256.prefix(2) + "/" + sha256 + ".jpg" }

    /// Keeps `bytes` to be stored under `sha256` by the next ``writeStaged()`` (memory only).
    func stage(_ bytes: [UInt8], sha256: String) {
        lock.withLock {
            staged[sha256] = bytes
            markedForDeletion.remove(sha256)
        }
    }

    /// Marks a photo to be deleted by ``deleteIfMarked(sha256:)`` once its case's erasure is
    /// durable; an application staging the same photo before then cancels the mark.
    func markForDeletion(_ sha256: String) {
        lock.withLock { _ = markedForDeletion.insert(sha256) }
    }

    /// Deletes a photo marked by ``markForDeletion(_:)`` (and still marked).
    func deleteIfMarked(sha256: String) throws(DocketStoreError) {
        try ioLock.withLock { () throws(DocketStoreError) in
            let marked = lock.withLock { markedForDeletion.remove(sha256) != nil }
            if marked { try delete(sha256: sha256) }
        }
    }

    /// Deletes a stored photo and syncs its directory (nothing when it is not stored).
    func delete(sha256: String) throws(DocketStoreError) {
        let p = path(sha256: sha256)
        guard unlink(p) == 0 || errno == ENOENT else { throw Posix.error("cannot delete photo", path: p) }
        try Posix.syncDirectory(directory + "/" + sha256.prefix(2))
    }

    /// Writes every staged photo not already stored and makes them durable: one `syncfs` of the
    /// store's file system, whatever the number of photos (a per-file `fsync` costs a
    /// millisecond each). Runs on the log's writer thread before each group is written.
    /// - Throws: when a photo cannot be written or synced (the group then fails, as a failed
    ///   sync of the log would).
    func writeStaged() throws(DocketStoreError) {
        try ioLock.withLock { () throws(DocketStoreError) in try writeStagedLocked() }
    }

    private func writeStagedLocked() throws(DocketStoreError) {
        let pending = lock.withLock { staged }
        guard !pending.isEmpty else { return }
        var wrote = false
        for (sha256, bytes) in pending {
            let final = path(sha256: sha256)
            if access(final, F_OK) == 0 { continue }
            try Posix.makeDirectory(directory)
            try Posix.makeDirectory(directory + "/" + sha256.prefix(2))
            let temporary = final + ".tmp"
            try Posix.writeFile(temporary, bytes)
            guard rename(temporary, final) == 0 else {
                throw Posix.error("cannot store photo \(sha256)", path: final)
            }
            wrote = true
        }
        if wrote {
            let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else { throw Posix.error("cannot open the photo directory", path: directory) }
            defer { close(fd) }
            guard linuxSyncfs(fd) == 0 else { throw Posix.error("cannot sync the photos", path: directory) }
        }
        lock.withLock {
            for sha256 in pending.keys { staged[sha256] = nil }
        }
    }

    /// A stored photo's bytes, or `nil` if it is not stored.
    public func bytes(sha256: String) throws(DocketStoreError) -> [UInt8]? {
        let p = path(sha256: sha256)
        guard access(p, F_OK) == 0 else { return nil }
        return try Posix.readFile(p)
    }

    /// Whether the stored photo exists and its bytes still hash to its name.
    public func isIntact(sha256: String) -> Bool {
        guard let bytes = try? bytes(sha256: sha256) else { return false }
        return SHA256Hex.of(bytes) == sha256
    }
}

/// glibc's `syncfs(2)`, which its Swift module map does not export (it is a GNU extension).
@_silgen_name("syncfs")
private func linuxSyncfs(_ fd: Int32) -> Int32
