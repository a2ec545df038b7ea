#if canImport(Glibc)
import Glibc
#endif

/// The one-writer-per-store lock: an exclusive `flock` on `<store>/LOCK`, which records the pid.
///
/// The kernel drops the lock when the process dies, so a crashed writer never leaves a stale
/// lock behind; the pid in the file is only for the error message.
final class StoreLock: @unchecked Sendable {
    private let file: FileHandle

    private init(file: FileHandle) { self.file = file }

    /// Takes the lock or throws ``EventLogError/Code/storeLocked`` naming the holder's pid and
    /// what it said it is (`holder`, written on the lock file's second line).
    static func acquire(_ layout: StoreLayout, holder: String = "") throws(EventLogError) -> StoreLock {
        let file = try FileHandle.open(layout.lockPath, name: "LOCK", flags: O_RDWR | O_CREAT)
        if flock(file.descriptor, LOCK_EX | LOCK_NB) != 0 {
            let text = (try? file.read(count: 256, at: 0)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let lines = text.split(separator: "\n").map(String.init)
            let pid = lines.first ?? "unknown"
            let what = lines.count > 1 && !lines[1].isEmpty ? " (\(lines[1]))" : ""
            throw EventLogError(
                .storeLocked,
                "the store at \(layout.root) is open for writing by process \(pid)\(what); stop it or open read-only",
                file: "LOCK"
            )
        }
        try file.truncate(to: 0)
        let line = holder.filter { $0 != "\n" }.prefix(200)
        try file.write(Array("\(getpid())\n\(line)\n".utf8), at: 0)
        return StoreLock(file: file)
    }

    /// Releases the lock (also released when the process exits).
    func release() { flock(file.descriptor, LOCK_UN) }

    deinit { release() }
}
