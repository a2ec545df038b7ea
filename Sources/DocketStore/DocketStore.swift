import Certification
import CertificationWire
import Chronology
import EventLog
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// A Docket store: the event log (the only source of truth), the photos it names, and the write
/// side that turns commands into events. The CLI and the server compose this.
///
/// ```
/// <store>/log/      the event log (see docs/LOG_FORMAT.md)
/// <store>/photos/   candidates' photos by SHA-256
/// <store>/keys/personal-data.keys   per-case keys of sealed personal data (PersonalKeyring)
/// <store>/keys/cross-case-index.*   the write side's index saved at close (CrossCaseIndexSnapshot)
/// ```
public final class DocketStore: @unchecked Sendable {
    /// How to open a store.
    public struct Options: Sendable {
        /// `sync` (the default): an acknowledged command survives power loss. `noSync` for bulk
        /// loads that end with ``flush()``.
        public var durability: EventLog.Durability = .sync
        /// Case states kept in memory by the write side; beyond this, cases are read back from
        /// the log (memory stays flat however many cases the store holds).
        public var caseCacheCapacity = 65_536
        /// Events the log keeps in its in-memory index before writing the index file (bounds
        /// the writer's memory; the log's own default is 1,000,000).
        public var indexCheckpointEvents = 200_000
        /// Closing rewrites the log's index file only when at least this many events are not
        /// in it yet (``EventLog/Options/closeCheckpointEvents``): a `docket submit` of a few
        /// commands no longer rewrites a file that grows with the log.
        public var closeCheckpointEvents = 65_536
        public var logger = Logger(label: "docket.store")
        /// Called after each group commit of the log (for metrics).
        public var onGroupCommitted: (@Sendable (GroupCommit) -> Void)?
        /// How far ahead of this machine's clock a command's `at` may be (SPEC §5); `nil`
        /// checks nothing (the store's own tests of old histories).
        public var clockSkewLimit: ClockSkewLimit? = .standard
        /// Who holds the store for writing, for another writer's error (`docket serve`).
        public var lockHolder = ""
        /// The write side saves its cross-case index at close (``CrossCaseIndexSnapshot``) once
        /// the log has grown by this many events since the snapshot it opened from: the next
        /// opening then reads the snapshot and the log after it, not the whole log. Below it,
        /// the log after the snapshot is short enough to scan.
        public var indexSnapshotEvents: UInt64 = 10_000

        public init() {}
    }

    public let root: String
    public let log: EventLog
    public let photos: PhotoStore
    /// The per-case keys personal data is sealed under, or `nil` for a store made before
    /// sealing (its events hold personal data in clear).
    public let keyring: PersonalKeyring?
    /// Who read whose personal data, and why (opened on first use: read-only openers record
    /// their reads too).
    public var accessLog: AccessLog {
        get throws(DocketStoreError) {
            try erasureLock.withLock { () throws(DocketStoreError) -> AccessLog in
                if let openedAccessLog { return openedAccessLog }
                let made = try AccessLog.open(storeRoot: root)
                openedAccessLog = made
                return made
            }
        }
    }
    private var openedAccessLog: AccessLog?
    private let options: Options
    /// Serialises decisions and the queueing of their appends (positions are predicted from it).
    private let decisionLock = Lock()
    private var processor: CommandProcessor?
    /// The log position of the snapshot the write side opened from (0: it scanned the log).
    private var snapshotPosition: UInt64 = 0
    /// The person tokens' key (``PersonTokenizer``), or `nil` when the store cannot keep one
    /// (opened read-only without it): the write side then tokenizes under a key kept nowhere
    /// and neither reads nor writes snapshots.
    private var persons: PersonTokenizer?
    private let readOnly: Bool
    private let inflight = InflightCommands()
    private let erasureLock = Lock()
    private var erasureHandlers: [@Sendable (String) -> Void] = []

    /// Calls `handler` with the case id after each erasure of this store completes (its keys
    /// destroyed): whoever keeps copies of personal data beside the log (builds of past read
    /// models) deletes them then.
    public func onErasure(_ handler: @escaping @Sendable (String) -> Void) {
        erasureLock.withLock { erasureHandlers.append(handler) }
    }

    /// `<store>/keys/erasures`: `COUNT POSITION`, how many erasures have been completed and the
    /// log position of the latest. Raised after an erasure's keys are destroyed; a copy of
    /// personal data made under another count (a build of a past moment) may hold erased data
    /// and is not used. On open, an erasure in the log past the recorded position (a crash
    /// before the counter was raised) raises it.
    var erasureCounter: String { root + "/keys/erasures" }

    /// The erasure counter: (count, position of the latest completed erasure); (0, 0) before any.
    var erasureState: (count: UInt64, position: UInt64) {
        guard let bytes = try? Posix.readFile(erasureCounter) else { return (0, 0) }
        let parts = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        return (parts.first.flatMap { UInt64($0) } ?? 0, parts.dropFirst().first.flatMap { UInt64($0) } ?? 0)
    }

    /// How many erasures have been completed (0 before the first).
    public var erasureCount: UInt64 { erasureState.count }

    /// Raises the erasure counter (written whole: a temporary file renamed over it, synced)
    /// and tells the handlers.
    private func erasureReached(_ caseID: String, position: UInt64) throws(DocketStoreError) {
        let (count, latest) = erasureState
        try Posix.replaceDurably(erasureCounter, with: Array("\(count + 1) \(max(latest, position))\n".utf8))
        for handler in erasureLock.withLock({ erasureHandlers }) { handler(caseID) }
    }

    /// The marker of a store made sealing personal data (`<store>/keys/sealed`): without its
    /// keyring such a store is not opened for writing (new data would go in clear).
    static func sealedMarker(_ root: String) -> String { root + "/keys/sealed" }

    private init(
        root: String,
        log: EventLog,
        photos: PhotoStore,
        keyring: PersonalKeyring?,
        readOnly: Bool,
        options: Options
    ) {
        self.root = root
        self.readOnly = readOnly
        self.log = log
        self.options = options
        self.photos = photos
        self.keyring = keyring
    }

    /// The keys personal data opens under (``keyring``), for readers of this store's events.
    public var personalKeys: (any PersonalDataKeys)? { keyring }

    /// Creates an empty store at `path`.
    public static func create(at path: String) throws(DocketStoreError) {
        do throws(EventLogError) {
            try EventLog.create(at: path)
        } catch {
            throw DocketStoreError(error.code == .invalidAppend ? .invalidRequest : .io, error.message)
        }
        try Posix.makeDirectory(path + "/photos")
        try PersonalKeyring.create(storeRoot: path)
        try Posix.writeFile(sealedMarker(path), Array("personal data sealed per case (docs/PRIVACY.md)\n".utf8))
        try Posix.syncDirectory(path + "/keys")
    }

    /// `true` if a store exists at `path`.
    public static func exists(at path: String) -> Bool { EventLog.exists(at: path) }

    /// Opens the store. A writer takes the store's lock and recovers from a crash; a reader sees
    /// the log as it stood when opened.
    public static func open(
        at path: String,
        readOnly: Bool = false,
        options: Options = Options()
    ) throws(DocketStoreError) -> DocketStore {
        guard exists(at: path) else {
            throw DocketStoreError(.storeNotFound, "no store at \(path) (create one with `docket init`)")
        }
        var logOptions = EventLog.Options()
        logOptions.durability = options.durability
        logOptions.logger = options.logger
        logOptions.indexCheckpointEvents = options.indexCheckpointEvents
        logOptions.closeCheckpointEvents = options.closeCheckpointEvents
        logOptions.onGroupCommitted = options.onGroupCommitted
        logOptions.lockHolder = options.lockHolder
        // Photos staged by a group's applications are written and made durable before the
        // group is written: on the writer thread, one `syncfs` per group commit, not file I/O
        // under the decision lock (which held every other submitter while it ran).
        let photos = PhotoStore(storeRoot: path)
        let keyring = try PersonalKeyring.open(storeRoot: path, readOnly: readOnly)
        if keyring == nil, access(sealedMarker(path), F_OK) == 0 {
            throw DocketStoreError(
                .damaged,
                "the store seals personal data but its keyring \(PersonalKeyring.path(storeRoot: path)) is missing: restore it from a backup of the store"
            )
        }
        // The keys sealing a group's events are made durable before the group is written, as
        // its photos are: no event on disk is sealed under a key a crash could lose.
        logOptions.beforeGroupWrite = { () throws(EventLogError) in
            do throws(DocketStoreError) {
                try keyring?.writeStaged()
                try photos.writeStaged()
            } catch {
                throw EventLogError(.io, error.message, file: "photos")
            }
        }
        let log: EventLog
        do throws(EventLogError) {
            log = try EventLog.open(at: path, readOnly: readOnly, options: logOptions)
        } catch {
            throw DocketStoreError.from(error)
        }
        // Holding the log's lock now: the one writer repairs the keyring's tail.
        if !readOnly { try keyring?.repairTail() }
        return DocketStore(root: path, log: log, photos: photos, keyring: keyring, readOnly: readOnly, options: options)
    }

    /// The write side, built on first use: batches and the cross-case index from the snapshot
    /// saved at the last clean close and the log after it, or from a scan of the whole log
    /// (``CrossCaseIndexSnapshot``). Call with `decisionLock` held.
    private func writeSide() throws(DocketStoreError) -> CommandProcessor {
        if let processor { return processor }
        // Without the key (it cannot be read or made: a full disk, a directory the service may
        // not write), the write side works as before, from the whole log, saving no snapshot.
        do throws(DocketStoreError) {
            persons = try PersonTokenizer.load(storeRoot: root, create: !readOnly)
        } catch {
            options.logger.warning(
                "no key for the cross-case index snapshot; the whole log is read on every opening",
                metadata: ["error": "\(error.message)"]
            )
        }
        let snapshot = readSnapshot()
        let (core, unused) = try DecisionCore.load(
            from: log,
            cacheCapacity: options.caseCacheCapacity,
            keys: keyring,
            persons: persons ?? .ephemeral(),
            snapshot: snapshot
        )
        if let unused {
            options.logger.notice(
                "the cross-case index snapshot was not used; the whole log was read",
                metadata: ["reason": "\(unused)"]
            )
        }
        snapshotPosition = unused == nil ? snapshot?.digest.position ?? 0 : 0
        try completeErasures(core)
        inflight.durable(through: log.lastPosition)
        let inflight = self.inflight
        core.durableWatermark = { inflight.durablePosition }
        let made = CommandProcessor(core: core, log: log, photos: photos, inflight: inflight, keyring: keyring)
        processor = made
        return made
    }

    /// The snapshot of the cross-case index, when there is one this store can read and check.
    private func readSnapshot() -> CrossCaseIndexSnapshot? {
        let path = CrossCaseIndexSnapshot.path(storeRoot: root)
        var info = stat()
        guard let persons, stat(path, &info) == 0 else { return nil }
        // Far beyond any real index (about 180 bytes a case): not read into memory at all.
        guard info.st_size <= 4 << 30 else {
            options.logger.warning("the cross-case index snapshot is too large to be one; not used")
            return nil
        }
        let bytes: [UInt8]
        do throws(DocketStoreError) { bytes = try Posix.readFile(path) } catch {
            options.logger.warning("cannot read the cross-case index snapshot", metadata: ["error": "\(error.message)"])
            return nil
        }
        switch CrossCaseIndexSnapshot.decode(bytes, persons: persons) {
        case .success(let snapshot): return snapshot
        case .failure(let problem):
            options.logger.warning("the cross-case index snapshot is not used", metadata: ["reason": "\(problem)"])
            return nil
        }
    }

    /// Saves the write side's cross-case index for the next opening, when the store is healthy,
    /// every decided event is durable and answered (erasures completed), and the log has grown
    /// enough since the last snapshot. Never fails the close: without a snapshot the next
    /// opening reads the whole log, as it always could.
    private func saveSnapshot() {
        decisionLock.withLock {
            guard !readOnly, let processor, persons != nil, inflight.failure == nil else { return }
            // Every append answered (their completions run in order before the flush's).
            guard (try? log.flush()) != nil, inflight.failure == nil else { return }
            let last = log.lastPosition
            guard processor.core.nextPosition == last + 1, last >= snapshotPosition + options.indexSnapshotEvents,
                last > 0
            else { return }
            do throws(DocketStoreError) {
                let digest: LogDigest
                do throws(EventLogError) { digest = try log.indexedDigest(at: last) } catch {
                    throw DocketStoreError.from(error)
                }
                try processor.core.snapshot(at: digest).write(storeRoot: root)
                snapshotPosition = last
            } catch {
                options.logger.warning(
                    "cannot save the cross-case index snapshot; the next opening reads the whole log",
                    metadata: ["error": "\(error.message)"]
                )
            }
        }
    }

    /// Completes erasures recorded in the log whose keys a crash left (the event was durable,
    /// the keys not yet destroyed): deletes the photo, then destroys the keys.
    private func completeErasures(_ core: DecisionCore) throws(DocketStoreError) {
        defer { core.clearErasures() }
        guard let keyring else { return }
        // Keys destroyed, then a crash before the counter was raised: raise it now.
        if let latest = core.erasures.map(\.position).max(), latest > erasureState.position,
            !core.erasures.contains(where: {
                keyring.hasLiveKeys(caseID: $0.caseID, groups: $0.groups, before: $0.position)
            })
        {
            try erasureReached(core.erasures.last!.caseID, position: latest)
        }
        for erasure in core.erasures
        where keyring.hasLiveKeys(caseID: erasure.caseID, groups: erasure.groups, before: erasure.position) {
            // The application, read while its keys still open it: the scan indexed its person
            // and counted its photo, as if nothing were erased.
            let first: [RecordedEvent]
            do throws(EventLogError) {
                first = try log.read(stream: StreamName.forCase(erasure.caseID), from: 1, to: 1)
            } catch {
                throw DocketStoreError.from(error)
            }
            if let recorded = first.first,
                case .caseEvent(.applied(let applied)) = try StoredEvent.decode(recorded, keys: keyring)
            {
                // Forgotten as when the erasure was decided: no snapshot saved later holds them.
                if erasure.groups.contains(.identity) { core.forgetPerson(of: erasure.caseID, applied: applied) }
                if erasure.groups.contains(.details), !applied.photo.sha256.isEmpty {
                    if !core.photoIsShared(applied.photo.sha256) { try photos.delete(sha256: applied.photo.sha256) }
                    core.releasePhoto(applied.photo.sha256)
                }
            }
            let destroyed = try keyring.destroy(
                caseID: erasure.caseID,
                groups: erasure.groups,
                before: erasure.position
            )
            try erasureReached(erasure.caseID, position: erasure.position)
            options.logger.notice(
                "completed an interrupted erasure",
                metadata: ["case": "\(erasure.caseID)", "keysDestroyed": "\(destroyed)"]
            )
        }
    }

    /// Deletes the photo and destroys the keys of a durable erasure.
    private func complete(_ erasure: ErasureTask) throws(DocketStoreError) {
        if let sha = erasure.photoSHA256 { try photos.deleteIfMarked(sha256: sha) }
        try keyring?.destroy(caseID: erasure.caseID, groups: erasure.groups, before: erasure.position)
        // Copies begun before this point carry the old count and are never used again.
        try erasureReached(erasure.caseID, position: erasure.position)
    }

    /// How far ahead of the clock a submitted command's `at` may be (see ``Options``).
    public var clockSkewLimit: ClockSkewLimit? { options.clockSkewLimit }

    /// Why the store stopped accepting commands (its writer failed on I/O: a full disk, a
    /// failed sync), or `nil` while it accepts them. It stays stopped until reopened.
    public var writeFailure: String? { inflight.failure }

    /// Prepares the write side now rather than on the first command (so its scan is not
    /// counted in the first command's latency).
    public func prepareForCommands() throws(DocketStoreError) {
        _ = try decisionLock.withLock { () throws(DocketStoreError) in try writeSide() }
    }

    /// Decides command lines in order and appends the accepted ones.
    ///
    /// `deliver(i, outcome)` is called once for each line `i`: at once for a refused command,
    /// on the log's writing or syncing thread once an accepted command's events are durable
    /// (a delivery must never wait for the store's decision lock: closing holds it while it
    /// waits for every delivery, ``close()``). Deliveries of
    /// one call may interleave with another's; ``OrderedOutcomes`` puts them back in order.
    /// Every command of one call shares the log's group commit.
    ///
    /// With `actor`, every line is taken as that actor's, whatever it says (the server passes
    /// its token holder).
    public func submit(
        _ lines: [[UInt8]],
        actor: Actor? = nil,
        deliver: @escaping @Sendable (Int, CommandOutcome) -> Void
    ) {
        let skew = clockSkewLimit
        submit(prepared: lines.map { PreparedCommand(line: $0, actor: actor, skew: skew) }, deliver: deliver)
    }

    /// Decides commands prepared earlier (on any thread) and appends the accepted ones; see
    /// ``submit(_:deliver:)``.
    public func submit(prepared lines: [PreparedCommand], deliver: @escaping @Sendable (Int, CommandOutcome) -> Void) {
        var immediate: [(Int, CommandOutcome)] = []
        decisionLock.withLock {
            let processor: CommandProcessor
            do throws(DocketStoreError) {
                processor = try writeSide()
            } catch {
                for i in lines.indices {
                    var failed = CommandOutcome(commandID: nil, stream: nil)
                    failed.storeFailure = error.message
                    immediate.append((i, failed))
                }
                return
            }
            var appends: [(Int, AppendRequest, CommandOutcome, [String], retry: Bool, erasure: ErasureTask?)] = []
            for (i, line) in lines.enumerated() {
                switch processor.process(line) {
                case .done(let outcome): immediate.append((i, outcome))
                case .append(let request, let outcome, let types, let erasure):
                    appends.append((i, request, outcome, types, false, erasure))
                case .retry(let request, let outcome, let types):
                    appends.append((i, request, outcome, types, true, nil))
                }
            }
            guard !appends.isEmpty else { return }
            let inflight = self.inflight
            for (i, request, predicted, types, isRetry, erasure) in appends {
                log.append(request) { result in
                    var outcome = predicted
                    switch result {
                    case .success(let appended):
                        outcome.events = zip(appended.events, types).map {
                            .init(type: $1, version: $0.version, position: $0.position)
                        }
                        if !isRetry, !appended.deduplicated, outcome.events != predicted.events {
                            inflight.fail("the log placed events where the write side did not expect; reopen the store")
                        }
                        inflight.durable(through: appended.lastPosition)
                        if let erasure {
                            // The event is durable; a failure here stops the store, and the
                            // next open completes the erasure.
                            do throws(DocketStoreError) { try self.complete(erasure) } catch {
                                inflight.fail("an erasure could not be completed: \(error.message); reopen the store")
                            }
                        }
                    case .failure(let error):
                        inflight.fail(error.message)
                        outcome.events = []
                        outcome.storeFailure = error.message
                    }
                    if !isRetry, let id = predicted.commandID { inflight.settle(id) }
                    deliver(i, outcome)
                }
            }
        }
        for (i, outcome) in immediate { deliver(i, outcome) }
    }

    /// Submits one command line and waits until it is durable or refused.
    public func submitAndWait(_ line: [UInt8]) -> CommandOutcome {
        let box = OutcomeBox()
        submit([line]) { _, outcome in box.set(outcome) }
        return box.wait()
    }

    /// Syncs everything appended (needed only with `noSync`).
    public func flush() throws(DocketStoreError) {
        do throws(EventLogError) { try log.flush() } catch { throw DocketStoreError.from(error) }
    }

    /// Waits for pending appends and their answers, saves the cross-case index snapshot (when
    /// due), closes the log (which writes its index file when enough is not in it yet) and
    /// releases the store.
    public func close() throws(DocketStoreError) {
        saveSnapshot()
        do throws(EventLogError) { try log.close() } catch { throw DocketStoreError.from(error) }
    }
}
