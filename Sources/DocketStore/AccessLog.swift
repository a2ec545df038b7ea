import Chronology
import Dispatch
import DocketJSON

#if canImport(Glibc)
import Glibc
#endif

/// Who read whose personal data, when and why (issue 17): `<store>/access/access.jsonl`, beside
/// the log, hash-chained and owner-only.
///
/// One JSON object a line:
///
/// ```
/// {"seq":7,"at":"…","actor":{"id":"sup-li","role":"supervisor"},"channel":"api","action":"case-view",
///  "case":"2024-04-000001","fields":["identity:masked","details"],"purpose":"complaint C-12","prev":"<hex>"}
/// ```
///
/// `prev` is the SHA-256 of the previous line's bytes (64 zeros for the first), so a line
/// removed or changed breaks the chain from there on (``verify()``). Appends from several
/// processes (the server, a CLI reader) are serialised by an exclusive `flock`, which also
/// makes each read the tail another process wrote.
///
/// Durability: a record is written (`write(2)`) before the read it records is answered, so it
/// survives the process being killed (`kill -9`: the kernel holds it); it is synced
/// (`fdatasync`) within ``syncIntervalMilliseconds`` in the background, one sync for every record of that
/// interval. A sync per read costs ~156 µs here and would cap case reads at a few thousand a
/// second; a power cut may lose the records of the last interval (docs/DECISIONS.md).
public final class AccessLog: @unchecked Sendable {
    /// One access.
    public struct Record: Sendable, Hashable {
        public var at: Timestamp
        public var actorID: String
        /// The actor's role, or `operator` for the command line.
        public var role: String
        /// `api`, `console` or `cli`.
        public var channel: String
        /// `case-view`, `timeline`, `replay`, `evidence`, `export`, `feed`.
        public var action: String
        /// The case read, or `*` for reads across cases (export, the feed).
        public var caseID: String
        /// What was disclosed: `identity:full` or `identity:masked`, and `details`.
        public var fields: [String]
        public var purpose: String
        /// The record's place in the access log (from 1), once recorded.
        public var seq: UInt64 = 0

        public init(
            at: Timestamp,
            actorID: String,
            role: String,
            channel: String,
            action: String,
            caseID: String,
            fields: [String],
            purpose: String
        ) {
            self.at = at
            self.actorID = actorID
            self.role = role
            self.channel = channel
            self.action = action
            self.caseID = caseID
            self.fields = fields
            self.purpose = purpose
        }

        public var json: JSONValue {
            .object([
                "seq": .int(seq),
                "at": .string(at.description),
                "actor": .object(["id": .string(actorID), "role": .string(role)]),
                "channel": .string(channel),
                "action": .string(action),
                "case": .string(caseID),
                "fields": .array(fields.map(JSONValue.string)),
                "purpose": .string(purpose),
            ])
        }

        init?(json: JSONValue) {
            guard let seq = json["seq"]?.intValue, let at = json["at"]?.stringValue.flatMap(RFC3339.parse),
                let id = json["actor"]?["id"]?.stringValue, let role = json["actor"]?["role"]?.stringValue,
                let channel = json["channel"]?.stringValue, let action = json["action"]?.stringValue,
                let caseID = json["case"]?.stringValue, let fields = json["fields"]?.arrayValue,
                let purpose = json["purpose"]?.stringValue
            else { return nil }
            self.init(
                at: at,
                actorID: id,
                role: role,
                channel: channel,
                action: action,
                caseID: caseID,
                fields: fields.compactMap(\.stringValue),
                purpose: purpose
            )
            self.seq = UInt64(seq)
        }
    }

    /// How soon after it is written a record is synced.
    public static let syncIntervalMilliseconds = 50

    public static func path(storeRoot: String) -> String { storeRoot + "/access/access.jsonl" }

    private let path: String
    private let fd: Int32
    private let lock = Lock()
    /// The file's length and last line's hash and seq as this process last saw them.
    private var knownLength = 0
    private var lastHash = AccessLog.firstPrevious
    private var lastSeq: UInt64 = 0
    private var syncPending = false

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit {
        _ = fdatasync(fd)
        close(fd)
    }

    /// The access log of the store at `storeRoot` (made on first use).
    public static func open(storeRoot: String) throws(DocketStoreError) -> AccessLog {
        try Posix.makeDirectory(storeRoot + "/access")
        let p = path(storeRoot: storeRoot)
        let fd = Glibc.open(p, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Posix.error("cannot open the access log", path: p) }
        return AccessLog(path: p, fd: fd)
    }

    /// Records `record` (written before this returns; synced within ``syncIntervalMilliseconds``).
    /// - Returns: the record as recorded (with its `seq`).
    @discardableResult
    public func append(_ record: Record) throws(DocketStoreError) -> Record {
        let recorded = try lock.withLock { () throws(DocketStoreError) -> Record in
            guard flock(fd, LOCK_EX) == 0 else { throw Posix.error("cannot lock the access log", path: path) }
            defer { flock(fd, LOCK_UN) }
            try catchUpWithFile()
            var out = record
            out.seq = lastSeq + 1
            guard case .object(var object) = out.json else { return out }
            object.set("prev", .string(lastHash))
            var line: [UInt8] = []
            JSONWriter.write(.object(object), into: &line)
            let hash = SHA256Hex.of(line)
            line.append(0x0A)
            try Posix.writeAll(fd, line, path: path)
            knownLength += line.count
            lastHash = hash
            lastSeq = out.seq
            return out
        }
        scheduleSync()
        return recorded
    }

    /// Syncs every record written so far.
    public func sync() throws(DocketStoreError) {
        guard fdatasync(fd) == 0 else { throw Posix.error("cannot sync the access log", path: path) }
    }

    private func scheduleSync() {
        let start = lock.withLock { () -> Bool in
            if syncPending { return false }
            syncPending = true
            return true
        }
        guard start else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Self.syncIntervalMilliseconds)) { [self] in
            lock.withLock { syncPending = false }
            try? sync()
        }
    }

    /// Re-reads the tail when another process appended since. Call with the file locked.
    private func catchUpWithFile() throws(DocketStoreError) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Posix.error("cannot stat the access log", path: path) }
        let size = Int(st.st_size)
        guard size != knownLength else { return }
        knownLength = size
        guard size > 0 else {
            lastHash = Self.firstPrevious
            lastSeq = 0
            return
        }
        let window = min(size, 256 * 1024)
        var bytes = [UInt8](repeating: 0, count: window)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, window, off_t(size - window)) }
        guard n == window else { throw Posix.error("cannot read the access log", path: path) }
        if bytes.last != 0x0A {
            // A record torn by a crash or a full disk (never answered: its read failed): cut
            // back to the last whole record, which the chain goes on from.
            let keep = bytes.lastIndex(of: 0x0A).map { size - window + $0 + 1 } ?? (window == size ? 0 : -1)
            guard keep >= 0, ftruncate(fd, off_t(keep)) == 0 else {
                throw DocketStoreError(.damaged, "the access log's last record is torn and cannot be cut back: \(path)")
            }
            knownLength = -1
            return try catchUpWithFile()
        }
        let body = bytes.dropLast()
        let start = body.lastIndex(of: 0x0A).map { $0 + 1 } ?? body.startIndex
        let line = Array(body[start...])
        guard let parsed = try? JSONParser.parse(line), let seq = parsed["seq"]?.intValue else {
            throw DocketStoreError(.damaged, "the access log's last record cannot be read: \(path)")
        }
        lastHash = SHA256Hex.of(line)
        lastSeq = UInt64(seq)
    }

    /// The records of case `caseID` (every record for `nil`), oldest first.
    public func records(caseID: String?) throws(DocketStoreError) -> [Record] {
        var out: [Record] = []
        try eachLine { line, _ in
            guard let json = try? JSONParser.parse(line), let record = Record(json: json) else { return }
            if caseID == nil || record.caseID == caseID || record.caseID == "*" { out.append(record) }
        }
        return out
    }

    /// Checks the chain: each line's `prev` is the hash of the line before, seqs count from 1.
    /// - Returns: the number of records, and the first problem found.
    public func verify() throws(DocketStoreError) -> (records: Int, problem: String?) {
        var previous = Self.firstPrevious
        var count = 0
        var problem: String?
        try eachLine { line, number in
            guard problem == nil else { return }
            count += 1
            guard let json = try? JSONParser.parse(line), case .object(var object) = json,
                let prev = object.remove("prev")?.stringValue, object["seq"]?.intValue == count
            else {
                problem = "line \(number) is not an access record in sequence"
                return
            }
            guard prev == previous else {
                problem = "line \(number) does not follow the line before it (a record was removed, added or changed)"
                return
            }
            previous = SHA256Hex.of(line)
        }
        return (count, problem)
    }

    private func eachLine(_ body: ([UInt8], Int) -> Void) throws(DocketStoreError) {
        let bytes = try Posix.readFile(path)
        var number = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
            number += 1
            body(Array(line), number)
        }
    }

    /// The `prev` of the first record: 64 zeros (there is no line before it).
    static let firstPrevious = String(repeating: "0", count: 64)
}
