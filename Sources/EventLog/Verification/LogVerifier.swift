import Crypto

#if canImport(Glibc)
import Glibc
#endif

/// Checks a store offline, trusting nothing on disk: every frame checksum, every decompression,
/// dense positions and stream versions, every link of the hash chain from the genesis, each
/// segment's link to the previous and its seal (counts, head, whole-file SHA-256), and every
/// entry of the index file against the log.
///
/// It never opens the store for writing and takes no lock, so it runs on a live store or a copy.
/// Given digests an auditor noted earlier, it confirms the log still extends each one — by
/// recomputing every link up to it, never by trusting a stored hash.
enum LogVerifier {
    static func verify(
        layout: StoreLayout,
        digests: [LogDigest],
        progress: ((UInt64) -> Void)?
    ) -> VerificationReport {
        var report = VerificationReport()
        var walk = Walk(layout: layout, digests: digests, progress: progress)
        walk.run(&report)
        walk.finishHashing(&report)
        walk.checkIndex(&report)
        for digest in digests where !report.confirmedDigests.contains(digest) {
            if !report.problems.contains(where: { $0.kind == "digest" && $0.position == digest.position }) {
                report.problems.append(
                    .init(
                        kind: "digest",
                        message: "the log does not reach position \(digest.position) of digest \(digest)",
                        position: digest.position
                    )
                )
            }
        }
        report.streams = walk.table.count
        report.head = LogDigest(position: walk.nextPosition - 1, head: walk.head)
        return report
    }

    private struct Walk {
        let layout: StoreLayout
        let digests: [UInt64: LogDigest]
        let progress: ((UInt64) -> Void)?
        let catalog: SegmentCatalog
        var table = StreamTable()
        /// Each stream's entries, by table id.
        var streamEntries: [[IndexEntry]] = []
        var blocks: [BlockLocation] = []
        var headsAfterBlocks: [ChainHash] = []
        /// The chain is hashed on a second core while this thread reads, checks and decompresses.
        let hasher = ChainHasher(head: .genesis)
        var blockHeadsBefore: [ChainHash] = []
        var keys: [String: KeyLocation] = [:]
        var openKey: (key: String?, position: UInt64)?
        var head = ChainHash.genesis
        var nextPosition: UInt64 = 1
        var lastProgress: UInt64 = 0

        init(layout: StoreLayout, digests: [LogDigest], progress: ((UInt64) -> Void)?) {
            self.layout = layout
            self.digests = Dictionary(digests.map { ($0.position, $0) }, uniquingKeysWith: { a, _ in a })
            self.progress = progress
            catalog = SegmentCatalog(layout: layout)
            var watched = Set(digests.map(\.position))
            if let coverage = try? Self.indexCoverage(layout) { watched.insert(coverage.lastPosition) }
            hasher.watch(watched)
        }

        /// The index file's coverage, read ahead so its head can be checked during the walk.
        static func indexCoverage(_ layout: StoreLayout) throws -> IndexCoverage? {
            guard FileSystem.exists(layout.indexPath) else { return nil }
            let handle = try FileHandle.open(layout.indexPath, name: "index", flags: O_RDONLY)
            let data = try handle.read(count: Int(try handle.size()), at: 0)
            return try data.withBytes { (_) throws(DecodeError) in try IndexFile(data: data) }.coverage
        }

        /// Waits for the hasher and makes `head` current.
        mutating func syncHead() {
            let (befores, newHead) = hasher.finish()
            blockHeadsBefore += befores
            head = newHead
        }

        /// Joins the hasher at the end: fills in block heads and checks the digests.
        mutating func finishHashing(_ report: inout VerificationReport) {
            syncHead()
            hasher.stop()
            for i in 0..<min(blocks.count, blockHeadsBefore.count) { blocks[i].headBefore = blockHeadsBefore[i] }
            headsAfterBlocks = Array(blockHeadsBefore.dropFirst()) + (blocks.isEmpty ? [] : [head])
            let found = hasher.watchedResults
            for (position, digest) in digests.sorted(by: { $0.key < $1.key })
            where position > 0 && position < nextPosition {
                if found[position] == digest.head {
                    report.confirmedDigests.append(digest)
                } else {
                    report.problems.append(
                        .init(
                            kind: "digest",
                            message:
                                "the chain head at position \(position) differs from digest \(digest): the log was altered at or before this position",
                            position: position
                        )
                    )
                }
            }
        }

        mutating func run(_ report: inout VerificationReport) {
            let names: [String]
            do {
                names = try FileSystem.list(layout.logDirectory)
            } catch {
                report.problems.append(.init(kind: "missing-segment", message: error.message, file: "log"))
                return
            }
            let numbers = names.compactMap(StoreLayout.segmentNumber(fromName:)).sorted()
            guard !numbers.isEmpty else {
                report.problems.append(
                    .init(kind: "missing-segment", message: "the store has no segment files", file: "log")
                )
                return
            }
            if let genesisDigest = digests[0], genesisDigest.head == .genesis {
                report.confirmedDigests.append(genesisDigest)
            }
            for (i, number) in numbers.enumerated() {
                let name = StoreLayout.relative(StoreLayout.segmentName(number))
                guard number == UInt64(i + 1) else {
                    report.problems.append(
                        .init(
                            kind: "missing-segment",
                            message: "segment \(i + 1) is missing",
                            file: StoreLayout.relative(StoreLayout.segmentName(UInt64(i + 1)))
                        )
                    )
                    return
                }
                report.segments += 1
                guard walkSegment(number, name: name, isLast: number == numbers.last!, &report) else { return }
            }
        }

        /// Returns `false` when the walk cannot go on (the chain is broken here).
        private mutating func walkSegment(
            _ number: UInt64,
            name: String,
            isLast: Bool,
            _ report: inout VerificationReport
        ) -> Bool {
            func problem(_ kind: String, _ message: String, offset: UInt64? = nil, position: UInt64? = nil) {
                report.problems.append(
                    .init(kind: kind, message: message, file: name, offset: offset, position: position)
                )
            }
            let segment: SegmentCatalog.Segment
            let size: UInt64
            do {
                let file = try FileHandle.open(layout.segmentPath(number), name: name, flags: O_RDONLY)
                size = try file.size()
                let bytes = try file.read(count: SegmentHeader.size, at: 0)
                let header = try bytes.withBytes { (b) throws(DecodeError) in try SegmentHeader.decode(b) }
                segment = SegmentCatalog.Segment(header: header, file: file)
            } catch let error as DecodeError {
                problem("segment-header", error.reason, offset: UInt64(error.offset))
                return false
            } catch {
                problem("segment-header", "\(error)")
                return false
            }
            guard segment.header.segmentNumber == number else {
                problem("segment-header", "the file holds segment \(segment.header.segmentNumber)", offset: 16)
                return false
            }
            syncHead()
            guard segment.header.basePosition == nextPosition, segment.header.previousHead == head else {
                problem(
                    "segment-link",
                    "the segment does not continue the chain where the previous one ended",
                    offset: 24,
                    position: nextPosition
                )
                return false
            }
            catalog.add(segment)
            var scanner = SegmentScanner(segment: segment, limit: size)
            var offset = UInt64(SegmentHeader.size)
            var segmentBlocks = 0
            let segmentBase = nextPosition
            while true {
                let outcome: SegmentScanner.Outcome
                do { outcome = try scanner.frame(at: offset) } catch {
                    problem("frame", error.message, offset: offset, position: nextPosition)
                    return false
                }
                switch outcome {
                case .frame(let header, let body):
                    let frameOffset = offset
                    offset += UInt64(header.frameLength)
                    switch header.kind {
                    case .dictionary:
                        guard header.firstPosition == nextPosition else {
                            problem(
                                "frame",
                                "a dictionary frame for position \(header.firstPosition) where \(nextPosition) was due",
                                offset: frameOffset,
                                position: nextPosition
                            )
                            return false
                        }
                        do { _ = try catalog.dictionary(segment: number, offset: frameOffset) } catch {
                            problem("frame", error.message, offset: frameOffset)
                            return false
                        }
                    case .events:
                        guard walkBlock(header, body: body, segment: segment, at: frameOffset, &report) else {
                            return false
                        }
                        segmentBlocks += 1
                    case .seal:
                        syncHead()
                        checkSeal(
                            body,
                            segment: segment,
                            at: frameOffset,
                            blocks: segmentBlocks,
                            base: segmentBase,
                            &report
                        )
                        if offset != size { problem("seal", "\(size - offset) bytes follow the seal", offset: offset) }
                        if isLast {
                            report.notes.append("the last segment is sealed; the next writer starts a new one")
                        }
                        return true
                    }
                case .end:
                    if !isLast { problem("seal", "a segment that is not the last has no seal", offset: offset) }
                    return true
                case .bad(let reason, _):
                    if isLast,
                        (try? scanner.validFrameExists(after: offset, atOrAfterPosition: nextPosition)) == .some(nil)
                    {
                        report.notes.append(
                            "\(name): a torn tail of \(size - offset) bytes at offset \(offset) (an unacknowledged write cut short by a crash; the next open cuts it)"
                        )
                        return true
                    }
                    problem("frame", reason, offset: offset, position: nextPosition)
                    return false
                }
            }
        }

        private mutating func walkBlock(
            _ header: FrameHeader,
            body: [UInt8],
            segment: SegmentCatalog.Segment,
            at offset: UInt64,
            _ report: inout VerificationReport
        ) -> Bool {
            let name = segment.name
            guard header.firstPosition == nextPosition, header.eventCount > 0 else {
                report.problems.append(
                    .init(
                        kind: "position",
                        message: "the block starts at position \(header.firstPosition), expected \(nextPosition)",
                        file: name,
                        offset: offset,
                        position: nextPosition
                    )
                )
                return false
            }
            let records: BlockRecords
            do throws(EventLogError) {
                records = try FrameIO.records(
                    StoredFrame(header: header, body: body),
                    segment: segment,
                    offset: offset,
                    catalog: catalog
                )
            } catch {
                report.problems.append(
                    .init(kind: "block", message: error.message, file: name, offset: offset, position: nextPosition)
                )
                return false
            }
            var ranges: [Range<Int>] = []
            ranges.reserveCapacity(records.count)
            let segmentNumber = UInt32(segment.header.segmentNumber)
            for i in 0..<records.count {
                let position = nextPosition
                let h = records.headers[i]
                if h.flags.contains(.commitStart) {
                    closeKey(before: position)
                    openKey = (records.key(i), position)
                }
                let id = Int(
                    records.raw.withUnsafeBytes { table.id(of: UnsafeRawBufferPointer(rebasing: $0[h.stream])) }
                )
                if id == streamEntries.count { streamEntries.append([]) }
                let expected = UInt64(streamEntries[id].count) + 1
                if h.version != expected {
                    report.problems.append(
                        .init(
                            kind: "version",
                            message:
                                "stream \(table.name(Int32(id))) has version \(h.version) where \(expected) was due",
                            file: name,
                            offset: offset,
                            position: position
                        )
                    )
                }
                streamEntries[id].append(
                    IndexEntry(position: position, segment: segmentNumber, offset: UInt32(truncatingIfNeeded: offset))
                )
                do {
                    try records.validate(i)
                } catch {
                    report.problems.append(
                        .init(
                            kind: "block",
                            message: "event record: \(error.reason)",
                            file: name,
                            offset: offset,
                            position: position
                        )
                    )
                    return false
                }
                ranges.append(h.body)
                nextPosition += 1
                report.events += 1
            }
            hasher.submit(ChainHasher.Job(raw: records.raw, records: ranges, firstPosition: header.firstPosition))
            if header.endsCommit { closeKey(before: nextPosition) }
            blocks.append(
                BlockLocation(
                    firstPosition: header.firstPosition,
                    eventCount: header.eventCount,
                    segment: UInt32(segment.header.segmentNumber),
                    offset: offset,
                    headBefore: .genesis
                )
            )
            report.blocks += 1
            if let progress, nextPosition - lastProgress >= 100_000 {
                lastProgress = nextPosition
                progress(nextPosition - 1)
            }
            return true
        }

        private mutating func closeKey(before position: UInt64) {
            if let open = openKey, let key = open.key {
                keys[key] = KeyLocation(firstPosition: open.position, eventCount: UInt32(position - open.position))
            }
            openKey = nil
        }

        private func checkSeal(
            _ body: [UInt8],
            segment: SegmentCatalog.Segment,
            at offset: UInt64,
            blocks: Int,
            base: UInt64,
            _ report: inout VerificationReport
        ) {
            let name = segment.name
            guard let seal = try? body.withBytes({ (b) throws(DecodeError) in try SealRecord.decode(b) }) else {
                report.problems.append(
                    .init(kind: "seal", message: "the seal cannot be read", file: name, offset: offset)
                )
                return
            }
            var hasher = SHA256()
            var o: UInt64 = 0
            while o < offset {
                guard let chunk = try? segment.file.read(count: Int(min(1 << 20, offset - o)), at: o), !chunk.isEmpty
                else { break }
                hasher.update(data: chunk)
                o += UInt64(chunk.count)
            }
            var wrong: [String] = []
            if seal.lastPosition != nextPosition - 1 {
                wrong.append("last position \(seal.lastPosition) (walked \(nextPosition - 1))")
            }
            if seal.eventCount != nextPosition - base {
                wrong.append("event count \(seal.eventCount) (walked \(nextPosition - base))")
            }
            if seal.blockCount != UInt64(blocks) { wrong.append("block count \(seal.blockCount) (walked \(blocks))") }
            if seal.head != head { wrong.append("chain head") }
            if seal.fileHash != Array(hasher.finalize()) { wrong.append("file hash") }
            if !wrong.isEmpty {
                report.problems.append(
                    .init(
                        kind: "seal",
                        message: "the seal disagrees with the segment: " + wrong.joined(separator: ", "),
                        file: name,
                        offset: offset
                    )
                )
            }
        }

        /// Compares the index file, entry by entry, with what the walk rebuilt.
        func checkIndex(_ report: inout VerificationReport) {
            let name = "log/" + StoreLayout.indexName
            guard FileSystem.exists(layout.indexPath) else {
                report.notes.append("no index file (the next open rebuilds it)")
                return
            }
            let file: IndexFile
            do {
                let handle = try FileHandle.open(layout.indexPath, name: name, flags: O_RDONLY)
                let data = try handle.read(count: Int(try handle.size()), at: 0)
                file = try data.withBytes { (_) throws(DecodeError) in try IndexFile(data: data) }
            } catch let error as DecodeError {
                report.problems.append(
                    .init(kind: "index", message: error.reason, file: name, offset: UInt64(error.offset))
                )
                return
            } catch {
                report.problems.append(.init(kind: "index", message: "\(error)", file: name))
                return
            }
            func problem(_ message: String, position: UInt64? = nil) {
                report.problems.append(.init(kind: "index", message: message, file: name, position: position))
            }
            let covered = file.coverage.lastPosition
            guard covered < nextPosition else {
                problem(
                    "the index covers position \(covered) but the log ends at \(nextPosition - 1)",
                    position: covered
                )
                return
            }
            let coveredBlocks = blocks.prefix { $0.lastPosition <= covered }
            if file.blockCount != coveredBlocks.count {
                problem(
                    "the index counts \(file.blockCount) blocks, the log has \(coveredBlocks.count) up to position \(covered)"
                )
            } else {
                for i in 0..<file.anchorCount where file.anchor(at: i) != coveredBlocks[i * IndexFile.anchorInterval] {
                    problem(
                        "anchor \(i) does not match the log",
                        position: coveredBlocks[i * IndexFile.anchorInterval].firstPosition
                    )
                    break
                }
            }
            if covered > 0, !coveredBlocks.isEmpty, headsAfterBlocks[coveredBlocks.count - 1] != file.coverage.head {
                problem("the index's chain head differs from the log's at position \(covered)", position: covered)
            }
            var indexed = 0
            var lookup = table
            for i in 0..<file.streamCount {
                let stream = String(decoding: file.streamName(at: i), as: UTF8.self)
                let slot = file.streamSlot(at: i)
                let entries = (0..<slot.count).map { file.entry(slot.firstEntry + $0) }
                let id = Int(lookup.id(of: file.streamName(at: i)))
                let expected = (id < streamEntries.count ? streamEntries[id] : []).filter { $0.position <= covered }
                if entries != expected {
                    problem(
                        "stream \(stream) has entries that differ from the log's",
                        position: entries.first?.position
                    )
                }
                if Checksum.hashString(stream) != file.streamHash(at: i) {
                    problem("stream \(stream) has the wrong hash")
                }
                indexed += 1
            }
            let expectedStreams = streamEntries.filter { ($0.first?.position ?? .max) <= covered }.count
            if indexed != expectedStreams {
                problem("the index lists \(indexed) streams, the log has \(expectedStreams)")
            }
            let expectedKeys = keys.filter { $0.value.firstPosition <= covered }
            if file.keyCount != expectedKeys.count {
                problem("the index lists \(file.keyCount) idempotency keys, the log has \(expectedKeys.count)")
            } else {
                for i in 0..<file.keyCount {
                    let key = String(decoding: file.keyName(at: i), as: UTF8.self)
                    if expectedKeys[key] != file.keyLocation(at: i) {
                        problem("idempotency key entry \(i) does not match the log")
                    }
                }
            }
        }
    }
}

extension EventLog {
    /// Verifies the store at `path` offline and reports every problem with its place.
    ///
    /// - Parameters:
    ///   - path: the store's directory (a live store or a copy).
    ///   - digests: digests noted earlier; each is confirmed only by recomputing every chain link
    ///     from the genesis through its position.
    ///   - progress: called now and then with the last position checked.
    /// - Complexity: reads every byte of the log once (plus once more for sealed segments' hashes).
    public static func verify(
        at path: String,
        expecting digests: [LogDigest] = [],
        progress: ((UInt64) -> Void)? = nil
    ) -> VerificationReport {
        LogVerifier.verify(layout: StoreLayout(root: path), digests: digests, progress: progress)
    }
}
