#if canImport(Glibc)
import Glibc
#endif

/// `fsync` of a file or a directory: a swapped-in projection must be on disk before the rename
/// that publishes it, and the rename must be on disk before it is relied on.
enum Durable {
    static func sync(path: String, directory: Bool = false) throws(ProjectionError) {
        let fd = open(path, (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC)
        guard fd >= 0 else { throw ProjectionError(.io, "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else {
            throw ProjectionError(.io, "cannot sync \(path): \(String(cString: strerror(errno)))")
        }
    }
}
