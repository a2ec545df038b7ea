import Foundation

/// Read-only connections to one model file (one inode: a rebuild's new file gets a new
/// reader), kept open and lent to one caller at a time. A caller finding none idle opens
/// another rather than waiting, so a burst never queues behind a lock; at most
/// ``keptIdle`` are kept afterwards.
final class ModelReader: @unchecked Sendable {
    let path: String
    let inode: UInt64
    private let lock = NSLock()
    private var idle: [ReadConnection] = []
    static let keptIdle = 16
    /// The file's schema version (`PRAGMA user_version`), read once: only a rebuild changes it,
    /// and a rebuild is a new file (a new inode, a new reader). Reading it in every view's query
    /// cost a tenth of a case read.
    private var schemaVersion: Int64?

    /// The file's schema version, read on first use.
    func fileSchemaVersion() throws(ProjectionError) -> Int64 {
        if let known = lock.withLock({ schemaVersion }) { return known }
        var version: Int64 = 0
        try read { connection throws(ProjectionError) in
            try connection.rows("PRAGMA user_version", []) { version = $0.int(0) ?? 0 }
        }
        lock.withLock { schemaVersion = version }
        return version
    }

    init(path: String, inode: UInt64) {
        self.path = path
        self.inode = inode
    }

    /// Runs `body` with a connection of its own.
    func read<T>(_ body: (ReadConnection) throws(ProjectionError) -> T) throws(ProjectionError) -> T {
        let connection: ReadConnection
        if let kept = lock.withLock({ idle.popLast() }) {
            connection = kept
        } else {
            connection = try ReadConnection(path: path)
        }
        defer { lock.withLock { if idle.count < Self.keptIdle { idle.append(connection) } } }
        return try body(connection)
    }
}

/// The readers of the live models, by name, each for the inode it was opened on.
final class ModelReaders: @unchecked Sendable {
    private let lock = NSLock()
    private var readers: [String: ModelReader] = [:]

    /// Drops the reader of `name` (its file is being deleted).
    func forget(_ name: String) { lock.withLock { readers[name] = nil } }

    /// The reader of `path` (model `name`) as the file stands now; nil when there is no file.
    func reader(_ name: String, path: String) -> ModelReader? {
        guard let inode = Projector.inode(path) else { return nil }
        return lock.withLock {
            if let known = readers[name], known.inode == inode { return known }
            let reader = ModelReader(path: path, inode: inode)
            readers[name] = reader
            return reader
        }
    }
}
