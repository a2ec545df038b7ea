import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The tokens file as the server reads it: loaded at start and again when the file changes (a
/// token added with `docket token add` works without a restart). The file's change time is
/// looked at most once a second, and at once when a token is not known yet (one `stat`),
/// outside the lock readers share.
final class TokenBook: @unchecked Sendable {
    private let path: String
    private let lock = NSLock()
    private var file: TokenFile
    private var changed: (inode: UInt64, time: timespec)
    private var lastLook = ContinuousClock.now
    /// Tokens already matched, so a kept client's token is hashed once, not per request. Only
    /// known tokens enter (at most one per line of the file); emptied when the file changes.
    private var matched: [String: TokenFile.Holder] = [:]
    private var generation = 0

    init(path: String) throws(TokenError) {
        self.path = path
        file = try TokenFile(path: path)
        changed = Self.changeTime(path)
    }

    var count: Int { lock.withLock { file.holders.count } }

    func holder(of token: String) -> TokenFile.Holder? {
        let now = ContinuousClock.now
        let look = lock.withLock { () -> Bool in
            guard now - lastLook >= .seconds(1) else { return false }
            lastLook = now
            return true
        }
        if look { reloadIfChanged() }
        if let known = find(token) { return known }
        // A token not known yet may have been added a moment ago (`docket token add`): one
        // `stat` (about a microsecond) tells, so it works at once rather than after a second.
        if !look, reloadIfChanged() { return find(token) }
        return nil
    }

    private func find(_ token: String) -> TokenFile.Holder? {
        if let known = lock.withLock({ matched[token] }) { return known }
        let (current, seen) = lock.withLock { (file, generation) }
        guard let holder = current.holder(of: token) else { return nil }
        lock.withLock {
            // Not if the file changed meanwhile: the token may have been revoked.
            if generation == seen, matched.count < current.holders.count { matched[token] = holder }
        }
        return holder
    }

    /// Reads the file again if it changed; whether it did.
    @discardableResult
    private func reloadIfChanged() -> Bool {
        let time = Self.changeTime(path)
        let stale = lock.withLock {
            time.inode != changed.inode || time.time.tv_sec != changed.time.tv_sec
                || time.time.tv_nsec != changed.time.tv_nsec
        }
        guard stale, let fresh = try? TokenFile(path: path) else { return false }
        lock.withLock {
            file = fresh
            changed = time
            matched = [:]
            generation += 1
        }
        return true
    }

    /// The file's inode and change time (a revoke replaces the file: a new inode).
    private static func changeTime(_ path: String) -> (inode: UInt64, time: timespec) {
        var info = stat()
        guard stat(path, &info) == 0 else { return (0, timespec()) }
        return (UInt64(info.st_ino), info.st_mtim)
    }
}
