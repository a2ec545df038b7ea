import LZ4Codec

#if canImport(Glibc)
import Glibc
#endif

/// The state of the log's last segment that the writer continues from.
struct ActiveSegment {
    var segment: SegmentCatalog.Segment
    /// The end of the last whole frame: where the next write goes.
    var end: UInt64
    /// The dictionary new blocks compress against, and its frame's offset.
    var dictionary: (offset: UInt64, value: LZ4Dictionary)?
    /// The segment already ends with a seal (a crash came between sealing and the next segment).
    var sealed: Bool
}

/// What open produced: the catalog, the live index, and where the writer goes on.
struct OpenedLog {
    var catalog: SegmentCatalog
    var index: StreamIndex
    var nextPosition: UInt64
    var head: ChainHash
    var active: ActiveSegment
    var report: RecoveryReport
}

/// Opening a log: check segment headers, links and seals; adopt the index if it matches the log;
/// scan what lies beyond it; and tell a torn tail (cut and reported) from damage (refused).
///
/// The rule (after PAR, FAST'18, and TigerBeetle's single-replica stance): the first invalid
/// frame of the last segment is a torn tail only if no valid frame for a later position follows
/// it and it lies beyond everything the index says was acknowledged; anything else is damage,
/// and open fails naming the segment, offset and position.
enum LogRecovery {
    static func open(layout: StoreLayout, writable: Bool) throws(EventLogError) -> OpenedLog {
        guard FileSystem.isDirectory(layout.logDirectory) else {
            throw EventLogError(.storeNotFound, "no Docket store at \(layout.root) (run `docket init` first)")
        }
        let names = try FileSystem.list(layout.logDirectory)
        if writable {
            for name in names where name.hasSuffix(".tmp") { FileSystem.remove(layout.logDirectory + "/" + name) }
        }
        let numbers = names.compactMap(StoreLayout.segmentNumber(fromName:)).sorted()
        guard !numbers.isEmpty else {
            throw EventLogError(.corruption, "the store has no segment files", file: "log")
        }
        guard numbers == Array(1...UInt64(numbers.count)) else {
            let missing = (1...UInt64(numbers.last!)).first { !numbers.contains($0) } ?? 0
            throw EventLogError(
                .corruption,
                "segment \(missing) is missing",
                file: StoreLayout.relative(StoreLayout.segmentName(missing))
            )
        }
        let lastNumber = numbers.last!
        let catalog = SegmentCatalog(layout: layout)
        for n in numbers {
            let name = StoreLayout.relative(StoreLayout.segmentName(n))
            let file = try FileHandle.open(
                layout.segmentPath(n),
                name: name,
                flags: writable && n == lastNumber ? O_RDWR : O_RDONLY
            )
            let bytes = try file.read(count: SegmentHeader.size, at: 0)
            let header: SegmentHeader
            do throws(DecodeError) {
                header = try bytes.withBytes { (b) throws(DecodeError) in try SegmentHeader.decode(b) }
            } catch {
                throw EventLogError(
                    .corruption,
                    "segment header: \(error.reason)",
                    file: name,
                    offset: UInt64(error.offset)
                )
            }
            guard header.segmentNumber == n else {
                throw EventLogError(.corruption, "file holds segment \(header.segmentNumber)", file: name, offset: 16)
            }
            catalog.add(SegmentCatalog.Segment(header: header, file: file))
        }

        // Links: each segment starts where the previous seal ended.
        let first = catalog.segment(1)!
        guard first.header.basePosition == 1, first.header.previousHead == .genesis else {
            throw EventLogError(.corruption, "the first segment does not start the chain", file: first.name, offset: 24)
        }
        var lastSeal: SealRecord?
        for n in numbers {
            let segment = catalog.segment(n)!
            let seal = try readSeal(segment)
            if n < lastNumber {
                guard let seal else {
                    throw EventLogError(.corruption, "a segment that is not the last has no seal", file: segment.name)
                }
                let next = catalog.segment(n + 1)!
                guard next.header.basePosition == seal.lastPosition + 1, next.header.previousHead == seal.head else {
                    throw EventLogError(
                        .corruption,
                        "segment does not continue the previous segment's chain",
                        file: next.name,
                        offset: 24,
                        position: next.header.basePosition
                    )
                }
            } else {
                lastSeal = seal
            }
        }

        var report = RecoveryReport()
        let (indexFile, coverageFrame) = try loadIndex(
            layout: layout,
            catalog: catalog,
            lastNumber: lastNumber,
            report: &report
        )
        let startCoverage =
            indexFile?.coverage
            ?? IndexCoverage(
                lastPosition: 0,
                head: .genesis,
                segment: 1,
                lastFrameOffset: 0,
                endOffset: UInt64(SegmentHeader.size)
            )
        let index = StreamIndex(base: indexFile, coverage: startCoverage)

        var scan = TailScan(
            index: index,
            catalog: catalog,
            start: startCoverage,
            dictionaryOffset: coverageFrame?.dictionaryOffset ?? 0
        )
        try scan.run(lastNumber: lastNumber)
        report.scannedEvents = scan.scannedEvents
        if indexFile == nil && scan.scannedEvents == 0 {
            // An empty log needs no index: nothing was rebuilt.
            report.indexRebuilt = false
            report.indexNote = nil
        }

        // Cut a torn tail back to the end of the last whole commit.
        let last = catalog.segment(lastNumber)!
        let size = try last.file.size()
        let cut = scan.commit.segment == lastNumber ? scan.commit.endOffset : UInt64(SegmentHeader.size)
        let sealed = lastSeal != nil && scan.tornAt == nil && scan.pendingEvents == 0
        var end = size
        if !sealed && size > cut {
            report.truncatedBytes = size - cut
            report.truncatedFile = last.name
            report.truncatedAtOffset = cut
            report.discardedEvents = scan.pendingEvents
            end = cut
            if writable {
                try last.file.truncate(to: cut)
                try last.file.syncAll()
            }
            catalog.forgetDictionaries(segment: lastNumber, from: cut)
        }
        index.apply(scan.committed)

        var dictionary: (UInt64, LZ4Dictionary)?
        let dictionaryOffset = scan.commit.segment == lastNumber ? scan.commit.dictionaryOffset : 0
        if dictionaryOffset > 0 {
            dictionary = (dictionaryOffset, try catalog.dictionary(segment: lastNumber, offset: dictionaryOffset))
        }
        return OpenedLog(
            catalog: catalog,
            index: index,
            nextPosition: scan.commit.lastPosition + 1,
            head: scan.commit.head,
            active: ActiveSegment(segment: last, end: end, dictionary: dictionary, sealed: sealed),
            report: report
        )
    }

    static func readSeal(_ segment: SegmentCatalog.Segment) throws(EventLogError) -> SealRecord? {
        let size = try segment.file.size()
        let frameLength = UInt64(FrameHeader.size + SealRecord.size)
        guard size >= UInt64(SegmentHeader.size) + frameLength else { return nil }
        let offset = size - frameLength
        let bytes = try segment.file.read(count: Int(frameLength), at: offset)
        let seed = segment.header.seed
        return bytes.withUnsafeBytes { b -> SealRecord? in
            guard let header = try? FrameHeader.decode(b, seed: seed), header.kind == .seal,
                header.storedLength == UInt32(SealRecord.size)
            else { return nil }
            let body = UnsafeRawBufferPointer(rebasing: b[FrameHeader.size...])
            guard header.bodyMatches(body, seed: seed) else { return nil }
            return try? SealRecord.decode(body)
        }
    }

    /// Loads the index file if it is whole and matches the log; `nil` means rebuild by scanning.
    private static func loadIndex(
        layout: StoreLayout,
        catalog: SegmentCatalog,
        lastNumber: UInt64,
        report: inout RecoveryReport
    ) throws(EventLogError) -> (IndexFile?, FrameHeader?) {
        func rebuild(_ note: String) -> (IndexFile?, FrameHeader?) {
            report.indexRebuilt = true
            report.indexNote = note
            return (nil, nil)
        }
        guard FileSystem.exists(layout.indexPath) else { return rebuild("no index file") }
        let handle = try FileHandle.open(layout.indexPath, name: "log/" + StoreLayout.indexName, flags: O_RDONLY)
        let length = Int(try handle.size())
        let file: IndexFile
        do throws(DecodeError) {
            file = try IndexFile(mapping: handle, length: length)
        } catch {
            return rebuild("index file unreadable (\(error.reason))")
        }
        let coverage = file.coverage
        guard coverage.lastPosition > 0 else { return rebuild("index covers no events") }
        guard coverage.segment <= lastNumber, let segment = catalog.segment(coverage.segment),
            try segment.file.size() >= coverage.endOffset
        else {
            throw EventLogError(
                .acknowledgedDataMissing,
                "the log ends before position \(coverage.lastPosition), which its index recorded as written; restore the missing segment data",
                file: StoreLayout.relative(StoreLayout.segmentName(coverage.segment)),
                offset: coverage.endOffset,
                position: coverage.lastPosition
            )
        }
        let frame = try FrameIO.readFrame(segment, at: coverage.lastFrameOffset)
        guard frame.header.kind == .events,
            frame.header.firstPosition + UInt64(frame.header.eventCount) - 1 == coverage.lastPosition,
            coverage.lastFrameOffset + UInt64(frame.header.frameLength) == coverage.endOffset
        else { return rebuild("index does not match the log (stale)") }
        return (file, frame.header)
    }
}
