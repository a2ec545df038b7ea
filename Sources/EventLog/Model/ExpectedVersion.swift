/// What the appender believes a stream's version to be; the append is refused otherwise.
public enum ExpectedVersion: Sendable, Hashable {
    /// No check.
    case any
    /// The stream must be at exactly this version (0: the stream must not exist yet).
    case exactly(UInt64)

    /// The stream must not exist yet.
    public static let noStream = ExpectedVersion.exactly(0)

    func admits(_ current: UInt64) -> Bool {
        switch self {
        case .any: return true
        case .exactly(let version): return version == current
        }
    }
}
