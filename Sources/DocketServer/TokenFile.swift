import Certification
import Crypto
import Foundation

/// The bearer tokens a server accepts: `<store>/tokens.jsonl`, one JSON object per line with the
/// token's SHA-256, the actor it speaks for and its one role. The tokens themselves are never
/// stored: `docket token add` prints a new one once, and a stolen file grants nothing.
public struct TokenFile: Sendable {
    /// A token's holder.
    public struct Holder: Sendable, Hashable {
        public var actor: String
        public var role: Actor.Role
    }

    /// One line of the file, as `docket token list` shows it (never the token itself).
    public struct Entry: Sendable {
        /// The first 12 hex digits of the token's SHA-256: a name for the token that grants
        /// nothing (what `docket token revoke --id` takes).
        public var id: String
        public var actor: String
        public var role: Actor.Role
        public var createdAt: String
        let line: Substring
    }

    public let path: String
    /// Holders by the lower-case hex SHA-256 of their token.
    public private(set) var holders: [String: Holder] = [:]
    /// The file's lines, in order.
    public private(set) var entries: [Entry] = []

    /// The tokens file of the store at `storeRoot`.
    public static func path(storeRoot: String) -> String { storeRoot + "/tokens.jsonl" }

    /// Reads the file (a missing file holds no tokens).
    public init(path: String) throws(TokenError) {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else { return }
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String],
                let hash = object["sha256"], hash.count == 64, let actor = object["actor"],
                let role = object["role"].flatMap(Actor.Role.init(rawValue:))
            else {
                throw TokenError("line \(number + 1) of \(path) is not a token entry; remove it or add the token again")
            }
            holders[hash] = Holder(actor: actor, role: role)
            entries.append(
                Entry(
                    id: String(hash.prefix(12)),
                    actor: actor,
                    role: role,
                    createdAt: object["createdAt"] ?? "",
                    line: line
                )
            )
        }
    }

    /// The holder of `token`, if it is one of the file's.
    public func holder(of token: String) -> Holder? { holders[Self.hash(token)] }

    /// Makes a token for `actor` in `role`, appends its hash to the file (made durable) and
    /// returns the token: the only time it is ever shown.
    public static func add(actor: String, role: Actor.Role, path: String) throws(TokenError) -> String {
        guard !actor.isEmpty, actor.utf8.count <= 128, !actor.contains("\n") else {
            throw TokenError("--actor must be 1 to 128 characters on one line")
        }
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        let token =
            "dkt_"
            + Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let entry: [String: String] = [
            "sha256": hash(token), "actor": actor, "role": role.rawValue,
            "createdAt": ISO8601DateFormatter().string(from: Date()),
        ]
        guard let json = try? JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys]) else {
            throw TokenError("cannot write the token entry")
        }
        try withFileLock(path) { () throws(TokenError) in
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw TokenError("cannot open \(path): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            let line = Array(json) + [0x0A]
            let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == line.count, fsync(fd) == 0 else {
                throw TokenError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
        }
        return token
    }

    /// Removes the tokens `matching` picks from the file (rewritten whole: a new file made
    /// durable, then renamed over the old one) and returns them. A running server stops
    /// accepting them within a second.
    public static func revoke(path: String, matching: (Entry) -> Bool) throws(TokenError) -> [Entry] {
        try withFileLock(path) { () throws(TokenError) -> [Entry] in
            let file = try TokenFile(path: path)
            let revoked = file.entries.filter(matching)
            guard !revoked.isEmpty else { return [] }
            let kept = file.entries.filter { !matching($0) }
            let bytes = Array(kept.map { $0.line + "\n" }.joined().utf8)
            let temporary = path + ".new"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw TokenError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            let synced = fsync(fd) == 0
            close(fd)
            guard written == bytes.count, synced, rename(temporary, path) == 0 else {
                unlink(temporary)
                throw TokenError("cannot rewrite \(path): \(String(cString: strerror(errno)))")
            }
            let directory = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if directory >= 0 {
                fsync(directory)
                close(directory)
            }
            return revoked
        }
    }

    /// Runs `body` holding an exclusive lock on `<path>.lock`, so an add and a revoke at once
    /// cannot lose each other's change.
    private static func withFileLock<T>(_ path: String, _ body: () throws(TokenError) -> T) throws(TokenError) -> T {
        let fd = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw TokenError("cannot lock \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else {
            throw TokenError("cannot lock \(path): \(String(cString: strerror(errno)))")
        }
        return try body()
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]], as: UTF8.self)
        }.joined()
    }
}

/// Why the tokens file could not be read or written.
public struct TokenError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
