import Certification
import CertificationWire
import EventLog

/// A case's earlier events, read from the log's stream index: how projections fold a case they
/// no longer hold in memory (their caches are bounded), without keeping event copies of their own.
public struct CaseEventSource: Sendable {
    let log: EventLog?
    let keys: (any PersonalDataKeys)?

    public init(log: EventLog?, keys: (any PersonalDataKeys)?) {
        self.log = log
        self.keys = keys
    }

    /// The events of case `caseID` before version `version` and before log position `position`,
    /// in order.
    public func events(of caseID: String, before version: UInt64, position: UInt64) throws -> [RecordedDomainEvent] {
        guard let log, version > 1 else { return [] }
        do throws(EventLogError) {
            return try log.read(stream: StreamName.forCase(caseID), from: 1, to: version - 1)
                .prefix { $0.position < position }
                .map { (recorded: RecordedEvent) throws(EventLogError) -> RecordedDomainEvent in
                    try RecordedDomainEvent(recorded, keys: keys)
                }
        } catch {
            throw ProjectionError(.log, "cannot read case \(caseID): \(error.message)")
        }
    }
}
