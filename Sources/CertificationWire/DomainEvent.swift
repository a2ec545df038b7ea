import Certification

/// An event of either kind of stream, as the log holds it.
public enum DomainEvent: Sendable, Hashable {
    case caseEvent(CaseEvent)
    case batchEvent(BatchEvent)

    /// The wire type name (`Applied`, `BatchScheduled`, …).
    public var typeName: String {
        switch self {
        case .caseEvent(let e): return e.typeName
        case .batchEvent(let e): return e.typeName
        }
    }
}
