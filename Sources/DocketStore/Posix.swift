#if canImport(Glibc)
import Glibc
#endif

/// The few whole-file operations the store needs beyond the log, with errors that name the file.
/// Written over the C library because Foundation's file APIs give no control over syncing.
enum Posix {
    static func error(_ what: String, path: String) -> DocketStoreError {
        DocketStoreError(.io, "\(what): \(path): \(String(cString: strerror(errno)))")
    }

    static func makeDirectory(_ path: String) throws(DocketStoreError) {
        if mkdir(path, 0o700) != 0 && errno != EEXIST { throw error("cannot create directory", path: path) }
    }

    /// Syncs a directory, so that the names just created in it survive a crash.
    static func syncDirectory(_ path: String) throws(DocketStoreError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw error("cannot open the directory", path: path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw error("cannot sync the directory", path: path) }
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) throws(DocketStoreError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw error("cannot create", path: path) }
        defer { close(fd) }
        try writeAll(fd, bytes, path: path)
    }

    /// Writes all of `bytes` to `fd`: at `offset` (`pwrite`), or where the file's offset is
    /// (an `O_APPEND` file's end); retried on `EINTR` and short writes.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], at offset: Int? = nil, path: String) throws(DocketStoreError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in
                offset.map { pwrite(fd, buffer.baseAddress! + done, buffer.count - done, off_t($0 + done)) }
                    ?? write(fd, buffer.baseAddress! + done, buffer.count - done)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw error("cannot write", path: path)
            }
            done += n
        }
    }

    /// Replaces the file at `path` with `bytes` so that a crash leaves the old file or the new
    /// one, whole: a temporary file written and synced, renamed over it, and its directory
    /// synced. The temporary file is removed on failure. Owner-only.
    static func replaceDurably(_ path: String, with bytes: [UInt8]) throws(DocketStoreError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw error("cannot create", path: temporary) }
        do throws(DocketStoreError) {
            try writeAll(fd, bytes, path: temporary)
            guard fsync(fd) == 0 else { throw error("cannot sync", path: temporary) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let failure = error("cannot rename into place", path: path)
            unlink(temporary)
            throw failure
        }
        let slash = path.lastIndex(of: "/")
        try syncDirectory(slash.map { String(path[..<$0]) } ?? ".")
    }

    static func readFile(_ path: String) throws(DocketStoreError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw error("cannot open", path: path) }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw error("cannot read", path: path)
            }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }
}
