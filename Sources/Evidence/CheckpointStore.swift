import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A store's signing key and its signed checkpoints, beside the log:
///
/// ```
/// <store>/keys/checkpoint.key                    the Ed25519 signing key (owner-only)
/// <store>/checkpoints/00000000000000012345.note  one signed checkpoint per tree size
/// ```
///
/// The key may live elsewhere (`--key FILE`); it never enters the log, exports or bundles.
/// Checkpoints are written durably (temporary file, fsync, rename, fsync of the folder) and
/// never changed.
public struct CheckpointStore: Sendable {
    public let root: String

    public init(storeRoot: String) { root = storeRoot }

    public var defaultKeyPath: String { root + "/keys/checkpoint.key" }
    var directory: String { root + "/checkpoints" }

    // MARK: The key

    /// Makes a new signing key named `name` at `path` (default: the store's), owner-only.
    /// - Throws: `io` when a key is already there (a key is never replaced silently).
    public func createKey(name: String, at path: String? = nil) throws(EvidenceError) -> NoteSigner {
        let file = path ?? defaultKeyPath
        let signer = try NoteSigner(name: name)
        try Self.writeNew(Array((signer.text + "\n").utf8), to: file)
        return signer
    }

    /// The signing key at `path` (default: the store's).
    public func signer(at path: String? = nil) throws(EvidenceError) -> NoteSigner {
        let file = path ?? defaultKeyPath
        guard let data = FileManager.default.contents(atPath: file) else {
            throw EvidenceError(.notFound, "no signing key at \(file); make one with `docket key create`")
        }
        return try NoteSigner(String(decoding: data, as: UTF8.self))
    }

    /// Publishes the key's public half beside the checkpoints (`checkpoints/key.pub`, one key a
    /// line: a key that was replaced stays, so older checkpoints still verify).
    public func saveVerifier(_ verifier: NoteVerifier) throws(EvidenceError) {
        let path = directory + "/key.pub"
        let known = (try? verifiers()) ?? []
        guard !known.contains(verifier) else { return }
        let lines = (known + [verifier]).map(\.description).joined(separator: "\n") + "\n"
        try Self.writeDurably(Array(lines.utf8), to: path)
    }

    /// Every key that has signed this store's checkpoints, oldest first.
    public func verifiers() throws(EvidenceError) -> [NoteVerifier] {
        guard let data = FileManager.default.contents(atPath: directory + "/key.pub") else {
            throw EvidenceError(
                .notFound,
                "no checkpoint key is published yet: make a checkpoint with `docket checkpoint`"
            )
        }
        var out: [NoteVerifier] = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n")
        where !line.trimmingWhitespace().isEmpty {
            out.append(try NoteVerifier(String(line)))
        }
        return out
    }

    /// The key that signs this store's checkpoints now (the latest published).
    public func verifier() throws(EvidenceError) -> NoteVerifier {
        guard let last = try verifiers().last else {
            throw EvidenceError(.notFound, "no checkpoint key is published yet")
        }
        return last
    }

    /// The published key that signed `note`.
    public func verifier(of note: SignedNote) throws(EvidenceError) -> NoteVerifier {
        for key in try verifiers().reversed() where note.isSigned(by: key) { return key }
        throw EvidenceError(.notFound, "none of the published keys signed this checkpoint")
    }

    // MARK: Checkpoints

    static func fileName(_ size: UInt64) -> String {
        let digits = String(size)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".note"
    }

    /// Stores a signed checkpoint of `size` events (a second one of the same size is kept only
    /// if it is the same note).
    public func save(_ note: SignedNote, size: UInt64) throws(EvidenceError) {
        let path = directory + "/" + Self.fileName(size)
        if let existing = FileManager.default.contents(atPath: path) {
            guard String(decoding: existing, as: UTF8.self) == note.full else {
                throw EvidenceError(.io, "a different checkpoint of \(size) events is already stored")
            }
            return
        }
        try Self.writeDurably(Array(note.full.utf8), to: path)
    }

    /// The tree sizes of the stored checkpoints, smallest first.
    public func sizes() -> [UInt64] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { $0.hasSuffix(".note") ? UInt64($0.dropLast(5)) : nil }.sorted()
    }

    /// The stored checkpoint of `size` events.
    public func note(size: UInt64) throws(EvidenceError) -> SignedNote {
        guard let data = FileManager.default.contents(atPath: directory + "/" + Self.fileName(size)) else {
            throw EvidenceError(
                .notFound,
                "no checkpoint of \(size) events; `docket checkpoint list` shows those there are"
            )
        }
        return try SignedNote(String(decoding: data, as: UTF8.self))
    }

    /// The latest stored checkpoint, if any.
    public func latest() throws(EvidenceError) -> (size: UInt64, note: SignedNote)? {
        guard let size = sizes().last else { return nil }
        return (size, try note(size: size))
    }

    /// Creates `path` with `bytes`, refusing to replace or follow anything already there
    /// (`O_EXCL | O_NOFOLLOW`), then syncs it and its folder: how a key is written.
    static func writeNew(_ bytes: [UInt8], to path: String) throws(EvidenceError) {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            guard mkdir(folder, 0o700) == 0 || errno == EEXIST else {
                throw EvidenceError(.io, "cannot make \(folder): \(String(cString: strerror(errno)))")
            }
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST {
                throw EvidenceError(
                    .io,
                    "a key already exists at \(path); checkpoints it signed are verified with it (remove it first to replace it)"
                )
            }
            throw EvidenceError(.io, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw EvidenceError(.io, "cannot write \(path): \(String(cString: strerror(errno)))") }
            written += n
        }
        guard fsync(fd) == 0 else {
            throw EvidenceError(.io, "cannot sync \(path): \(String(cString: strerror(errno)))")
        }
        let dir = open(folder.isEmpty ? "." : folder, O_RDONLY | O_CLOEXEC)
        if dir >= 0 {
            fsync(dir)
            close(dir)
        }
    }

    /// temp → fsync → rename → fsync folder; the folder made owner-only when new.
    static func writeDurably(_ bytes: [UInt8], to path: String) throws(EvidenceError) {
        let folder = (path as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: folder) {
            guard mkdir(folder, 0o700) == 0 || errno == EEXIST else {
                throw EvidenceError(.io, "cannot make \(folder): \(String(cString: strerror(errno)))")
            }
        }
        let temp = path + ".tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw EvidenceError(.io, "cannot write \(temp): \(String(cString: strerror(errno)))") }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else {
                close(fd)
                throw EvidenceError(.io, "cannot write \(temp): \(String(cString: strerror(errno)))")
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            close(fd)
            throw EvidenceError(.io, "cannot sync \(temp): \(String(cString: strerror(errno)))")
        }
        close(fd)
        guard rename(temp, path) == 0 else {
            throw EvidenceError(.io, "cannot rename \(temp): \(String(cString: strerror(errno)))")
        }
        let dir = open(folder, O_RDONLY | O_CLOEXEC)
        if dir >= 0 {
            fsync(dir)
            close(dir)
        }
    }
}
