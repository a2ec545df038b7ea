import Crypto
import Foundation
import GRDB

/// A digest of a table's rows in key order: two builds from the same log have equal
/// fingerprints, and `--check` names the table that differs.
public enum Fingerprint {
    /// Lower-case hex SHA-256 over every row of `table` ordered by `orderBy`, each value typed
    /// and length-prefixed (so no two different tables of rows hash alike).
    public static func of(table: String, orderBy: String, in db: Database) throws -> String {
        var hasher = SHA256()
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(table) ORDER BY \(orderBy)")
        var count: UInt64 = 0
        while let row = try rows.next() {
            count += 1
            for value in row.databaseValues {
                switch value.storage {
                case .null: feed(0, [], into: &hasher)
                case .int64(let v): feed(1, Array(String(v).utf8), into: &hasher)
                case .double(let v): feed(2, Array(String(v).utf8), into: &hasher)
                case .string(let s): feed(3, Array(s.utf8), into: &hasher)
                case .blob(let d): feed(4, Array(d), into: &hasher)
                }
            }
            feed(5, [], into: &hasher)
        }
        feed(6, Array(String(count).utf8), into: &hasher)
        return Hex.of(hasher.finalize())
    }

    private static func feed(_ tag: UInt8, _ bytes: [UInt8], into hasher: inout SHA256) {
        var header = [tag]
        var n = UInt64(bytes.count).littleEndian
        withUnsafeBytes(of: &n) { header.append(contentsOf: $0) }
        hasher.update(data: header)
        hasher.update(data: bytes)
    }
}
