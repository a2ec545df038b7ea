/// A count of years a candidate declares (years of work, years since a certificate): a number
/// from 0 to 100 that may have a fraction (SPEC §5: 5.5 meets a 5-year threshold, 4.5 does not).
///
/// Kept as the `Double` the wire gave; written back in its shortest exact form, and as a whole
/// number when it is one, so events recorded before fractions were allowed keep their bytes.
public struct Years: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The declared value, 0 through 100.
    public let value: Double

    /// The largest count accepted (a working life, with room to spare).
    public static let maximum = 100.0

    /// `nil` unless `value` is a finite number from 0 to ``maximum``.
    public init?(_ value: Double) {
        guard value.isFinite, value >= 0, value <= Self.maximum else { return nil }
        self.value = value
    }

    /// A whole number of years (0 through 100).
    public init?(_ whole: Int) {
        guard whole >= 0, Double(whole) <= Self.maximum else { return nil }
        value = Double(whole)
    }

    /// `5`, `5.5`, `0.25`: the JSON number text of the value.
    public var description: String {
        if value == value.rounded(.towardZero) { return String(Int(value)) }
        return String(value)
    }

    public static func < (a: Years, b: Years) -> Bool { a.value < b.value }

    /// At least `whole` years.
    public func isAtLeast(_ whole: Int) -> Bool { value >= Double(whole) }
}

extension Years: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    /// A literal count of years in code (tests, fixtures); must be 0 through 100.
    public init(integerLiteral value: Int) {
        guard let years = Years(value) else { preconditionFailure("years are 0 to 100, not \(value)") }
        self = years
    }

    public init(floatLiteral value: Double) {
        guard let years = Years(value) else { preconditionFailure("years are 0 to 100, not \(value)") }
        self = years
    }
}
