import Chronology
import Crypto
import Foundation
import LZ4Codec
import Logging

/// The single writer of a store: a dedicated thread that drains queued appends in groups,
/// writes each group with one `pwrite`, has it made durable with one `fdatasync`, and only
/// then acknowledges.
///
/// Group commit (after EventStoreDB's flush delay and PostgreSQL's commit_delay, but without a
/// timer): while one group syncs, new appends queue; the next group takes them all. The sync
/// runs on a thread of its own (``GroupSyncer``), so the writer encodes and writes the next
/// group meanwhile; that group's versions and idempotency keys are checked against the group
/// in flight (not yet in the index, which holds only durable events), and it is handed to the
/// syncer only once the group before it is durable. Any write or sync failure is fatal: the
/// writer cuts the log back to its acknowledged end and fails every waiting and later append
/// with ``EventLogError/Code/writerFailed`` rather than retrying a sync that the kernel may have
/// already marked clean (fsyncgate).
final class LogWriter: @unchecked Sendable {
    // Queue state is guarded by `queueLock`; everything else is touched only by the writer
    // thread (after `start`), except the immutable `let`s.
    typealias Completion = @Sendable (Result<AppendResult, EventLogError>) -> Void

    private struct Pending {
        /// `nil` asks for a sync of everything written (no-sync bulk mode's flush).
        let request: AppendRequest?
        let completion: Completion
    }

    private let queueLock = ConditionLock()
    private var queue: [Pending] = []
    private var stopping = false
    private var stopped = false
    private var failure: EventLogError?
    private var closeResult: Result<Void, EventLogError>?

    private let layout: StoreLayout
    private let options: EventLog.Options
    private let catalog: SegmentCatalog
    private let index: StreamIndex
    private let reader: LogReader
    private let watcher: HeadWatcher
    private var active: ActiveSegment
    private var nextPosition: UInt64
    private var head: ChainHash
    private var builder: BlockBuilder
    /// Hashes large groups on the second core; small groups hash inline.
    private let hasher: ChainHasher
    private var outputBuffer: [UInt8] = []
    private var unsyncedWrites = false
    private var lastRecordedAt = Timestamp(microseconds: 0)
    /// Makes written groups durable beside the writer (with ``EventLog/Durability/sync``).
    private let syncer: GroupSyncer
    /// The group written and being synced, if any.
    private var inFlight: InFlightGroup?
    /// Where the acknowledged log ends: a failure cuts the active segment back to here, so a
    /// reopened store holds nothing its writer did not acknowledge.
    private var acknowledgedEnd: (segment: UInt64, end: UInt64)

    /// A group handed to the syncer: what the next group is checked against until it is durable
    /// (and in the index), and who to fail if its sync fails.
    private struct InFlightGroup {
        /// Versions of the streams it appended to (by index id), after it.
        var versions: [Int32: UInt64]
        var keys: [String: AppendResult]
        var completions: [Completion]
        /// Where the log ends once it is durable.
        var end: (segment: UInt64, end: UInt64)
    }

    init(opened: OpenedLog, layout: StoreLayout, options: EventLog.Options, watcher: HeadWatcher) {
        self.layout = layout
        self.options = options
        catalog = opened.catalog
        index = opened.index
        reader = LogReader(catalog: opened.catalog, index: opened.index)
        self.watcher = watcher
        active = opened.active
        nextPosition = opened.nextPosition
        head = opened.head
        builder = BlockBuilder(blockSize: options.blockSize)
        hasher = ChainHasher(head: opened.head)
        syncer = GroupSyncer(lock: queueLock)
        acknowledgedEnd = (opened.active.segment.header.segmentNumber, opened.active.end)
    }

    /// Starts the writer thread; seals a segment left sealed by a crash by starting the next.
    func start() throws(EventLogError) {
        if active.sealed {
            try startNextSegment()
            acknowledgedEnd = (active.segment.header.segmentNumber, active.end)
        }
        syncer.launch()
        let thread = Thread { [self] in run() }
        thread.name = "docket-log-writer"
        thread.start()
    }

    /// Queues an append; `completion` runs on the writer's or the syncer's thread once it is
    /// durable or refused, in queue order.
    func submit(_ request: AppendRequest?, completion: @escaping Completion) {
        queueLock.lock()
        if let failure {
            queueLock.unlock()
            completion(
                .failure(
                    EventLogError(.writerFailed, "the writer stopped after an earlier failure: \(failure.message)")
                )
            )
            return
        }
        if stopping {
            queueLock.unlock()
            completion(.failure(EventLogError(.closed, "the log is closed")))
            return
        }
        queue.append(Pending(request: request, completion: completion))
        queueLock.broadcast()
        queueLock.unlock()
    }

    /// Asks the writer to sync everything written so far (for no-sync bulk mode) and waits.
    func flush() throws(EventLogError) {
        let semaphore = DispatchSemaphore(value: 0)
        let box = ResultBox()
        submit(nil) { result in
            box.set(result)
            semaphore.signal()
        }
        semaphore.wait()
        if case .failure(let error) = box.get() { throw error }
    }

    /// Drains the queue, syncs, writes the index file and stops the thread.
    func close() throws(EventLogError) {
        queueLock.lock()
        stopping = true
        queueLock.broadcast()
        while !stopped { queueLock.wait() }
        let result = closeResult
        queueLock.unlock()
        if case .failure(let error) = result { throw error }
    }

    private func run() {
        while true {
            queueLock.lock()
            while queue.isEmpty && !stopping && !syncer.hasEndedLocked { queueLock.wait() }
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            let finishing = stopping && batch.isEmpty
            let syncEnded = syncer.hasEndedLocked
            queueLock.unlock()
            // A sync that ended is collected at once: one that failed stops the writer before
            // anything more is written.
            if syncEnded { settleInFlight() }
            if finishing { break }
            if !batch.isEmpty { process(batch) }
        }
        settleInFlight()
        var result: Result<Void, EventLogError> = .success(())
        if failureSnapshot == nil {
            do {
                if unsyncedWrites { try active.segment.file.syncData() }
                // A log with no index file yet gets one however short it is (it costs little,
                // and its absence would be reported as a recovery on every opening).
                if index.tailEventCount >= options.closeCheckpointEvents || !FileSystem.exists(layout.indexPath) {
                    try checkpointIndex()
                }
            } catch {
                result = .failure(error)
            }
        }
        hasher.stop()
        syncer.stop()
        queueLock.lock()
        closeResult = result
        stopped = true
        queueLock.broadcast()
        queueLock.unlock()
    }

    private var failureSnapshot: EventLogError? { queueLock.withLock { failure } }

    /// Waits for the group in flight, if any, and collects it. Durable: its end is now the
    /// acknowledged end (the syncer has acknowledged it). Failed: its appends are failed, the
    /// writer stops, and the error is returned; the caller cuts the log back.
    private func collectInFlight() -> EventLogError? {
        guard let group = inFlight else { return nil }
        inFlight = nil
        if let error = syncer.finish() {
            fail(error, pending: group.completions)
            return error
        }
        acknowledgedEnd = group.end
        return nil
    }

    /// ``collectInFlight()``, cutting the log back to its acknowledged end if the sync failed.
    private func settleInFlight() {
        if collectInFlight() != nil { cutBack(to: acknowledgedEnd) }
    }

    // MARK: Processing a group

    private struct Staged {
        var bytes: [UInt8] = []
        var update = IndexUpdate()
        /// Versions of streams (by index id) as of the appends staged so far.
        var versions: [Int32: UInt64] = [:]
        var keys: [String: AppendResult] = [:]
        var results: [(Completion, Result<AppendResult, EventLogError>)] = []
        var rolled = false
        var wroteEvents = false
        /// Where the current block's events start in `update.streamEvents`.
        var blockEventStart = 0
        /// The chain head before the current block's first event.
        var blockHeadBefore = ChainHash.genesis
        var lastFrameEnd: UInt64 = 0
        /// Hash on the helper thread (large groups) rather than inline.
        var offloadHashing = false
        /// The hashed-bytes ranges of the current block's records (offloaded hashing).
        var blockRecords: [Range<Int>] = []
        /// How many of `update.blocks` have their final `headBefore`.
        var hashedBlocks = 0
        /// Offloaded groups: frames waiting for the helper, laid out in order by `layOut`.
        var pendingFrames: [PendingFrame] = []
        /// The dictionary frame made in this group for the active segment, if any.
        var pendingDictionary: Int?
        /// Raw bytes of deferred blocks: an upper bound of what they will add to the segment.
        var pendingRawBytes = 0
    }

    /// A frame of an offloaded group, before its offset is known.
    private enum PendingFrame {
        case dictionary(LZ4Dictionary, bytes: [UInt8])
        case block(
            first: UInt64,
            count: UInt32,
            endsCommit: Bool,
            rawLength: Int,
            dictionary: DictionaryReference,
            events: Range<Int>
        )
    }

    private enum DictionaryReference {
        case none
        case known(UInt64)
        /// The dictionary frame at this index of `pendingFrames`.
        case pending(Int)
    }

    private func process(_ batch: [Pending]) {
        // Groups queued before a failure are refused, never written after it: the log would
        // otherwise hold a later group beyond the hole the failed one left.
        if let failure = failureSnapshot {
            let refused = EventLogError(
                .writerFailed,
                "the writer stopped after an earlier failure: \(failure.message)"
            )
            for pending in batch { pending.completion(.failure(refused)) }
            return
        }
        var staged = Staged()
        swap(&staged.bytes, &outputBuffer)
        staged.bytes.removeAll(keepingCapacity: true)
        defer {
            swap(&staged.bytes, &outputBuffer)
            outputBuffer.removeAll(keepingCapacity: true)
        }
        let eventCount = batch.reduce(0) { $0 + ($1.request?.eventCount ?? 0) }
        staged.offloadHashing = eventCount >= options.parallelHashingThreshold
        if staged.offloadHashing { hasher.reset(head: head) }
        staged.versions.reserveCapacity(eventCount)
        staged.update.streamEvents.reserveCapacity(eventCount)
        var isFlushRequest = false
        do throws(EventLogError) {
            for pending in batch {
                guard let request = pending.request else {
                    isFlushRequest = true
                    staged.results.append((pending.completion, .success(AppendResult(events: [], deduplicated: false))))
                    continue
                }
                staged.results.append((pending.completion, try stage(request, into: &staged)))
            }
            if !builder.isEmpty { finishBlock(endsCommit: true, into: &staged) }
            layOut(&staged)
            if staged.wroteEvents, let prepare = options.beforeGroupWrite { try prepare() }
            let writeStart = ContinuousClock.now
            if !staged.bytes.isEmpty {
                try active.segment.file.write(staged.bytes, at: active.end)
                active.end += UInt64(staged.bytes.count)
                unsyncedWrites = true
            }
            let writeSeconds = Self.seconds(ContinuousClock.now - writeStart)
            // The group before this one must be durable before this one is handed over (or
            // answered: a deduplicated append may name that group's events).
            if let error = collectInFlight() { throw error }
            if staged.wroteEvents {
                staged.update.coverage = IndexCoverage(
                    lastPosition: nextPosition - 1,
                    head: head,
                    segment: active.segment.header.segmentNumber,
                    lastFrameOffset: staged.update.blocks.last!.offset,
                    endOffset: staged.lastFrameEnd
                )
            }
            let acknowledge = acknowledgement(
                of: staged,
                lastPosition: nextPosition - 1,
                events: eventCount,
                writeSeconds: writeSeconds
            )
            let end = (segment: active.segment.header.segmentNumber, end: active.end)
            if unsyncedWrites && (options.durability == .sync || isFlushRequest) {
                syncer.start(GroupSyncer.Job(file: active.segment.file, onDurable: acknowledge))
                inFlight = InFlightGroup(
                    versions: staged.versions,
                    keys: staged.keys,
                    completions: staged.results.map(\.0),
                    end: end
                )
                unsyncedWrites = false
            } else {
                // Nothing to sync (or `noSync`): written is acknowledged.
                acknowledgedEnd = end
                acknowledge(0)
            }
        } catch {
            if staged.offloadHashing { _ = hasher.finishAll() }
            _ = collectInFlight()
            cutBack(to: acknowledgedEnd)
            fail(error, pending: batch.map(\.completion))
            return
        }
        if staged.rolled || index.tailEventCount >= options.indexCheckpointEvents {
            // The index file holds durable events only: the group in flight first.
            if collectInFlight() != nil {
                cutBack(to: acknowledgedEnd)
                return
            }
            do { try checkpointIndex() } catch { fail(error, pending: []) }
        }
    }

    /// What runs once a group is durable: the index takes its events, its appends are answered
    /// in order, live readers wake, and the group is reported.
    private func acknowledgement(
        of staged: Staged,
        lastPosition: UInt64,
        events: Int,
        writeSeconds: Double
    ) -> (Double) -> Void {
        let update = staged.wroteEvents ? staged.update : nil
        let results = staged.results
        let (index, watcher, report) = (index, watcher, options.onGroupCommitted)
        return { syncSeconds in
            if let update { index.apply(update) }
            for (completion, result) in results { completion(result) }
            if update != nil { watcher.advance(to: lastPosition) }
            report?(GroupCommit(events: events, writeSeconds: writeSeconds, syncSeconds: syncSeconds))
        }
    }

    /// After a failed write or sync, cuts the active segment back to where the acknowledged log
    /// ended (a short write, or a whole group whose sync failed, leaves frames no caller was
    /// told of). A group that rolled to a new segment leaves that segment empty; the events of
    /// the one it sealed are durable and stay (their commands, retried with their command ids,
    /// are answered as accepted). If even the cut fails (the disk refuses everything), recovery
    /// on the next open keeps what reads back whole — the same answer for retried command ids.
    private func cutBack(to acknowledged: (segment: UInt64, end: UInt64)) {
        let sameSegment = active.segment.header.segmentNumber == acknowledged.segment
        // Always cut: a short write leaves bytes past `active.end` that it never counted.
        let end = sameSegment ? acknowledged.end : UInt64(SegmentHeader.size)
        do {
            try active.segment.file.truncate(to: end)
            try active.segment.file.syncData()
            active.end = end
            unsyncedWrites = false
        } catch {
            options.logger.error(
                "could not cut the log back to its acknowledged end",
                metadata: [
                    "segment": "\(active.segment.header.segmentNumber)", "offset": "\(end)", "error": "\(error)",
                ]
            )
        }
    }

    private func fail(_ error: EventLogError, pending: [Completion]) {
        let first = queueLock.withLock {
            defer { if failure == nil { failure = error } }
            return failure == nil
        }
        if first { options.logger.critical("event log writer stopped", metadata: ["error": "\(error)"]) }
        let wrapped = EventLogError(
            .writerFailed,
            "the write failed and the writer stopped: \(error.message)",
            file: error.file,
            offset: error.offset,
            errno: error.errno
        )
        for completion in pending { completion(.failure(wrapped)) }
    }

    /// Checks one request and encodes it into the pending blocks; throws only for I/O failure.
    private func stage(
        _ request: AppendRequest,
        into staged: inout Staged
    ) throws(EventLogError) -> Result<AppendResult, EventLogError> {
        if let problem = validate(request) { return .failure(problem) }
        if let key = request.idempotencyKey {
            if var first = staged.keys[key] ?? inFlight?.keys[key] {
                first.deduplicated = true
                return .success(first)
            }
            if let location = index.key(key) {
                let events = try reader.events(
                    location.firstPosition,
                    location.firstPosition + UInt64(location.eventCount) - 1
                )
                return .success(
                    AppendResult(
                        events: events.map { .init(stream: $0.stream, version: $0.version, position: $0.position) },
                        deduplicated: true
                    )
                )
            }
        }
        // Each stream's version before this request, looked up once per part. `staged.versions`
        // is updated as we go (so a stream named twice continues from itself) and restored if
        // any part conflicts: a refused request leaves nothing behind.
        var startVersions: [(id: Int32, version: UInt64)] = []
        startVersions.reserveCapacity(request.streams.count)
        var undo: [(Int32, UInt64?)] = []
        for part in request.streams {
            let (id, indexed) = index.idAndVersion(of: part.stream)
            let previous = staged.versions[id]
            // The group in flight is not in the index until it is durable.
            let current = previous ?? inFlight?.versions[id] ?? indexed
            guard part.expectedVersion.admits(current) else {
                for (id, old) in undo.reversed() { staged.versions[id] = old }
                let expected: String
                if case .exactly(let v) = part.expectedVersion { expected = String(v) } else { expected = "any" }
                return .failure(
                    EventLogError(
                        .versionConflict,
                        "stream \(part.stream) is at version \(current), not the expected \(expected)"
                    )
                )
            }
            startVersions.append((id, current))
            undo.append((id, previous))
            staged.versions[id] = current + UInt64(part.events.count)
        }
        // Roll to a new segment at a commit boundary once this one is full.
        if active.end + UInt64(staged.bytes.count + staged.pendingRawBytes) >= options.segmentSize,
            nextPosition > active.segment.header.basePosition || !builder.isEmpty
        {
            if !builder.isEmpty { finishBlock(endsCommit: true, into: &staged) }
            try rollSegment(&staged)
        }
        let now = Timestamp.now()
        lastRecordedAt = now > lastRecordedAt ? now : lastRecordedAt
        var placements: [AppendResult.Placement] = []
        placements.reserveCapacity(request.eventCount)
        let total = request.eventCount
        var n = 0
        for (p, part) in request.streams.enumerated() {
            let (id, startVersion) = startVersions[p]
            var version = startVersion
            for event in part.events {
                version += 1
                let position = nextPosition
                if builder.isEmpty && !staged.offloadHashing { staged.blockHeadBefore = head }
                let range = builder.add(
                    event,
                    position: position,
                    stream: part.stream,
                    version: version,
                    recordedAt: event.recordedAt ?? lastRecordedAt,
                    commitStart: n == 0,
                    key: n == 0 ? request.idempotencyKey : nil
                )
                if staged.offloadHashing {
                    staged.blockRecords.append(range)
                } else {
                    head = builder.raw.bytes.withUnsafeBytes {
                        head.extended(position: position, record: UnsafeRawBufferPointer(rebasing: $0[range]))
                    }
                }
                staged.update.streamEvents.append((id, IndexEntry(position: position, segment: 0, offset: 0)))
                placements.append(.init(stream: part.stream, version: version, position: position))
                nextPosition += 1
                n += 1
                if builder.isFull { finishBlock(endsCommit: n == total, into: &staged) }
            }
        }
        let result = AppendResult(events: placements, deduplicated: false)
        if let key = request.idempotencyKey {
            staged.keys[key] = result
            staged.update.keys.append(
                (key, KeyLocation(firstPosition: result.firstPosition, eventCount: UInt32(total)))
            )
        }
        staged.wroteEvents = true
        return .success(result)
    }

    private func validate(_ request: AppendRequest) -> EventLogError? { options.problem(with: request) }

    private func finishBlock(endsCommit: Bool, into staged: inout Staged) {
        if staged.offloadHashing {
            deferBlock(endsCommit: endsCommit, into: &staged)
            return
        }
        let seed = active.segment.header.seed
        if builder.wantsNewDictionary(current: active.dictionary?.value) {
            let dictionary = builder.makeDictionary()
            let offset = active.end + UInt64(staged.bytes.count)
            builder.dictionaryFrame(dictionary, nextPosition: builder.firstPosition, seed: seed, into: &staged.bytes)
            active.dictionary = (offset, dictionary)
            catalog.remember(dictionary, segment: active.segment.header.segmentNumber, offset: offset)
        }
        let offset = active.end + UInt64(staged.bytes.count)
        let first = builder.firstPosition
        let count = UInt32(builder.eventCount)
        let length = builder.finishBlock(
            endsCommit: endsCommit,
            dictionary: active.dictionary,
            seed: seed,
            into: &staged.bytes
        )
        let segment = UInt32(active.segment.header.segmentNumber)
        precondition(offset <= UInt64(UInt32.max), "segments are limited to 4 GiB")
        for i in staged.blockEventStart..<staged.update.streamEvents.count {
            staged.update.streamEvents[i].entry.segment = segment
            staged.update.streamEvents[i].entry.offset = UInt32(offset)
        }
        staged.blockEventStart = staged.update.streamEvents.count
        staged.lastFrameEnd = offset + UInt64(length)
        staged.update.blocks.append(
            BlockLocation(
                firstPosition: first,
                eventCount: count,
                segment: segment,
                offset: offset,
                headBefore: staged.blockHeadBefore
            )
        )
        staged.hashedBlocks = staged.update.blocks.count
    }

    /// Large groups: hands the block to the helper (compression and hashing) and remembers
    /// where it goes; ``layOut(_:)`` writes the frames once the helper is done.
    private func deferBlock(endsCommit: Bool, into staged: inout Staged) {
        if builder.wantsNewDictionary(current: active.dictionary?.value) {
            let dictionary = builder.makeDictionary()
            var bytes: [UInt8] = []
            builder.dictionaryFrame(
                dictionary,
                nextPosition: builder.firstPosition,
                seed: active.segment.header.seed,
                into: &bytes
            )
            staged.pendingFrames.append(.dictionary(dictionary, bytes: bytes))
            staged.pendingDictionary = staged.pendingFrames.count - 1
            active.dictionary = (0, dictionary)  // its offset is set when laid out
        }
        let reference: DictionaryReference
        if let pending = staged.pendingDictionary {
            reference = .pending(pending)
        } else if let known = active.dictionary {
            reference = .known(known.offset)
        } else {
            reference = .none
        }
        let first = builder.firstPosition
        let count = UInt32(builder.eventCount)
        let dictionary = active.dictionary?.value
        let raw = builder.takeBlock()
        hasher.submit(
            ChainHasher.Job(
                raw: raw,
                records: staged.blockRecords,
                firstPosition: first,
                compressWith: .some(dictionary)
            )
        )
        staged.blockRecords.removeAll(keepingCapacity: true)
        staged.pendingRawBytes += raw.count
        staged.pendingFrames.append(
            .block(
                first: first,
                count: count,
                endsCommit: endsCommit,
                rawLength: raw.count,
                dictionary: reference,
                events: staged.blockEventStart..<staged.update.streamEvents.count
            )
        )
        staged.blockEventStart = staged.update.streamEvents.count
    }

    /// Waits for the helper, then lays the deferred frames out in order: offsets, headers, index
    /// entries and block locations, and the chain head.
    private func layOut(_ staged: inout Staged) {
        guard staged.offloadHashing else { return }
        let results = hasher.finishAll()
        head = results.head
        let seed = active.segment.header.seed
        let segment = UInt32(active.segment.header.segmentNumber)
        var dictionaryOffsets: [Int: UInt64] = [:]
        var compressedIndex = 0
        var headIndex = 0
        for (i, frame) in staged.pendingFrames.enumerated() {
            let offset = active.end + UInt64(staged.bytes.count)
            precondition(offset <= UInt64(UInt32.max), "segments are limited to 4 GiB")
            switch frame {
            case .dictionary(let dictionary, let bytes):
                staged.bytes += bytes
                dictionaryOffsets[i] = offset
                active.dictionary = (offset, dictionary)
                catalog.remember(dictionary, segment: UInt64(segment), offset: offset)
            case .block(let first, let count, let endsCommit, let rawLength, let reference, let events):
                let (codec, body) = results.compressed[compressedIndex]
                compressedIndex += 1
                let dictionaryOffset: UInt64
                switch reference {
                case .none: dictionaryOffset = 0
                case .known(let known): dictionaryOffset = known
                case .pending(let index): dictionaryOffset = dictionaryOffsets[index]!
                }
                BlockBuilder.appendFrame(
                    kind: .events,
                    codec: codec,
                    body: body,
                    rawLength: rawLength,
                    firstPosition: first,
                    eventCount: count,
                    endsCommit: endsCommit,
                    dictionaryOffset: UInt32(dictionaryOffset),
                    seed: seed,
                    into: &staged.bytes
                )
                for e in events {
                    staged.update.streamEvents[e].entry.segment = segment
                    staged.update.streamEvents[e].entry.offset = UInt32(offset)
                }
                staged.update.blocks.append(
                    BlockLocation(
                        firstPosition: first,
                        eventCount: count,
                        segment: segment,
                        offset: offset,
                        headBefore: results.headsBefore[headIndex]
                    )
                )
                headIndex += 1
                staged.lastFrameEnd = active.end + UInt64(staged.bytes.count)
            }
        }
        staged.pendingFrames.removeAll()
        staged.pendingDictionary = nil
        staged.pendingRawBytes = 0
        staged.hashedBlocks = staged.update.blocks.count
    }

    private func rollSegment(_ staged: inout Staged) throws(EventLogError) {
        // The sealed segment holds durable events only: the group in flight first.
        if let error = collectInFlight() { throw error }
        layOut(&staged)
        // The events written here are sealed (durable) before the group ends: what they name
        // must be durable first, as for any group.
        if staged.wroteEvents, !staged.bytes.isEmpty, let prepare = options.beforeGroupWrite { try prepare() }
        if !staged.bytes.isEmpty {
            try active.segment.file.write(staged.bytes, at: active.end)
            active.end += UInt64(staged.bytes.count)
            staged.bytes.removeAll(keepingCapacity: true)
        }
        try seal()
        try startNextSegment()
        staged.rolled = true
    }

    private func seal() throws(EventLogError) {
        let segment = active.segment
        let number = UInt32(segment.header.segmentNumber)
        var blockCount = 0
        var scanner = SegmentScanner(segment: segment, limit: active.end)
        var frameOffset = UInt64(SegmentHeader.size)
        while frameOffset < active.end {
            guard case .frame(let header, _) = try scanner.frame(at: frameOffset) else {
                throw EventLogError(
                    .corruption,
                    "the segment being sealed does not read back",
                    file: segment.name,
                    offset: frameOffset
                )
            }
            if header.kind == .events { blockCount += 1 }
            frameOffset += UInt64(header.frameLength)
        }
        var hasher = SHA256()
        var offset: UInt64 = 0
        while offset < active.end {
            let chunk = try segment.file.read(count: Int(min(1 << 20, active.end - offset)), at: offset)
            hasher.update(data: chunk)
            offset += UInt64(chunk.count)
        }
        let seal = SealRecord(
            lastPosition: nextPosition - 1,
            eventCount: nextPosition - segment.header.basePosition,
            blockCount: UInt64(blockCount),
            head: head,
            fileHash: Array(hasher.finalize())
        )
        let body = seal.encoded()
        var frame = [UInt8](repeating: 0, count: FrameHeader.size)
        let seed = segment.header.seed
        let header = body.withUnsafeBytes { b in
            FrameHeader(
                kind: .seal,
                codec: .stored,
                endsCommit: false,
                storedLength: UInt32(body.count),
                rawLength: UInt32(body.count),
                eventCount: 0,
                firstPosition: nextPosition,
                dictionaryOffset: 0,
                bodyChecksum: Checksum.frame(b, seed: seed)
            )
        }
        frame.withUnsafeMutableBytes { header.store(into: $0, seed: seed) }
        try segment.file.write(frame + body, at: active.end)
        active.end += UInt64(frame.count + body.count)
        try segment.file.syncData()
        unsyncedWrites = false
        options.logger.info(
            "sealed segment",
            metadata: ["segment": "\(number)", "lastPosition": "\(seal.lastPosition)"]
        )
    }

    private func startNextSegment() throws(EventLogError) {
        let number = active.segment.header.segmentNumber + 1
        let segment = try SegmentFactory.create(
            layout: layout,
            number: number,
            basePosition: nextPosition,
            previousHead: head
        )
        catalog.add(segment)
        active = ActiveSegment(segment: segment, end: UInt64(SegmentHeader.size), dictionary: nil, sealed: false)
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Persists the index (temp → fsync → rename → fsync dir) and adopts it as the new base,
    /// read back through a map of the file written (the sections built here are freed on return).
    private func checkpointIndex() throws(EventLogError) {
        let name = "log/" + StoreLayout.indexName
        let length: Int
        do {
            // Nothing since the file was written (a session that appended nothing): the file
            // already holds it all; rewriting it was a third of a refused one-command submit on
            // a 100,000-case store (57 MB written again).
            guard index.tailEventCount > 0 || !FileSystem.exists(layout.indexPath) else { return }
            let (sections, coverage) = index.serialized()
            guard coverage.lastPosition > 0 else { return }
            try FileSystem.writeAtomically(sections: sections, to: layout.indexPath, name: name)
            length = sections.reduce(0) { $0 + $1.count }
        }
        let handle = try FileHandle.open(layout.indexPath, name: name, flags: O_RDONLY)
        do throws(DecodeError) {
            // A map that cannot be made (the address space exhausted) is no reason to stop the
            // writer: the file is read into memory then.
            if let mapped = try? IndexFile(mapping: handle, length: length) {
                index.adopt(mapped)
            } else {
                let copy: [UInt8] = (try? handle.read(count: length, at: 0)) ?? []
                index.adopt(try IndexFile(data: copy))
            }
        } catch {
            throw EventLogError(
                .io,
                "the index just written does not read back: \(error.reason)",
                file: "log/" + StoreLayout.indexName
            )
        }
    }
}

/// A thread-safe box for handing a result across a semaphore.
final class ResultBox: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = ConditionLock()
    private var result: Result<AppendResult, EventLogError>?
    func set(_ value: Result<AppendResult, EventLogError>) { lock.withLock { result = value } }
    func get() -> Result<AppendResult, EventLogError>? { lock.withLock { result } }

}
