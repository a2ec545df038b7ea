import Certification
import CertificationWire
import Chronology
import EventLog

/// The write side's state: every batch, recently used cases, and the cross-case index, with the
/// look-ups the deciders need. Not thread-safe: its owner serialises access.
///
/// Positions of decided events are predicted (`nextPosition`): one processor queues every append
/// of the store, in decision order, and the log takes them in queue order, so a decided event's
/// position is known before it is durable. Completions confirm the prediction.
final class DecisionCore {
    /// How a case missing from the cache is read back.
    typealias CaseLoader = (String) throws(DocketStoreError) -> CaseState?

    private(set) var batches: [String: BatchState] = [:]
    private var cache: CaseCache
    private(set) var index: CrossCaseIndex
    /// The position the next decided event will take.
    var nextPosition: UInt64
    /// Events through this position are durable (and so readable from the log): the store's
    /// completions report it; without them (verify), what was observed.
    var durablePosition: UInt64 {
        get { max(observedDurable, durableWatermark?() ?? 0) }
        set { observedDurable = newValue }
    }
    private var observedDurable: UInt64
    /// Reads the store's durable watermark (set by ``DocketStore``).
    var durableWatermark: (() -> UInt64)?
    private let loader: CaseLoader
    /// The keys personal data is opened under (`nil` for a store made before sealing).
    let keys: (any PersonalDataKeys)?
    /// Erasures seen by the open scan, for the store to make sure their keys are gone.
    private(set) var erasures: [Erasure] = []

    /// An erasure recorded in the log: case, groups, and the event's position.
    struct Erasure: Sendable {
        var caseID: String
        var groups: PersonalDataGroups
        var position: UInt64
    }

    init(
        cacheCapacity: Int,
        nextPosition: UInt64,
        keys: (any PersonalDataKeys)?,
        index: CrossCaseIndex,
        loader: @escaping CaseLoader
    ) {
        self.keys = keys
        self.index = index
        cache = CaseCache(capacity: cacheCapacity)
        self.nextPosition = nextPosition
        observedDurable = nextPosition - 1
        self.loader = loader
    }

    /// A core for the store's log, cases read on demand: batches and the index from `snapshot`
    /// and the log after it when the snapshot can be used (``CrossCaseIndexSnapshot``), else
    /// from a scan of the whole log. `reason` says why a snapshot given was not used.
    static func load(
        from log: EventLog,
        cacheCapacity: Int,
        keys: (any PersonalDataKeys)?,
        persons: PersonTokenizer,
        snapshot: CrossCaseIndexSnapshot? = nil
    ) throws(DocketStoreError) -> (core: DecisionCore, unusedSnapshot: String?) {
        func made(_ index: CrossCaseIndex) -> DecisionCore {
            DecisionCore(cacheCapacity: cacheCapacity, nextPosition: log.lastPosition + 1, keys: keys, index: index) {
                (id: String) throws(DocketStoreError) -> CaseState? in
                try Self.readCase(id, from: log, keys: keys)
            }
        }
        var reason: String?
        if let snapshot {
            let core = made(snapshot.index)
            reason = try core.resume(from: snapshot, log: log)
            if reason == nil { return (core, nil) }
        }
        let core = made(CrossCaseIndex(persons: persons))
        try core.scan(log, from: 1)
        return (core, reason)
    }

    /// Brings a core holding `snapshot`'s index up to the log: its batches read again through
    /// its position, then the log after it scanned. Returns why it cannot be used (the core is
    /// then discarded), or `nil`.
    private func resume(from snapshot: CrossCaseIndexSnapshot, log: EventLog) throws(DocketStoreError) -> String? {
        let at = snapshot.digest.position
        guard at <= log.lastPosition else {
            return "it is of position \(at), beyond the end of the log (\(log.lastPosition)): the log went back"
        }
        guard (try? log.indexedDigest(at: at)) == snapshot.digest else {
            return "the log's chain head at position \(at) is not the snapshot's: another or a rewritten log"
        }
        for id in snapshot.batchIDs {
            let events: [RecordedEvent]
            do throws(EventLogError) {
                events = try log.read(stream: StreamName.forBatch(id))
            } catch {
                throw DocketStoreError.from(error)
            }
            for recorded in events where recorded.position <= at {
                guard case .batchEvent(let event) = try StoredEvent.decode(recorded, keys: keys) else { continue }
                batches[id, default: BatchState()].evolve(
                    with: event,
                    at: recorded.occurredAt,
                    position: recorded.position
                )
            }
        }
        try scan(log, from: at + 1)
        guard erasures.isEmpty else {
            return "the log after it holds an erasure (a person it holds may have to be forgotten)"
        }
        return nil
    }

    /// Observes the log from `first` to its end: batches and the index, no case states.
    private func scan(_ log: EventLog, from first: UInt64) throws(DocketStoreError) {
        // Every event lent in place, and only batch events and the case events the index needs
        // decoded: copying each of the log's events out was a tenth of this scan (`perf`), which
        // every `docket submit` and server start pays.
        var failure: DocketStoreError?
        do throws(EventLogError) {
            try log.scan(from: first) { (e) throws(EventLogError) in
                do throws(DocketStoreError) { try observeAtOpen(e) } catch {
                    failure = error
                    throw EventLogError(.corruption, error.message, position: e.position)
                }
            }
        } catch {
            throw failure ?? DocketStoreError.from(error)
        }
    }

    /// The index and batches as a snapshot at `digest` (which must be the log's digest at the
    /// last position this core has observed or decided).
    func snapshot(at digest: LogDigest) -> CrossCaseIndexSnapshot {
        CrossCaseIndexSnapshot(digest: digest, index: index, batchIDs: Array(batches.keys))
    }

    /// Adds an event of the open scan: batches and the cross-case index, no case states.
    private func observeAtOpen(_ e: BorrowedEvent) throws(DocketStoreError) {
        defer {
            nextPosition = max(nextPosition, e.position + 1)
            durablePosition = max(durablePosition, e.position)
        }
        let isCase = e.stream.starts(with: Self.casePrefix)
        guard isCase || e.stream.starts(with: Self.batchPrefix) else { return }
        let type = e.typeName
        if isCase && !StoredEvent.indexedTypes.contains(type) { return }
        let stream = e.streamName
        let id = isCase ? StreamName.caseID(of: stream) : StreamName.batchID(of: stream)
        guard let id else { return }
        let event = try StoredEvent.decode(
            type: type,
            payload: e.payload,
            stream: stream,
            at: (e.position, e.version),
            keys: keys
        )
        switch event {
        case .batchEvent(let batchEvent) where !isCase:
            batches[id, default: BatchState()].evolve(with: batchEvent, at: e.occurredAt, position: e.position)
        case .caseEvent(let caseEvent) where isCase:
            if case .personalDataErased(let erased) = caseEvent {
                erasures.append(Erasure(caseID: id, groups: erased.groups, position: e.position))
            }
            index.observe(caseEvent, caseID: id)
        default:
            break
        }
    }

    private static let casePrefix = Array(StreamName.casePrefix.utf8)
    private static let batchPrefix = Array(StreamName.batchPrefix.utf8)

    /// Reads and folds a case's stream (up to `version`), or `nil` if it has no events.
    static func readCase(
        _ id: String,
        from log: EventLog,
        keys: (any PersonalDataKeys)?,
        upTo version: UInt64 = .max
    ) throws(DocketStoreError)
        -> CaseState?
    {
        let events: [RecordedEvent]
        do throws(EventLogError) {
            events = try log.read(stream: StreamName.forCase(id), from: 1, to: version)
        } catch {
            throw DocketStoreError.from(error)
        }
        guard !events.isEmpty else { return nil }
        var record = CaseState()
        for recorded in events {
            guard case .caseEvent(let event) = try StoredEvent.decode(recorded, keys: keys) else { continue }
            record.evolve(with: event, at: recorded.occurredAt, position: recorded.position)
        }
        return record
    }

    /// Adds a durable event read from the log while verifying: batches, the case's state and
    /// the index (the open scan keeps no case states: ``observeAtOpen(_:)``).
    func observeDurable(_ recorded: RecordedEvent) throws(DocketStoreError) {
        if let batchID = StreamName.batchID(of: recorded.stream) {
            guard case .batchEvent(let event) = try StoredEvent.decode(recorded, keys: keys) else { return }
            batches[batchID, default: BatchState()].evolve(
                with: event,
                at: recorded.occurredAt,
                position: recorded.position
            )
        } else if let caseID = StreamName.caseID(of: recorded.stream) {
            guard case .caseEvent(let event) = try StoredEvent.decode(recorded, keys: keys) else { return }
            var record = try caseRecord(caseID) ?? CaseState()
            record.evolve(with: event, at: recorded.occurredAt, position: recorded.position)
            index.observe(event, caseID: caseID)
            cache.put(caseID, record, durablePosition: .max)
        }
        nextPosition = max(nextPosition, recorded.position + 1)
        durablePosition = max(durablePosition, recorded.position)
    }

    // MARK: Look-ups

    func caseRecord(_ id: String) throws(DocketStoreError) -> CaseState? {
        if let record = cache.get(id) { return record }
        guard let record = try loader(id) else { return nil }
        cache.put(id, record, durablePosition: durablePosition)
        return record
    }

    func batchRecord(_ id: String) -> BatchState? { batches[id] }

    /// The status of a case at `moment`.
    func status(of state: CaseState, at moment: Timestamp) -> CaseStatus {
        CaseStatus.of(state, batch: { self.batches[$0] }, at: moment)
    }

    /// Whether this person has an open case for `occupation` at `moment`.
    /// - Throws: when one of the person's cases cannot be read (never read as "no such case":
    ///   that would let a duplicate application through).
    func hasOpenCase(
        _ document: Candidate.IdentityDocument,
        _ occupation: Occupation,
        at moment: Timestamp
    ) throws(DocketStoreError) -> Bool {
        for id in index.cases(of: document, for: occupation) {
            guard let record = try caseRecord(id) else {
                throw DocketStoreError(.damaged, "case \(id) is in the cross-case index but has no events in the log")
            }
            if !status(of: record, at: moment).isClosed { return true }
        }
        return false
    }

    /// Whether another case than the one erasing it names the photo `sha256` and still keeps
    /// it (photos are stored once by content; the same person applying twice, or two
    /// candidates, may send the same bytes).
    func photoIsShared(_ sha256: String) -> Bool { index.photoUsers[sha256, default: 0] > 1 }

    /// One case fewer keeps photo `sha256` (an erasure completed on open).
    func releasePhoto(_ sha256: String) { index.releasePhoto(sha256) }

    /// Forgets the person of case `caseID`'s application (an identity erasure completed on
    /// open, whose application the scan could still open and so indexed).
    func forgetPerson(of caseID: String, applied: CaseEvent.Applied) {
        guard !applied.candidate.isIdentityErased else { return }
        index.forget(caseID: caseID, of: applied.candidate.idDocument, for: applied.occupation)
    }

    /// Forgets the erasures of the open scan once the store has completed them.
    func clearErasures() { erasures.removeAll() }

    // MARK: Deciding

    func decide(
        _ command: CaseCommand,
        caseID: String,
        record: CaseState,
        at: Timestamp,
        actor: Actor,
        photoSHA256: String? = nil
    ) throws(DocketStoreError) -> Result<CaseDecider.Decision, Rejection> {
        let index = self.index
        let context = CaseContext(
            at: at,
            actor: actor,
            status: status(of: record, at: at),
            caseID: caseID,
            batch: { self.batches[$0] },
            caseWithPaymentRef: { index.paymentRefs[$0] },
            caseWithTicketNumber: { index.ticketNumbers[$0] },
            caseWithCertificateNumber: { index.certificateNumbers[$0] },
            caseWithComplaintID: { index.complaintIDs[$0] }
        )
        // The domain's look-ups cannot throw: a failed read is kept here, answered as "has an open
        // case" (closed to a duplicate) and thrown once the decision returns.
        var lookupFailure: DocketStoreError?
        let lookups = CaseDecider.ApplyLookups(
            hasOpenCase: { document, occupation in
                do throws(DocketStoreError) {
                    return try self.hasOpenCase(document, occupation, at: at)
                } catch {
                    lookupFailure = error
                    return true
                }
            },
            sha256: { bytes in photoSHA256 ?? SHA256Hex.of(bytes) }
        )
        let decision = CaseDecider.decide(command, state: record, context: context, apply: lookups)
        if let lookupFailure { throw lookupFailure }
        return decision
    }

    func decide(
        _ command: BatchCommand,
        batchID: String,
        record: BatchState,
        at: Timestamp,
        actor: Actor
    ) -> Result<[BatchEvent], Rejection> {
        BatchDecider.decide(
            command,
            batchID: batchID,
            state: record,
            context: .init(at: at, actor: actor, batchHasScores: index.batchesWithScores.contains(batchID))
        )
    }

    // MARK: Recording decisions

    /// Applies decided case events to `record` (the case as it was decided on), giving each the
    /// next position; returns the first.
    func record(_ events: [CaseEvent], caseID: String, at: Timestamp, onto base: CaseState) -> UInt64 {
        let first = nextPosition
        var record = base
        for event in events {
            if case .personalDataErased(let erased) = event, erased.groups.contains(.details),
                let sha = record.application?.photo.sha256, !sha.isEmpty
            {
                index.releasePhoto(sha)
            }
            // An erased identity can no longer be opened: the person is forgotten, as a scan of
            // the log would (and a snapshot written later must not hold them).
            if case .personalDataErased(let erased) = event, erased.groups.contains(.identity),
                let application = record.application
            {
                forgetPerson(of: caseID, applied: application)
            }
            record.evolve(with: event, at: at, position: nextPosition)
            index.observe(event, caseID: caseID)
            nextPosition += 1
        }
        cache.put(caseID, record, durablePosition: durablePosition)
        return first
    }

    /// Applies decided batch events; returns the first position.
    func record(_ events: [BatchEvent], batchID: String, at: Timestamp) -> UInt64 {
        let first = nextPosition
        for event in events {
            batches[batchID, default: BatchState()].evolve(with: event, at: at, position: nextPosition)
            nextPosition += 1
        }
        return first
    }
}
