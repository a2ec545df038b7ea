import Certification
import CertificationWire
import Chronology
import EventLog

/// A case's events as read from the log, decoded, with the batches it refers to: what the case
/// view, the timeline and the replay are made from.
public struct CaseHistory: Sendable {
    /// One event of the case, decoded.
    public struct Entry: Sendable {
        public var recorded: InterchangeEvent
        public var event: CaseEvent

        /// The event's interchange line, its identity number masked unless `fullIdentity`
        /// (registrars and auditors).
        public func line(fullIdentity: Bool = false) -> InterchangeEvent {
            var line = recorded
            guard !fullIdentity else { return line }
            let masked = EventSummary.masked(.caseEvent(event))
            if masked != .caseEvent(event) { line.data = EventCoding.payload(of: masked) }
            return line
        }
    }

    public let caseID: String
    public let entries: [Entry]
    /// The events of every batch the case refers to, by batch id, in log order.
    public let batchEvents: [String: [(position: UInt64, at: Timestamp, event: BatchEvent)]]

    /// Reads case `caseID` from `log`.
    /// - Throws: `notFound` when the case has no events.
    public static func load(_ caseID: String, from log: EventLog) throws(DocketStoreError) -> CaseHistory {
        let recorded: [RecordedEvent]
        do throws(EventLogError) {
            recorded = try log.read(stream: StreamName.forCase(caseID))
        } catch {
            throw DocketStoreError.from(error)
        }
        guard !recorded.isEmpty else { throw DocketStoreError(.notFound, "no case \(caseID)") }
        var entries: [Entry] = []
        var batchIDs: Set<String> = []
        for r in recorded {
            guard case .caseEvent(let event) = try StoredEvent.decode(r) else { continue }
            entries.append(Entry(recorded: StoredEvent.interchange(r), event: event))
            switch event {
            case .applied(let a): batchIDs.insert(a.batch)
            case .ticketSent(let t): batchIDs.insert(t.batch)
            case .scored(let s): batchIDs.insert(s.batch)
            case .retakeRequested(let rr): batchIDs.insert(rr.batch)
            default: break
            }
        }
        var batches: [String: [(UInt64, Timestamp, BatchEvent)]] = [:]
        for id in batchIDs {
            let events: [RecordedEvent]
            do throws(EventLogError) {
                events = try log.read(stream: StreamName.forBatch(id))
            } catch {
                throw DocketStoreError.from(error)
            }
            for r in events {
                if case .batchEvent(let e) = try StoredEvent.decode(r) {
                    batches[id, default: []].append((r.position, r.occurredAt, e))
                }
            }
        }
        return CaseHistory(caseID: caseID, entries: entries, batchEvents: batches)
    }

    /// The batch states as they stood at `moment` (business time; all events when `nil`).
    public func batches(asOf moment: Timestamp?) -> [String: BatchState] {
        var out: [String: BatchState] = [:]
        for (id, events) in batchEvents {
            var state = BatchState()
            for (position, at, event) in events where moment.map({ at <= $0 }) ?? true {
                state.evolve(with: event, position: position)
            }
            if state.version > 0 { out[id] = state }
        }
        return out
    }
}
