#if canImport(Glibc)
import Glibc
#endif

/// An open POSIX file descriptor with positioned, bounds-honest I/O.
///
/// Positioned reads (`pread`) make one descriptor safe to share among reader threads; every
/// failure becomes an ``EventLogError`` naming the file and offset. Hand-written because the
/// log must control exactly which syscalls run (`pwrite`, `fdatasync`, `fsync`, `flock`) and
/// in what order; Foundation's `FileHandle` hides that.
final class FileHandle: @unchecked Sendable {
    // The descriptor never changes after init; POSIX positioned I/O on it is thread-safe.
    let descriptor: Int32
    /// The path relative to the store, used in errors.
    let name: String
    /// The full path, as opened.
    let path: String

    private init(descriptor: Int32, name: String, path: String) {
        self.descriptor = descriptor
        self.name = name
        self.path = path
    }

    deinit { close(descriptor) }

    static func open(
        _ path: String,
        name: String,
        flags: Int32,
        mode: mode_t = 0o600
    ) throws(EventLogError) -> FileHandle {
        let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
        guard fd >= 0 else {
            let e = errno
            let code: EventLogError.Code = e == ENOENT ? .storeNotFound : .io
            throw EventLogError(code, "cannot open \(name): \(String(cString: strerror(e)))", file: name, errno: e)
        }
        return FileHandle(descriptor: fd, name: name, path: path)
    }

    func size() throws(EventLogError) -> UInt64 {
        var st = stat()
        guard fstat(descriptor, &st) == 0 else { throw ioError("stat") }
        return UInt64(st.st_size)
    }

    /// Reads up to `buffer.count` bytes at `offset`; fewer only at end of file.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(EventLogError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw ioError("read", offset: offset)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Reads exactly `count` bytes at `offset`, or fewer if the file ends first.
    func read(count: Int, at offset: UInt64) throws(EventLogError) -> [UInt8] {
        var failure: EventLogError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(EventLogError) {
                initialized = try read(into: UnsafeMutableRawBufferPointer(buffer), at: offset)
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) throws(EventLogError) {
        var done = 0
        var limit = bytes.count
        var injected: Int32?
        switch FaultInjection.take(.write, path: path) {
        case .ioError?: throw injectedError("write", EIO, offset: offset)
        case .diskFull?: throw injectedError("write", ENOSPC, offset: offset)
        case .shortWrite?:
            limit = bytes.count / 2
            injected = ENOSPC
        case .held?, .heldThenIOError?, nil: break  // syncs only
        }
        while done < limit {
            let n = pwrite(descriptor, bytes.baseAddress! + done, limit - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw ioError("write", offset: offset + UInt64(done))
            }
            done += n
        }
        if let injected { throw injectedError("write", injected, offset: offset + UInt64(done)) }
    }

    func write(_ bytes: [UInt8], at offset: UInt64) throws(EventLogError) {
        var failure: EventLogError?
        bytes.withUnsafeBytes { buffer in
            do throws(EventLogError) { try write(buffer, at: offset) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Makes written data durable (`fdatasync`). A failure must be treated as fatal by the caller.
    func syncData() throws(EventLogError) {
        switch FaultInjection.take(.sync, path: path) {
        case .held?: FaultInjection.hold(path: path)
        case .heldThenIOError?:
            FaultInjection.hold(path: path)
            throw injectedError("fdatasync", EIO)
        case .diskFull?: throw injectedError("fdatasync", ENOSPC)
        case .ioError?, .shortWrite?: throw injectedError("fdatasync", EIO)
        case nil: break
        }
        guard fdatasync(descriptor) == 0 else { throw ioError("fdatasync") }
    }

    /// Makes data and metadata durable (`fsync`).
    func syncAll() throws(EventLogError) {
        guard fsync(descriptor) == 0 else { throw ioError("fsync") }
    }

    func truncate(to length: UInt64) throws(EventLogError) {
        guard ftruncate(descriptor, off_t(length)) == 0 else { throw ioError("truncate", offset: length) }
    }

    private func injectedError(_ operation: String, _ code: Int32, offset: UInt64? = nil) -> EventLogError {
        EventLogError(
            .io,
            "\(operation) of \(name) failed: \(String(cString: strerror(code))) (injected)",
            file: name,
            offset: offset,
            errno: code
        )
    }

    private func ioError(_ operation: String, offset: UInt64? = nil) -> EventLogError {
        let e = errno
        return EventLogError(
            .io,
            "\(operation) of \(name) failed: \(String(cString: strerror(e)))",
            file: name,
            offset: offset,
            errno: e
        )
    }
}
