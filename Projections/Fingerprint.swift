import Crypto
import GRDB

/// A digest of a table's rows in key order: two builds from the same log have equal
/// fingerprints, and `--check` names the table that differs. The same rows give the same
/// fingerprint in every storage (an SQLite file, a PostgreSQL target).
public enum Fingerprint {
    /// Lower-case hex SHA-256 over every row of `table` ordered by `orderBy`, each value typed
    /// and length-prefixed (so no two different tables of rows hash alike).
    public static func of(table: String, orderBy: String, in db: Database) throws -> String {
        var hasher = Hasher()
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(table) ORDER BY \(orderBy)")
        while let row = try rows.next() {
            for value in row.databaseValues {
                switch value.storage {
                case .null: hasher.add(.null)
                case .int64(let v): hasher.add(.int(v))
                case .double(let v): hasher.add(double: v)
                case .string(let s): hasher.add(.text(s))
                case .blob(let d): hasher.add(.blob(Array(d)))
                }
            }
            hasher.endRow()
        }
        return hasher.finish()
    }

    /// Hashes rows value by value, as ``of(table:orderBy:in:)`` does: for storages that read
    /// their rows themselves.
    public struct Hasher {
        private var sha = SHA256()
        private var count: UInt64 = 0

        public init() {}

        /// Adds the next value of the current row.
        public mutating func add(_ value: ModelValue) {
            switch value {
            case .null: feed(0, [])
            case .int(let v): feed(1, Array(String(v).utf8))
            case .text(let s): feed(3, Array(s.utf8))
            case .blob(let b): feed(4, b)
            }
        }

        /// Adds a real number (no read model stores one; kept so any table hashes).
        public mutating func add(double value: Double) { feed(2, Array(String(value).utf8)) }

        /// Ends the current row.
        public mutating func endRow() {
            count += 1
            feed(5, [])
        }

        /// The fingerprint of the rows added.
        public mutating func finish() -> String {
            feed(6, Array(String(count).utf8))
            return Hex.of(sha.finalize())
        }

        private mutating func feed(_ tag: UInt8, _ bytes: [UInt8]) {
            var header = [tag]
            var n = UInt64(bytes.count).littleEndian
            withUnsafeBytes(of: &n) { header.append(contentsOf: $0) }
            sha.update(data: header)
            sha.update(data: bytes)
        }
    }
}
