import Chronology
import DocketStore

/// Which events a read sees: the two times of an event-sourced store, named.
///
/// Every event has a business time (`at`: when it happened, as the command said) and a recorded
/// time (`recordedAt`: when the log took it). "As of" and "known at" answer different questions:
/// `asOf(T)` is the world as it stood at T by what we know today (a complaint recorded today
/// about an exam last month does not show as of last month, but a late-entered score dated
/// before T does); `knownAt(T)` is what the store held at T, whatever the events say of
/// themselves (what a supervisor saw on screen then).
public enum TimeCut: Sendable, Hashable {
    /// Every event; time-dependent statuses evaluated now.
    case now
    /// Events whose business time is at or before the moment (batch events too); statuses at it.
    case asOf(Timestamp)
    /// Events recorded at or before the moment; statuses at it.
    case knownAt(Timestamp)

    /// The cut named by the usual pair of parameters (`--as-of`, `--known-at`), at most one given.
    /// - Throws: `invalid-parameter` when both are given or one is not a moment.
    public static func parse(
        asOf: String?,
        knownAt: String?,
        asOfName: String = "--as-of",
        knownAtName: String = "--known-at"
    ) throws(DocketError) -> TimeCut {
        switch (asOf, knownAt) {
        case (nil, nil): return .now
        case (let text?, nil): return .asOf(try Moment.parse(text, name: asOfName))
        case (nil, let text?): return .knownAt(try Moment.parse(text, name: knownAtName))
        case (.some, .some):
            throw DocketError(
                .invalidParameter,
                "give \(asOfName) (business time) or \(knownAtName) (what the store held then), not both",
                field: asOfName
            )
        }
    }

    /// The moment statuses are evaluated at, given the time now.
    public func moment(now: Timestamp) -> Timestamp {
        switch self {
        case .now: return now
        case .asOf(let t), .knownAt(let t): return t
        }
    }

    /// Whether an event with these times is inside the cut.
    public func includes(at: Timestamp, recordedAt: Timestamp) -> Bool {
        switch self {
        case .now: return true
        case .asOf(let t): return at <= t
        case .knownAt(let t): return recordedAt <= t
        }
    }

    /// How the cut reads in a message: "as of 2024-05-01T00:00:00+08:00".
    public var phrase: String {
        switch self {
        case .now: return "now"
        case .asOf(let t): return "as of \(t) (business time)"
        case .knownAt(let t): return "as known at \(t) (recorded time)"
        }
    }
}

/// Moments as people write them on a command line or in a query: an RFC 3339 time with its
/// offset, or a plain date, meaning the start of that day in Asia/Shanghai (UTC+08:00), the
/// certification body's own calendar.
public enum Moment {
    /// `2024-05-01T00:00:00+08:00`, `2024-05-01T09:30:00Z`, or `2024-05-01`.
    /// - Throws: `invalid-parameter` naming `name` and showing both forms.
    public static func parse(_ text: String, name: String) throws(DocketError) -> Timestamp {
        if let t = RFC3339.parse(text) { return t }
        if let date = LocalDate(text) {
            let days = date.daysSinceEpoch
            let offset = Int64(Timestamp.chinaStandardOffset)
            return Timestamp(
                microseconds: (days * 86_400 - offset) * 1_000_000,
                utcOffsetSeconds: Timestamp.chinaStandardOffset
            )
        }
        throw DocketError(
            .invalidParameter,
            "\(name) \(text) is not a moment; write a date (2024-05-01, the start of that day in UTC+08:00) or an RFC 3339 time (2024-05-01T09:30:00+08:00)",
            field: name
        )
    }
}
