import Foundation
import NIOCore
import PostgresNIO
import Projections

/// A value read back from PostgreSQL.
public enum PostgresValue: Sendable, Equatable {
    case null
    case int(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// The cell as a value, by its type.
    init(_ cell: PostgresCell) throws {
        guard let bytes = cell.bytes else {
            self = .null
            return
        }
        switch cell.dataType {
        case .int8, .int4, .int2:
            self = .int(try cell.decode(Int64.self))
        case .float4, .float8:
            self = .real(try cell.decode(Double.self))
        case .numeric:
            // Through its decimal text: NSDecimalNumber's doubleValue is not the nearest double
            // (0.9091 came back as 0.9090999999999999, where SQLite says 0.9091).
            let decimal = try cell.decode(Decimal.self)
            self = .real(Double(decimal.description) ?? NSDecimalNumber(decimal: decimal).doubleValue)
        case .bool:
            self = .int(try cell.decode(Bool.self) ? 1 : 0)
        case .bytea:
            self = .blob(Array(bytes.readableBytesView))
        default:
            self = .text(try cell.decode(String.self))
        }
    }

    /// As a read model's value (reals have no place there: as text).
    var model: ModelValue {
        switch self {
        case .null: .null
        case .int(let v): .int(v)
        case .real(let v): .text(String(v))
        case .text(let s): .text(s)
        case .blob(let b): .blob(b)
        }
    }

    /// As a report's value.
    var report: Report.Value {
        switch self {
        case .null: .null
        case .int(let v): .int(v)
        case .real(let v): .real(v)
        case .text(let s): .text(s)
        case .blob(let b): .text(String(decoding: b, as: UTF8.self))
        }
    }
}
