import Certification
import CertificationWire
import Crypto

#if canImport(Glibc)
import Glibc
#endif

/// The store's per-case keys for personal data (issue 17): `<store>/keys/personal-data.keys`,
/// owner-only, beside the log and never in it, so destroying a key erases what it sealed while
/// the log (which holds only ciphertext) still verifies.
///
/// Each case has one key per ``PersonalDataGroups`` group and *generation*: an erasure destroys
/// every generation of the erased groups made before it; a complaint lodged on the case later
/// is sealed under a new generation. The file is append-only records:
///
/// ```
/// u8 group | u32 generation | u64 position | u16 id length | case id | 32-byte key | 8-byte check
/// ```
///
/// (little endian; `position` is the log position of the first event sealed under the key; the
/// check is the first 8 bytes of SHA-256 over everything before it). A key is destroyed by
/// overwriting its 32 bytes and check in place with zeros and syncing: no copy of it is left in
/// the file. On open, a torn last record (a crash while appending: the group it was for was
/// never written to the log, which waits for this file's sync) is cut; a record whose check
/// fails elsewhere was being destroyed and counts as destroyed.
///
/// New keys are kept in memory when a command is decided and written, with one `fdatasync`, by
/// ``writeStaged()`` on the log's writer thread before the group that uses them is written: no
/// event on disk, acknowledged or not, is sealed under a key a crash could lose.
public final class PersonalKeyring: PersonalDataKeys, @unchecked Sendable {
    /// The keyring file of the store at `storeRoot`.
    public static func path(storeRoot: String) -> String { storeRoot + "/keys/personal-data.keys" }

    struct Entry {
        var group: PersonalDataGroups
        var generation: Int
        var position: UInt64
        /// Where the record starts in the file (`-1` while staged).
        var offset: Int
        /// The key's place in ``slots``; `-1` once destroyed.
        var slot: Int32
        var isLive: Bool { slot >= 0 }
        /// An erasure of its group is decided: it seals nothing more (data decided after the
        /// erasure goes under a new generation, which the erasure does not destroy).
        var retired = false
    }

    private let path: String
    private let readOnly: Bool
    private let lock = Lock()
    private var fd: Int32
    private var entries: [String: [Entry]] = [:]
    /// Every key read or made, by ``Entry/slot``.
    private let slots = KeySlots()
    /// The file's length as read (records appended by another process are read on a miss).
    private var length = 0
    private var staged: [(caseID: String, entry: Entry)] = []

    private init(path: String, fd: Int32, readOnly: Bool) {
        self.path = path
        self.fd = fd
        self.readOnly = readOnly
    }

    deinit { close(fd) }

    /// Creates the empty keyring of a new store.
    public static func create(storeRoot: String) throws(DocketStoreError) {
        try Posix.makeDirectory(storeRoot + "/keys")
        let p = path(storeRoot: storeRoot)
        let fd = Glibc.open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Posix.error("cannot create the keyring", path: p) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw Posix.error("cannot sync the keyring", path: p) }
        try Posix.syncDirectory(storeRoot + "/keys")
    }

    /// The keyring of the store at `storeRoot`, or `nil` for a store made before personal data
    /// was sealed (its events are in clear; `docket privacy migrate` copies it into a sealed one).
    public static func open(storeRoot: String, readOnly: Bool) throws(DocketStoreError) -> PersonalKeyring? {
        let p = path(storeRoot: storeRoot)
        guard access(p, F_OK) == 0 else { return nil }
        let fd = Glibc.open(p, (readOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC)
        guard fd >= 0 else { throw Posix.error("cannot open the keyring", path: p) }
        let ring = PersonalKeyring(path: p, fd: fd, readOnly: readOnly)
        try ring.lock.withLock { () throws(DocketStoreError) in try ring.readNew(truncateTornTail: false) }
        return ring
    }

    // MARK: PersonalDataKeys

    public func key(caseID: String, group: PersonalDataGroups, generation: Int) -> SymmetricKey? {
        lock.withLock {
            if let found = lookup(caseID, group, generation) { return found.isLive ? slots.key(found.slot) : nil }
            // Written by the store's writer since this reader opened it.
            try? readNew(truncateTornTail: false)
            guard let found = lookup(caseID, group, generation), found.isLive else { return nil }
            return slots.key(found.slot)
        }
    }

    public func sealingKey(
        caseID: String,
        group: PersonalDataGroups,
        position: UInt64
    ) -> (generation: Int, key: SymmetricKey)? {
        lock.withLock {
            let existing = entries[caseID, default: []].filter { $0.group == group }
            if let live = existing.last, !live.retired, live.isLive { return (live.generation, slots.key(live.slot)) }
            guard !readOnly else { return nil }
            let generation = (existing.map(\.generation).max() ?? 0) + 1
            let key = SymmetricKey(size: .bits256)
            let entry = Entry(
                group: group,
                generation: generation,
                position: position,
                offset: -1,
                slot: slots.add(key)
            )
            entries[caseID, default: []].append(entry)
            staged.append((caseID, entry))
            return (generation, key)
        }
    }

    private func lookup(_ caseID: String, _ group: PersonalDataGroups, _ generation: Int) -> Entry? {
        entries[caseID]?.first { $0.group == group && $0.generation == generation }
    }

    // MARK: Writing

    /// Appends the keys made since the last call and syncs the file (one `fdatasync`). Runs on
    /// the log's writer thread before each group is written.
    /// - Throws: when the keys cannot be written or synced (the group then fails, as a failed
    ///   sync of the log would).
    func writeStaged() throws(DocketStoreError) {
        try lock.withLock { () throws(DocketStoreError) in
            guard !staged.isEmpty else { return }
            var bytes: [UInt8] = []
            var offsets: [Int] = []
            for (caseID, entry) in staged {
                offsets.append(length + bytes.count)
                bytes += Self.record(caseID: caseID, entry: entry, key: slots.bytes(entry.slot))
            }
            try writeAll(bytes, at: length)
            guard fdatasync(fd) == 0 else { throw Posix.error("cannot sync the keyring", path: path) }
            for ((caseID, entry), offset) in zip(staged, offsets) {
                if let i = entries[caseID]?.firstIndex(where: {
                    $0.group == entry.group && $0.generation == entry.generation
                }) {
                    entries[caseID]![i].offset = offset
                }
            }
            length += bytes.count
            staged.removeAll()
        }
    }

    /// Destroys every key of `groups` of case `caseID` first used before log position `before`
    /// (the erasure's own position): overwritten with zeros in place, then synced.
    /// - Returns: how many keys were destroyed (0 when they already were).
    @discardableResult
    func destroy(caseID: String, groups: PersonalDataGroups, before: UInt64) throws(DocketStoreError) -> Int {
        try lock.withLock { () throws(DocketStoreError) -> Int in
            guard var list = entries[caseID] else { return 0 }
            var destroyed = 0
            for i in list.indices
            where groups.contains(list[i].group) && list[i].position < before && list[i].isLive {
                if list[i].offset >= 0 {
                    let idLength = caseID.utf8.count
                    try writeAll([UInt8](repeating: 0, count: 40), at: list[i].offset + 15 + idLength)
                } else {
                    staged.removeAll {
                        $0.caseID == caseID && $0.entry.generation == list[i].generation
                            && $0.entry.group == list[i].group
                    }
                }
                slots.erase(list[i].slot)
                list[i].slot = -1
                destroyed += 1
            }
            entries[caseID] = list
            if destroyed > 0, fdatasync(fd) != 0 { throw Posix.error("cannot sync the keyring", path: path) }
            return destroyed
        }
    }

    /// Stops sealing under the current keys of `groups` of case `caseID`: an erasure of them is
    /// decided, and anything decided after it must survive the keys' destruction.
    func retire(caseID: String, groups: PersonalDataGroups) {
        lock.withLock {
            guard var list = entries[caseID] else { return }
            for i in list.indices where groups.contains(list[i].group) { list[i].retired = true }
            entries[caseID] = list
        }
    }

    /// Whether case `caseID` still holds a key of `groups` first used before `before` (an
    /// erasure the store has not yet completed).
    func hasLiveKeys(caseID: String, groups: PersonalDataGroups, before: UInt64) -> Bool {
        lock.withLock {
            entries[caseID]?.contains { groups.contains($0.group) && $0.position < before && $0.isLive } ?? false
        }
    }

    /// The live keys of case `caseID` (group, generation, bytes): what a full evidence bundle
    /// carries so that its verifier can open the case's records.
    public func liveKeys(of caseID: String) -> [(group: PersonalDataGroups, generation: Int, key: [UInt8])] {
        lock.withLock {
            (entries[caseID] ?? []).compactMap { entry in
                entry.isLive ? (entry.group, entry.generation, slots.bytes(entry.slot)) : nil
            }
        }
    }

    /// Live and destroyed keys, for `docket privacy status`.
    public func counts() -> (cases: Int, live: Int, destroyed: Int) {
        lock.withLock {
            var live = 0
            var destroyed = 0
            for list in entries.values {
                for e in list { if e.isLive { live += 1 } else { destroyed += 1 } }
            }
            return (entries.count, live, destroyed)
        }
    }

    // MARK: File

    static func record(caseID: String, entry: Entry, key: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [entry.group.rawValue]
        withUnsafeBytes(of: UInt32(entry.generation).littleEndian) { out += $0 }
        withUnsafeBytes(of: entry.position.littleEndian) { out += $0 }
        let id = Array(caseID.utf8)
        withUnsafeBytes(of: UInt16(id.count).littleEndian) { out += $0 }
        out += id
        out += key
        out += Array(SHA256.hash(data: out).prefix(8))
        return out
    }

    private func writeAll(_ bytes: [UInt8], at offset: Int) throws(DocketStoreError) {
        try Posix.writeAll(fd, bytes, at: offset, path: path)
    }

    /// Reads the records past `length`. Call with `lock` held.
    private func readNew(truncateTornTail: Bool) throws(DocketStoreError) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Posix.error("cannot stat the keyring", path: path) }
        let size = Int(st.st_size)
        guard size > length else { return }
        var bytes = [UInt8](repeating: 0, count: size - length)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes {
                pread(fd, $0.baseAddress! + done, $0.count - done, off_t(length + done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw Posix.error("cannot read the keyring", path: path)
            }
            if n == 0 { break }
            done += n
        }
        var at = 0
        while at < done {
            let headerLength = 15
            guard done - at >= headerLength else { break }
            let idLength = Int(bytes[at + 13]) | Int(bytes[at + 14]) << 8
            let recordLength = headerLength + idLength + 40
            guard done - at >= recordLength else { break }
            let keyStart = at + headerLength + idLength
            let slot = bytes.withUnsafeBytes { all -> Int32 in
                let check = SHA256.hash(data: UnsafeRawBufferPointer(rebasing: all[at..<(keyStart + 32)]))
                let intact = check.withUnsafeBytes { digest in
                    (0..<8).allSatisfy { digest[$0] == all[keyStart + 32 + $0] }
                }
                return intact ? slots.add(UnsafeRawBufferPointer(rebasing: all[keyStart..<(keyStart + 32)])) : -1
            }
            // A whole record whose check fails was being destroyed (or torn while appended,
            // in which case no event used it): either way it counts as destroyed, and keeps
            // its generation number taken. Only a record cut short is a torn append.
            var generation: UInt32 = 0
            var position: UInt64 = 0
            withUnsafeMutableBytes(of: &generation) { $0.copyBytes(from: bytes[(at + 1)..<(at + 5)]) }
            withUnsafeMutableBytes(of: &position) { $0.copyBytes(from: bytes[(at + 5)..<(at + 13)]) }
            let caseID = String(decoding: bytes[(at + headerLength)..<(at + headerLength + idLength)], as: UTF8.self)
            entries[caseID, default: []].append(
                Entry(
                    group: PersonalDataGroups(rawValue: bytes[at]),
                    generation: Int(UInt32(littleEndian: generation)),
                    position: UInt64(littleEndian: position),
                    offset: length + at,
                    slot: slot
                )
            )
            at += recordLength
        }
        length += at
        // The keys are in their slots now: no copy of them is left in freed memory.
        bytes.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
        if at < done, truncateTornTail { try cutTornTail() }
    }

    /// Cuts a record cut short at the end of the file (a crash while appending: the group it
    /// was for never reached the log, which waits for this file's sync). Only the store's
    /// writer does this, holding the log's lock.
    func repairTail() throws(DocketStoreError) {
        try lock.withLock { () throws(DocketStoreError) in try cutTornTail() }
    }

    private func cutTornTail() throws(DocketStoreError) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Posix.error("cannot stat the keyring", path: path) }
        guard Int(st.st_size) > length else { return }
        guard ftruncate(fd, off_t(length)) == 0, fdatasync(fd) == 0 else {
            throw Posix.error("cannot cut the keyring's torn tail", path: path)
        }
    }
}
