import Certification
import Chronology

/// How far ahead of the store's clock a command's `at` may be (SPEC §5): a typo'd year (2062,
/// 9999) would otherwise be accepted and block every later command on its stream as
/// `out-of-order`. Imports of recorded history are not checked.
public struct ClockSkewLimit: Sendable, Hashable {
    /// The allowance, in seconds.
    public var seconds: Int64

    /// Five minutes, the spec's allowance.
    public static let standard = ClockSkewLimit(seconds: 300)

    /// An allowance of `seconds` (0 through ten years).
    public init(seconds: Int64) {
        precondition(seconds >= 0 && seconds <= 315_576_000, "a clock skew allowance is 0 to ten years")
        self.seconds = seconds
    }

    /// `invalid-field` on `at` when `at` is later than `now` plus the allowance.
    public func check(_ at: Timestamp, now: Timestamp) -> Rejection? {
        let latest = Timestamp(microseconds: now.microseconds + seconds * 1_000_000, utcOffsetSeconds: 28_800)
        guard at > latest else { return nil }
        let shown = Timestamp(microseconds: now.microseconds / 1_000_000 * 1_000_000, utcOffsetSeconds: 28_800)
        return Rejection(
            .invalidField,
            "at \(at) is more than \(Self.describe(seconds)) ahead of the store's clock (\(shown)); check the date, especially the year",
            field: "at"
        )
    }

    /// `5 minutes`, `90 seconds`, `2 hours`.
    static func describe(_ seconds: Int64) -> String {
        if seconds % 3_600 == 0, seconds > 0 { return seconds == 3_600 ? "1 hour" : "\(seconds / 3_600) hours" }
        if seconds % 60 == 0, seconds > 0 { return seconds == 60 ? "1 minute" : "\(seconds / 60) minutes" }
        return seconds == 1 ? "1 second" : "\(seconds) seconds"
    }
}
