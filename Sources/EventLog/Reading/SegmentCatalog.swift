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

    init(layout: StoreLayout) { self.layout = layout }

    func add(_ segment: Segment) { lock.withLock { segments[segment.header.segmentNumber] = segment } }

    func segment(_ number: UInt64) -> Segment? { lock.withLock { segments[number] } }

    var numbers: [UInt64] { lock.withLock { segments.keys.sorted() } }

    /// Forgets dictionaries at or after `offset` in `segment` (after a torn tail is cut).
    func forgetDictionaries(segment: UInt64, from offset: UInt64) {
        lock.withLock { dictionaries[segment] = dictionaries[segment]?.filter { $0.key < offset } }
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
        let frame = try FrameIO.readFrame(segment, at: offset)
        guard frame.header.kind == .dictionary else {
            throw EventLogError(.corruption, "a block's dictionary offset does not point at a dictionary frame", file: segment.name, offset: offset)
        }
        let raw = try FrameIO.rawBody(frame, segment: segment, offset: offset, catalog: self)
        let dictionary = LZ4Dictionary(raw)
        remember(dictionary, segment: number, offset: offset)
        return dictionary
    }
}
