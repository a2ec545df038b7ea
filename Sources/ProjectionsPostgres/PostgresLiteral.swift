import Foundation
import Projections

/// Values written into SQL text and COPY streams.
///
/// Statements reach PostgreSQL as text with their values in it (and many at once inside one
/// `DO` block, see ``PostgresModelStorage``): PostgresNIO speaks only the extended query
/// protocol, one statement and one round trip per query, and a live feed writes a few
/// statements per event. Literals are safe by construction: text in single quotes with quotes
/// doubled (the session sets `standard_conforming_strings`, so a backslash is just a
/// backslash), integers in decimal, bytes as `'\x…'::bytea`.
enum PostgresLiteral {
    /// `value` as an SQL literal.
    static func sql(_ value: ModelValue) -> String {
        switch value {
        case .null: return "NULL"
        case .int(let v): return String(v)
        case .text(let s): return text(s)
        case .blob(let b): return "'\\x" + hex(b) + "'::bytea"
        }
    }

    /// Text as a literal. PostgreSQL text cannot hold NUL: it becomes U+FFFD (the one place a
    /// PostgreSQL row may differ from SQLite's; see docs/DECISIONS.md).
    static func text(_ s: String) -> String {
        var out = "'"
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "'": out += "''"
            case "\0": out.unicodeScalars.append("\u{FFFD}")
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "'"
        return out
    }

    /// Appends `value` to a COPY stream in text format (tab-separated, `\N` for NULL, with
    /// backslash, tab, newline and carriage return escaped).
    static func copy(_ value: ModelValue, into out: inout [UInt8]) {
        switch value {
        case .null:
            out.append(contentsOf: [0x5C, 0x4E])  // \N
        case .int(let v):
            out.append(contentsOf: String(v).utf8)
        case .text(let s):
            var s = s
            s.withUTF8 { copyText(UnsafeRawBufferPointer($0), into: &out) }
        case .blob(let b):
            b.withUnsafeBytes { copyBlob($0, into: &out) }
        }
    }

    /// Appends a column lent by a model file to a COPY stream (as ``copy(_:into:)`` does for
    /// a value).
    static func copy(_ value: ModelRowReader.RawValue, into out: inout [UInt8]) {
        switch value {
        case .null:
            out.append(contentsOf: [0x5C, 0x4E])
        case .int(let v):
            out.append(contentsOf: String(v).utf8)
        case .text(let bytes): copyText(bytes, into: &out)
        case .blob(let bytes): copyBlob(bytes, into: &out)
        }
    }

    /// Text in COPY's text format: backslash, tab, newline and carriage return escaped, NUL
    /// as U+FFFD (as in literals).
    private static func copyText(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        for byte in bytes {
            switch byte {
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x00: out.append(contentsOf: [0xEF, 0xBF, 0xBD])
            default: out.append(byte)
            }
        }
    }

    /// Bytes as bytea's hex input `\x…`, its backslash escaped for COPY.
    private static func copyBlob(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        out.append(contentsOf: [0x5C, 0x5C, 0x78])
        out.append(contentsOf: hex(Array(bytes)).utf8)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
