import LZ4Codec

/// The open segment files of a log and the dictionaries their blocks use.
///
/// Shared by the writer and readers: segments are added when the writer rolls, and dictionaries
/// are loaded once per (segment, offset) and kept, since every block of a segment uses one of a
/// handful of them.
final class SegmentCatalog: @unchecked Sendable {
    struct Segment {
        let header: SegmentHeader
        let file: FileHandle
        var name: String { StoreLayout.relative(StoreLayout.segmentName(header.segmentNumber)) }
    }

    let layout: StoreLayout
    // Guarded by `lock`.
    private let lock = ConditionLock()
    private var segments: [UInt64: Segment] = [:]
    private var dictionaries: [UInt64: [UInt64: LZ4Dictionary]] = [:]
    private var maps: [UInt64: MappedFile] = [:]

    init(layout: StoreLayout) { self.layout = layout }

    func add(_ segment: Segment) { lock.withLock { segments[segment.header.segmentNumber] = segment } }

    func segment(_ number: UInt64) -> Segment? { lock.withLock { segments[number] } }

    var numbers: [UInt64] { lock.withLock { segments.keys.sorted() } }

    /// A map of `segment` covering at least `end` bytes, or `nil` if the file is shorter (the
    /// caller then reads with `pread`). Maps are made on first use and remade as a segment grows.
    func map(segment number: UInt64, covering end: UInt64) -> MappedFile? {
        if let map = lock.withLock({ maps[number] }), UInt64(map.bytes.count) >= end { return map }
        // Map past the end in 64 MiB steps so a growing segment is remapped rarely; only bytes
        // below the file's size (frames the index points to) are ever read.
        let step: UInt64 = 64 << 20
        guard let segment = segment(number), let size = try? segment.file.size(), size >= end,
            let map = MappedFile(file: segment.file, length: Int((size + step - 1) / step * step))
        else { return nil }
        lock.withLock { maps[number] = map }
        return map
    }

    /// Forgets dictionaries at or after `offset` in `segment` (after a torn tail is cut).
    func forgetDictionaries(segment: UInt64, from offset: UInt64) {
        lock.withLock {
            dictionaries[segment] = dictionaries[segment]?.filter { $0.key < offset }
            maps[segment] = nil
        }
    }

    /// Remembers a dictionary the writer just made, so readers need not reload it.
    func remember(_ dictionary: LZ4Dictionary, segment: UInt64, offset: UInt64) {
        lock.withLock { dictionaries[segment, default: [:]][offset] = dictionary }
    }

    /// The dictionary frame at `offset` of `segment`, read and checked on first use.
    func dictionary(segment number: UInt64, offset: UInt64) throws(EventLogError) -> LZ4Dictionary {
        if let cached = lock.withLock({ dictionaries[number]?[offset] }) { return cached }
        guard let segment = segment(number) else {
            throw EventLogError(.corruption, "a block refers to segment \(number), which does not exist")
        }
        let frame = try FrameIO.readFrame(segment, at: offset, catalog: self)
        guard frame.header.kind == .dictionary else {
            throw EventLogError(
                .corruption,
                "a block's dictionary offset does not point at a dictionary frame",
                file: segment.name,
                offset: offset
            )
        }
        let raw = try FrameIO.rawBody(frame, segment: segment, offset: offset, catalog: self)
        let dictionary = LZ4Dictionary(raw)
        remember(dictionary, segment: number, offset: offset)
        return dictionary
    }
}
