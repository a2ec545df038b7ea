/// The stream index as written to disk: immutable, checksummed, searched in place.
///
/// ```
/// header (128 B): magic "DOCKETIX", version u32, reserved u32, last position, last segment,
///   last frame offset, end offset, chain head (32), anchor/stream/entry/key counts, pool size,
///   total block count
/// anchors (56 B each, every 32nd block by position): first position, event count u32,
///   segment u32, offset, chain head before the block (32)
/// streams (32 B each, by (XXH3 of name, name)): name hash, pool offset, name length u32,
///   event count u32, first entry
/// entries (16 B each): position, segment u32, block offset u32 — grouped by stream, in
///   version order (version = rank + 1), so a stream read goes straight to its blocks
/// keys    (32 B each, by (XXH3 of key, key)): key hash, pool offset, key length u32,
///   event count u32, first position
/// string pool, then XXH3-64 of everything before it (8 B)
/// ```
/// Loading is one map and one checksum — no parsing per stream — so opening a large log with a
/// current index costs milliseconds, and the file is read in place (``init(mapping:length:)``).
/// The file is derived data: when it is missing, damaged or does not match the log, the log is
/// scanned and the index rebuilt.
final class IndexFile: @unchecked Sendable {
    // Immutable after init; lookups only read.
    static let magic: [UInt8] = Array("DOCKETIX".utf8)
    static let headerSize = 128
    static let anchorSize = 56
    static let entrySize = 16
    /// One block in this many gets an anchor (position → place, and the chain head before it).
    static let anchorInterval = 32
    static let streamSize = 32
    static let keySize = 32

    private let storage: UnsafeRawBufferPointer
    /// What holds the bytes: the map they are read through, or a copy in memory. It frees them
    /// when released, so no path of a failed init frees them twice.
    private let owner: AnyObject
    var bytes: UnsafeRawBufferPointer { storage }

    let coverage: IndexCoverage
    let anchorCount: Int
    /// Blocks the file covers (anchors are every ``anchorInterval``-th of them).
    let blockCount: Int
    let streamCount: Int
    let entryCount: Int
    let keyCount: Int
    private let anchorsOffset: Int
    private let streamsOffset: Int
    private let entriesOffset: Int
    private let keysOffset: Int
    private let poolOffset: Int
    let poolSize: Int

    /// Checks and adopts `data` as an index file (copied into memory of its own, aligned).
    convenience init(data: [UInt8]) throws(DecodeError) {
        let copy = AlignedBytes(copying: data)
        try self.init(checking: copy.bytes, owner: copy)
    }

    /// Checks the first `length` bytes of `file` as an index file and reads it through a
    /// read-only map from then on.
    ///
    /// The index grows with the log (about 66 bytes an event: 57 MB at 100,000 cases): read into
    /// memory it stayed resident for the store's life, and a checkpoint held the old file, the
    /// new one being built and its copy at once. Mapped, its pages are the kernel's page cache:
    /// after the check has read them all they are dropped from this process
    /// (`MADV_DONTNEED`), and only what look-ups touch comes back.
    convenience init(mapping file: FileHandle, length: Int) throws(DecodeError) {
        guard length >= Self.headerSize + 8 else { throw DecodeError(reason: "not a Docket index file", offset: 0) }
        guard let map = MappedFile(file: file, length: length) else {
            throw DecodeError(reason: "the index file cannot be mapped", offset: 0)
        }
        try self.init(checking: map.bytes, owner: map)
        map.dropResidentPages()
    }

    private init(checking b: UnsafeRawBufferPointer, owner: AnyObject) throws(DecodeError) {
        guard b.count >= Self.headerSize + 8, b[0..<8].elementsEqual(Self.magic) else {
            throw DecodeError(reason: "not a Docket index file", offset: 0)
        }
        let stored = b.loadUnaligned(fromByteOffset: b.count - 8, as: UInt64.self)
        let computed = Checksum.xxh3(UnsafeRawBufferPointer(rebasing: b[0..<(b.count - 8)]))
        guard UInt64(littleEndian: stored) == computed else {
            throw DecodeError(reason: "index checksum mismatch", offset: b.count - 8)
        }
        storage = b
        self.owner = owner
        func u64(_ o: Int) -> UInt64 { UInt64(littleEndian: b.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        guard b.loadUnaligned(fromByteOffset: 8, as: UInt32.self) == 1 else {
            throw DecodeError(reason: "unsupported index version", offset: 8)
        }
        coverage = IndexCoverage(
            lastPosition: u64(16),
            head: try ChainHash(UnsafeRawBufferPointer(rebasing: b[48..<80])),
            segment: u64(24),
            lastFrameOffset: u64(32),
            endOffset: u64(40)
        )
        let counts = (u64(80), u64(88), u64(96), u64(104), u64(112))
        guard counts.0 < 1 << 40, counts.1 < 1 << 40, counts.2 < 1 << 40, counts.3 < 1 << 40, counts.4 < 1 << 40 else {
            throw DecodeError(reason: "index counts out of range", offset: 80)
        }
        anchorCount = Int(counts.0)
        streamCount = Int(counts.1)
        entryCount = Int(counts.2)
        keyCount = Int(counts.3)
        poolSize = Int(counts.4)
        blockCount = Int(u64(120))
        anchorsOffset = Self.headerSize
        streamsOffset = anchorsOffset + anchorCount * Self.anchorSize
        entriesOffset = streamsOffset + streamCount * Self.streamSize
        keysOffset = entriesOffset + entryCount * Self.entrySize
        poolOffset = keysOffset + keyCount * Self.keySize
        guard poolOffset + poolSize + 8 == b.count,
            anchorCount == (blockCount + Self.anchorInterval - 1) / Self.anchorInterval
        else {
            throw DecodeError(reason: "index sections do not add up to the file size", offset: 80)
        }
    }

    private func u64(_ offset: Int) -> UInt64 {
        UInt64(littleEndian: storage.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    private func u32(_ offset: Int) -> UInt32 {
        UInt32(littleEndian: storage.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    // MARK: Anchors

    func anchor(at i: Int) -> BlockLocation {
        let o = anchorsOffset + i * Self.anchorSize
        return BlockLocation(
            firstPosition: u64(o),
            eventCount: u32(o + 8),
            segment: u32(o + 12),
            offset: u64(o + 16),
            headBefore: try! ChainHash(UnsafeRawBufferPointer(rebasing: bytes[(o + 24)..<(o + 56)]))
        )
    }

    /// The last anchor at or before `position`.
    func anchor(atOrBefore position: UInt64) -> BlockLocation? {
        var low = 0
        var high = anchorCount
        while low < high {
            let mid = (low + high) / 2
            if u64(anchorsOffset + mid * Self.anchorSize) <= position { low = mid + 1 } else { high = mid }
        }
        return low > 0 ? anchor(at: low - 1) : nil
    }

    // MARK: Streams

    func streamHash(at i: Int) -> UInt64 { u64(streamsOffset + i * Self.streamSize) }

    func streamName(at i: Int) -> UnsafeRawBufferPointer {
        let o = streamsOffset + i * Self.streamSize
        let start = poolOffset + Int(u64(o + 8))
        return UnsafeRawBufferPointer(rebasing: bytes[start..<(start + Int(u32(o + 16)))])
    }

    func streamSlot(at i: Int) -> (firstEntry: Int, count: Int) {
        let o = streamsOffset + i * Self.streamSize
        return (Int(u64(o + 24)), Int(u32(o + 20)))
    }

    func entry(_ i: Int) -> IndexEntry {
        let o = entriesOffset + i * Self.entrySize
        return IndexEntry(position: u64(o), segment: u32(o + 8), offset: u32(o + 12))
    }

    /// The stream's slot in the file, if the file knows the stream.
    func stream(named name: String) -> (firstEntry: Int, count: Int)? {
        let hash = Checksum.hashString(name)
        var low = 0
        var high = streamCount
        while low < high {
            let mid = (low + high) / 2
            if streamHash(at: mid) < hash { low = mid + 1 } else { high = mid }
        }
        var n = name
        return n.withUTF8 { utf8 in
            var i = low
            while i < streamCount, streamHash(at: i) == hash {
                if streamName(at: i).bytesEqual(UnsafeRawBufferPointer(utf8)) { return streamSlot(at: i) }
                i += 1
            }
            return nil
        }
    }

    // MARK: Keys

    func keyHash(at i: Int) -> UInt64 { u64(keysOffset + i * Self.keySize) }

    func keyName(at i: Int) -> UnsafeRawBufferPointer {
        let o = keysOffset + i * Self.keySize
        let start = poolOffset + Int(u64(o + 8))
        return UnsafeRawBufferPointer(rebasing: bytes[start..<(start + Int(u32(o + 16)))])
    }

    func keyLocation(at i: Int) -> KeyLocation {
        let o = keysOffset + i * Self.keySize
        return KeyLocation(firstPosition: u64(o + 24), eventCount: u32(o + 20))
    }

    func key(named key: String) -> KeyLocation? {
        let hash = Checksum.hashString(key)
        var low = 0
        var high = keyCount
        while low < high {
            let mid = (low + high) / 2
            if keyHash(at: mid) < hash { low = mid + 1 } else { high = mid }
        }
        var k = key
        return k.withUTF8 { utf8 in
            var i = low
            while i < keyCount, keyHash(at: i) == hash {
                if keyName(at: i).bytesEqual(UnsafeRawBufferPointer(utf8)) { return keyLocation(at: i) }
                i += 1
            }
            return nil
        }
    }
}
