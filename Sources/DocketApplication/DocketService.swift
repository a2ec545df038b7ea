import Certification
import CertificationWire
import Chronology
import DocketStore
import EventLog
import Foundation
import Projections

/// The application layer: one place that answers every read users make and passes every
/// command to the store. The `docket` command line, the HTTP server and the console are thin
/// adapters over it: they parse, call one method, and render what it returns.
///
/// It decides, once, where each answer comes from: a read model when one holds the whole log
/// and the reader may see what the model holds (models keep identity numbers masked), the log
/// otherwise; a build of a model at a past moment for reports and searches of the past, made on
/// first use. It applies the one masking rule (``Disclosure``) and the two times of a store
/// (``TimeCut``), and it turns every lower layer's failure into a ``DocketError``.
public final class DocketService: Sendable {
    public let store: DocketStore
    public let projector: Projector
    /// The time now (a test's clock, or the machine's).
    public let clock: @Sendable () -> Timestamp
    /// Guards ``snapshotLocks``.
    let snapshots = NSLock()
    /// A lock per build of a past model (two readers asking for the same one build it once).
    nonisolated(unsafe) var snapshotLocks: [String: NSLock] = [:]
    /// The store's erasure count when its builds of past moments were last swept (guarded by
    /// ``snapshots``; `nil` before the first).
    nonisolated(unsafe) var snapshotErasureCount: UInt64?
    /// Whether something else keeps the read models current (a server's follower); if not, a
    /// read that needs a model brings it up to the log first.
    public let modelsFollowLog: Bool

    public init(
        store: DocketStore,
        projector: Projector,
        modelsFollowLog: Bool = false,
        clock: @escaping @Sendable () -> Timestamp = { .now() }
    ) {
        self.store = store
        self.projector = projector
        self.modelsFollowLog = modelsFollowLog
        self.clock = clock
        // Builds of past moments hold personal data as it was: an erasure deletes them all
        // (they are rebuilt on demand, from the log, where the erased data no longer opens).
        store.onErasure { [weak self] _ in self?.forgetSnapshots(keepingCount: nil) }
    }

    /// Deletes the builds of past moments not made under erasure count `count` (all of them
    /// for `nil`): one made before an erasure completed may hold what it erased.
    func forgetSnapshots(keepingCount count: UInt64?) {
        let directory = projector.directory
        let stamp = count.map { ".e\($0).sqlite" }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { ($0.contains(".known-") || $0.contains(".asof-")) && $0.hasSuffix(".sqlite") }
            .filter { name in stamp.map { !name.hasSuffix($0) } ?? true }
            .map { directory + "/" + $0 }
        for file in files {
            projector.forgetReader(path: file)
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
        }
    }

    /// Brings read models `names` up to the log, unless a follower does that already.
    func prepareModels(_ names: [String]) throws(DocketError) {
        guard !modelsFollowLog else { return }
        do throws(ProjectionError) { try projector.catchUp(names) } catch { throw DocketError.from(error) }
    }

    /// Opens the store at `path` and its read models (read-only: the log as it stands, for
    /// reads; a writer takes the store's lock and can submit commands).
    public static func open(
        at path: String,
        readOnly: Bool,
        options: DocketStore.Options = DocketStore.Options()
    ) throws(DocketError) -> DocketService {
        do throws(DocketStoreError) {
            let store = try DocketStore.open(at: path, readOnly: readOnly, options: options)
            return DocketService(
                store: store,
                projector: Projector(storeRoot: path, log: store.log, keys: store.personalKeys)
            )
        } catch {
            throw DocketError.from(error)
        }
    }

    /// Waits for pending appends and releases the store.
    public func close() throws(DocketError) {
        do throws(DocketStoreError) { try store.close() } catch { throw DocketError.from(error) }
    }

    /// The log's last position: what every answer reflects.
    public var logPosition: UInt64 { store.log.lastPosition }

    /// Today in Asia/Shanghai, or the day of `cut`'s moment.
    public func today(for cut: TimeCut = .now) -> LocalDate {
        cut.moment(now: clock()).localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset)
    }

    // MARK: The log's first event

    /// The log's first event, if it has one.
    func firstEvent() throws(DocketError) -> RecordedEvent? {
        var cursor = store.log.events(from: 1)
        do throws(EventLogError) { return try cursor.next() } catch { throw DocketError.from(error) }
    }

    /// Refuses a cut before the log's first event: there is nothing to show then, and an empty
    /// answer would look like a real one.
    /// - Throws: `before-log`, naming the first event's time.
    func requireInsideLog(_ cut: TimeCut, field: String) throws(DocketError) {
        guard cut != .now else { return }
        guard let first = try firstEvent() else {
            throw DocketError(
                .beforeLog,
                "the store holds no events yet; there is nothing to show \(cut.phrase)",
                field: field
            )
        }
        switch cut {
        case .now: return
        case .asOf(let t) where t < first.occurredAt:
            throw DocketError(
                .beforeLog,
                "\(t) is before the log's first event, which happened at \(first.occurredAt) (business time); ask for a later moment",
                field: field
            )
        case .knownAt(let t) where t < first.recordedAt:
            throw DocketError(
                .beforeLog,
                "\(t) is before the log's first event, which was recorded at \(first.recordedAt); ask for a later moment",
                field: field
            )
        default: return
        }
    }

    // MARK: Read models at a past moment

    /// The file of read model `name` as `cut` sees the log, built on first use: the log through
    /// the last position recorded by a `knownAt` moment, or every event whose business time is
    /// by an `asOf` moment. `nil` for `.now` (the live model answers).
    public func snapshot(_ name: String, cut: TimeCut) throws(DocketError) -> String? {
        let field = cut.field
        guard cut != .now else { return nil }
        try requireInsideLog(cut, field: field)
        let file: String
        let position: UInt64
        // Builds are named by the store's erasure count: one made before an erasure completed
        // may hold what it erased, and is deleted rather than used.
        let erasures = store.erasureCount
        // Listed again only when the count moved since this service last looked (another
        // process's erasure, or one completed on open): not on every read of a past moment.
        if snapshots.withLock({ () -> Bool in
            defer { snapshotErasureCount = erasures }
            return snapshotErasureCount != erasures
        }) {
            forgetSnapshots(keepingCount: erasures)
        }
        var include: (@Sendable (RecordedEvent) -> Bool)?
        switch cut {
        case .now:
            return nil
        case .knownAt(let t):
            do throws(ProjectionError) { position = try projector.position(asOf: t) } catch {
                throw DocketError.from(error)
            }
            file = projector.directory + "/\(name).known-\(position).e\(erasures).sqlite"
        case .asOf(let t):
            // The log as it is now: a log that grew gets a file of its own (a file once built
            // never changes, so readers of it are never disturbed).
            position = store.log.lastPosition
            include = { $0.occurredAt <= t }
            file = projector.directory + "/\(name).asof-\(Self.fileStamp(t))-p\(position).e\(erasures).sqlite"
        }
        // One build per file at a time; builds of other files, and the live models' catch-up,
        // go on meanwhile (a build has a projector of its own).
        let lock = snapshots.withLock { () -> NSLock in
            if let known = snapshotLocks[file] { return known }
            let made = NSLock()
            snapshotLocks[file] = made
            return made
        }
        lock.lock()
        defer { lock.unlock() }
        if FileManager.default.fileExists(atPath: file) {
            Self.touch(file)
            return file
        }
        do throws(ProjectionError) {
            let builder = Projector(storeRoot: store.root, log: store.log, keys: store.personalKeys)
            try builder.build(name, through: position, at: file, include: include)
        } catch {
            throw DocketError.from(error)
        }
        forgetOldSnapshots(keeping: file)
        return file
    }

    /// At most this many builds of past moments are kept (each is a whole read model).
    public static let keptSnapshots = 24

    /// Deletes the least recently used builds beyond ``keptSnapshots`` (and forgets their
    /// readers), never `keeping`.
    func forgetOldSnapshots(keeping: String) {
        let directory = projector.directory
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { ($0.contains(".known-") || $0.contains(".asof-")) && $0.hasSuffix(".sqlite") }
            .map { directory + "/" + $0 }
            .filter { $0 != keeping }
        guard files.count >= Self.keptSnapshots else { return }
        let dated = files.map { (file: $0, used: Self.modified($0)) }.sorted { $0.used < $1.used }
        for old in dated.prefix(files.count - Self.keptSnapshots + 1) {
            projector.forgetReader(path: old.file)
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: old.file + suffix) }
            snapshots.withLock { snapshotLocks[old.file] = nil }
        }
    }

    static func touch(_ file: String) { utime(file, nil) }

    static func modified(_ file: String) -> Int64 {
        var info = stat()
        guard stat(file, &info) == 0 else { return 0 }
        return Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    }

    /// `20240501T000000Z`, or with microseconds when it has them.
    static func fileStamp(_ t: Timestamp) -> String {
        let utc = Timestamp(microseconds: t.microseconds, utcOffsetSeconds: 0).description
        return utc.filter { $0 != "-" && $0 != ":" }.replacingOccurrences(of: ".", with: "_")
    }
}

extension TimeCut {
    var isKnownAt: Bool {
        if case .knownAt = self { return true }
        return false
    }

    /// The parameter a cut came from, for errors: `asOf` or `knownAt`.
    var field: String { isKnownAt ? "knownAt" : "asOf" }
}
