import Certification
import CertificationWire
import Chronology
import DocketStore
import EventLog

/// A case's events as the log holds them, decoded, with the events of every batch it was in:
/// what the case view, the timeline and the replay are made from.
public struct CaseHistory: Sendable {
    public let caseID: String
    /// The case's own events, in version order.
    public let events: [RecordedDomainEvent]
    /// The events of every batch the case applied to, was ticketed, scored or retook in, in log
    /// order, by batch id.
    public let batchEvents: [String: [RecordedDomainEvent]]

    public init(caseID: String, events: [RecordedDomainEvent], batchEvents: [String: [RecordedDomainEvent]]) {
        self.caseID = caseID
        self.events = events
        self.batchEvents = batchEvents
    }

    /// Reads case `caseID` from `store`'s log, personal data opened under its keys.
    /// - Throws: `case-not-found` when the case has no events; `store-failed` when the log
    ///   cannot be read.
    public static func load(_ caseID: String, from store: DocketStore) throws(DocketError) -> CaseHistory {
        let events = try read(stream: StreamName.forCase(caseID), from: store)
        guard !events.isEmpty else { throw DocketError(.caseNotFound, "no case \(caseID)", field: "case") }
        var batchIDs: [String] = []
        for e in events {
            guard case .caseEvent(let event) = e.event, let batch = Self.batch(of: event) else { continue }
            if !batchIDs.contains(batch) { batchIDs.append(batch) }
        }
        var batches: [String: [RecordedDomainEvent]] = [:]
        for id in batchIDs { batches[id] = try read(stream: StreamName.forBatch(id), from: store) }
        return CaseHistory(caseID: caseID, events: events, batchEvents: batches)
    }

    /// The batch a case event places the case in, if it names one.
    static func batch(of event: CaseEvent) -> String? {
        switch event {
        case .applied(let a): return a.batch
        case .ticketSent(let t): return t.batch
        case .scored(let s): return s.batch
        case .retakeRequested(let r): return r.batch
        default: return nil
        }
    }

    /// A stream's events, decoded.
    static func read(stream: String, from store: DocketStore) throws(DocketError) -> [RecordedDomainEvent] {
        let keys = store.personalKeys
        do throws(EventLogError) {
            return try store.log.read(stream: stream).map { (r: RecordedEvent) throws(EventLogError) in
                try RecordedDomainEvent(r, keys: keys)
            }
        } catch {
            throw DocketError.from(error)
        }
    }

    /// The history as `cut` sees it: the events inside the cut, case and batch alike.
    public func cut(_ cut: TimeCut) -> CaseHistory {
        guard cut != .now else { return self }
        func inside(_ e: RecordedDomainEvent) -> Bool { cut.includes(at: e.at, recordedAt: e.recordedAt) }
        return CaseHistory(
            caseID: caseID,
            events: events.filter(inside),
            batchEvents: batchEvents.mapValues { $0.filter(inside) }
        )
    }
}
