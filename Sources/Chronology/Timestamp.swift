#if canImport(Glibc)
import Glibc
#endif

/// A moment with the UTC offset it was written in, to the microsecond.
///
/// Business times arrive as RFC 3339 strings with an offset (`2024-03-02T10:15:00+08:00`); the log
/// keeps the instant and the offset so an export reproduces what was said. Ordering and equality
/// compare instants only.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var microseconds: Int64
    /// The offset from UTC the time was expressed in, in seconds (+08:00 is 28,800).
    public var utcOffsetSeconds: Int32

    /// Creates a timestamp from microseconds since the Unix epoch and a UTC offset.
    public init(microseconds: Int64, utcOffsetSeconds: Int32 = 0) {
        self.microseconds = microseconds
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// The current wall-clock time, in UTC.
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microseconds: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000)
    }

    public static func == (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds == rhs.microseconds }
    public func hash(into hasher: inout Hasher) { hasher.combine(microseconds) }
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds < rhs.microseconds }

    /// RFC 3339 text in the timestamp's own offset, with microseconds only when non-zero.
    public var description: String { RFC3339.format(self) }
}
