import EventLog

/// The write side's cross-case index saved at a log position, so that opening the write side
/// reads it and the log after it instead of the whole log.
///
/// Opening the write side (every `docket submit`, every server start) scanned the whole log,
/// opening every application's sealed identity: 1.6 s of a one-command submit on a
/// 100,000-case store (`perf`: 69 % of the run), about 25 s at 1,000,000 cases. The snapshot is
/// derived from the log and never trusted over it: it is used only when it is whole (its MAC,
/// under the store's index key, holds), when the log still holds its position with the same
/// chain head (a log restored from an older backup, or another log, is not matched), and when
/// the log after it holds no erasure (an erasure after it would have to remove a person it
/// holds; the whole log is scanned then, as before). Anything else: the whole log is scanned,
/// and the next clean close writes a new one.
///
/// `<store>/keys/cross-case-index.snapshot`, owner-only, written whole (temporary file,
/// `fsync`, rename, directory `fsync`). People are held as ``PersonToken``s, never as document
/// numbers; the rest (payment references, ticket, certificate and complaint ids, photo hashes,
/// batch ids) is what the log holds in clear. Little-endian binary:
///
/// ```
/// "DKCI" | u8 version | digest (string: docket-log-v1:P:head)
/// persons:   u32 n, n × (16-byte token, u32 m, m × case id)
/// paymentRefs, ticketNumbers, certificateNumbers, complaintIDs: u32 n, n × (key, case id)
/// batchesWithScores: u32 n, n × batch id
/// photoUsers: u32 n, n × (sha256, u32 count)
/// batches:   u32 n, n × batch id (their streams are read again from the log)
/// 32-byte HMAC-SHA256 of everything before it, under the index key
/// ```
///
/// Strings are a u32 length and UTF-8 bytes.
struct CrossCaseIndexSnapshot {
    static func path(storeRoot: String) -> String { storeRoot + "/keys/cross-case-index.snapshot" }
    static let magic: [UInt8] = Array("DKCI".utf8)
    static let version: UInt8 = 1

    /// Where in the log the index stands: through this position, at this chain head.
    var digest: LogDigest
    var index: CrossCaseIndex
    /// Every batch with events through `digest.position`.
    var batchIDs: [String]

    /// The file's bytes, MAC last.
    func encoded() -> [UInt8] {
        var out = SnapshotWriter()
        out.bytes += Self.magic
        out.bytes.append(Self.version)
        out.string(digest.description)
        out.u32(index.casesByPerson.count)
        for (token, cases) in index.casesByPerson {
            out.u64(token.high)
            out.u64(token.low)
            out.u32(cases.count)
            for id in cases { out.string(id) }
        }
        for map in [index.paymentRefs, index.ticketNumbers, index.certificateNumbers, index.complaintIDs] {
            out.u32(map.count)
            for (key, id) in map {
                out.string(key)
                out.string(id)
            }
        }
        out.u32(index.batchesWithScores.count)
        for id in index.batchesWithScores { out.string(id) }
        out.u32(index.photoUsers.count)
        for (sha, count) in index.photoUsers {
            out.string(sha)
            out.u32(count)
        }
        out.u32(batchIDs.count)
        for id in batchIDs { out.string(id) }
        out.bytes += out.bytes.withUnsafeBytes { index.persons.seal($0) }
        return out.bytes
    }

    /// The snapshot `bytes` hold, or why they cannot be used (not whole, not made under this
    /// key, another format). Never trusts a count or a length it has not checked. Read in place
    /// (the file is 170 MB at 1,000,000 cases: a copy of its body, and an array per field, were
    /// a third of opening from it).
    static func decode(_ bytes: [UInt8], persons: PersonTokenizer) -> Result<CrossCaseIndexSnapshot, Unusable> {
        guard bytes.count >= magic.count + 1 + 32 else { return .failure(Unusable("too short")) }
        return bytes.withUnsafeBytes { raw in
            let body = UnsafeRawBufferPointer(rebasing: raw[..<(raw.count - 32)])
            let mac = persons.seal(body)
            guard mac.elementsEqual(raw[(raw.count - 32)...]) else {
                return .failure(Unusable("its MAC does not hold (damaged, or not made under this store's key)"))
            }
            var input = SnapshotReader(bytes: body)
            return decode(&input, persons: persons)
        }
    }

    private static func decode(
        _ input: inout SnapshotReader,
        persons: PersonTokenizer
    ) -> Result<CrossCaseIndexSnapshot, Unusable> {
        guard input.matches(magic) else { return .failure(Unusable("not a snapshot")) }
        guard input.matches([version]) else { return .failure(Unusable("another format version")) }
        guard let digestText = input.string(), let digest = LogDigest(digestText) else {
            return .failure(Unusable("no log digest"))
        }
        func failed(_ section: String) -> Result<CrossCaseIndexSnapshot, Unusable> {
            .failure(Unusable("its sections do not add up (at \(section))"))
        }
        guard let people = input.count(itemSize: 20) else { return failed("people") }
        var casesByPerson: [PersonToken: [String]] = [:]
        casesByPerson.reserveCapacity(people)
        for _ in 0..<people {
            guard let high = input.u64(), let low = input.u64(), let n = input.count() else { return failed("people") }
            var cases: [String] = []
            cases.reserveCapacity(n)
            for _ in 0..<n {
                guard let id = input.string() else { return failed("people") }
                cases.append(id)
            }
            casesByPerson[PersonToken(high: high, low: low)] = cases
        }
        var maps: [[String: String]] = []
        for name in ["payment references", "ticket numbers", "certificate numbers", "complaint ids"] {
            guard let n = input.count(itemSize: 8) else { return failed(name) }
            var map: [String: String] = [:]
            map.reserveCapacity(n)
            for _ in 0..<n {
                guard let key = input.string(), let id = input.string() else { return failed(name) }
                map[key] = id
            }
            maps.append(map)
        }
        guard let scored = input.count() else { return failed("batches with scores") }
        var batchesWithScores = Set<String>()
        for _ in 0..<scored {
            guard let id = input.string() else { return failed("batches with scores") }
            batchesWithScores.insert(id)
        }
        guard let photos = input.count(itemSize: 8) else { return failed("photos") }
        var photoUsers: [String: Int] = [:]
        photoUsers.reserveCapacity(photos)
        for _ in 0..<photos {
            guard let sha = input.string(), let count = input.u32() else { return failed("photos") }
            photoUsers[sha] = count
        }
        guard let batches = input.count() else { return failed("batches") }
        var batchIDs: [String] = []
        for _ in 0..<batches {
            guard let id = input.string() else { return failed("batches") }
            batchIDs.append(id)
        }
        guard input.isAtEnd else { return failed("the end") }
        let index = CrossCaseIndex(
            persons: persons,
            casesByPerson: casesByPerson,
            paymentRefs: maps[0],
            ticketNumbers: maps[1],
            certificateNumbers: maps[2],
            complaintIDs: maps[3],
            batchesWithScores: batchesWithScores,
            photoUsers: photoUsers
        )
        return .success(CrossCaseIndexSnapshot(digest: digest, index: index, batchIDs: batchIDs))
    }

    /// Why a snapshot was not used (the whole log is scanned instead).
    struct Unusable: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Writes the snapshot whole: a temporary file, synced, renamed over the old one, and the
    /// directory synced.
    func write(storeRoot: String) throws(DocketStoreError) {
        try Posix.replaceDurably(Self.path(storeRoot: storeRoot), with: encoded())
    }
}

/// Appends the snapshot's little-endian fields.
private struct SnapshotWriter {
    var bytes: [UInt8] = []

    mutating func u32(_ value: Int) {
        let v = UInt32(truncatingIfNeeded: value)
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
    }

    mutating func u64(_ v: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }

    mutating func string(_ text: String) {
        let utf8 = Array(text.utf8)
        u32(utf8.count)
        bytes += utf8
    }
}

/// Reads the snapshot's fields in place, `nil` past the end (a count or length is checked
/// against what is left before anything is made of that size). Valid only inside the
/// `withUnsafeBytes` that lends `bytes`.
private struct SnapshotReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    var isAtEnd: Bool { offset == bytes.count }

    /// Whether `expected` comes next (consumed if so).
    mutating func matches(_ expected: [UInt8]) -> Bool {
        guard expected.count <= bytes.count - offset,
            bytes[offset..<(offset + expected.count)].elementsEqual(expected)
        else { return false }
        offset += expected.count
        return true
    }

    mutating func u64() -> UInt64? {
        guard 8 <= bytes.count - offset else { return nil }
        defer { offset += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    mutating func u32() -> Int? {
        guard 4 <= bytes.count - offset else { return nil }
        defer { offset += 4 }
        return Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    }

    /// A u32 count of items each encoded in at least `itemSize` bytes, refused when the bytes
    /// left cannot hold them: a damaged or hostile count never reserves room for billions.
    mutating func count(itemSize: Int = 4) -> Int? {
        guard let v = u32() else { return nil }
        return v <= (bytes.count - offset) / itemSize ? v : nil
    }

    mutating func string() -> String? {
        guard let n = count(itemSize: 1) else { return nil }
        defer { offset += n }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]), as: UTF8.self)
    }
}
