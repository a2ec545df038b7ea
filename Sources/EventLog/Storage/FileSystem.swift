#if canImport(Glibc)
import Glibc
#endif

/// Directory and whole-file operations with the durability steps crash consistency needs:
/// a new or renamed file is durable only once its directory is synced too.
enum FileSystem {
    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func createDirectory(_ path: String) throws(EventLogError) {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            let e = errno
            throw EventLogError(
                .io,
                "cannot create directory \(path): \(String(cString: strerror(e)))",
                file: path,
                errno: e
            )
        }
    }

    /// Names in a directory, sorted, without `.` and `..`.
    static func list(_ path: String) throws(EventLogError) -> [String] {
        guard let dir = opendir(path) else {
            let e = errno
            throw EventLogError(
                e == ENOENT ? .storeNotFound : .io,
                "cannot list \(path): \(String(cString: strerror(e)))",
                file: path,
                errno: e
            )
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// `fsync` on a directory, making creations and renames in it durable.
    static func syncDirectory(_ path: String) throws(EventLogError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            throw EventLogError(.io, "cannot open directory \(path) to sync it", file: path, errno: e)
        }
        defer { close(fd) }
        guard fsync(fd) == 0 else {
            let e = errno
            throw EventLogError(
                .io,
                "fsync of directory \(path) failed: \(String(cString: strerror(e)))",
                file: path,
                errno: e
            )
        }
    }

    /// Replaces `path` with `bytes` atomically and durably: temp file → fsync → rename → fsync dir.
    static func writeAtomically(_ bytes: [UInt8], to path: String, name: String) throws(EventLogError) {
        try writeAtomically(sections: [bytes], to: path, name: name)
    }

    /// Replaces `path` with `sections` written one after another, atomically and durably.
    static func writeAtomically(sections: [[UInt8]], to path: String, name: String) throws(EventLogError) {
        let temp = path + ".tmp"
        let file = try FileHandle.open(temp, name: name + ".tmp", flags: O_WRONLY | O_CREAT | O_TRUNC)
        var offset: UInt64 = 0
        for section in sections where !section.isEmpty {
            try file.write(section, at: offset)
            offset += UInt64(section.count)
        }
        try file.syncAll()
        guard rename(temp, path) == 0 else {
            let e = errno
            throw EventLogError(.io, "rename of \(name) failed: \(String(cString: strerror(e)))", file: name, errno: e)
        }
        try syncDirectory(directoryOf(path))
    }

    static func remove(_ path: String) { unlink(path) }

    static func directoryOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
