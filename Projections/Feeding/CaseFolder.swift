import Certification
import CertificationWire
import Chronology

/// Case states for a projection that needs whole cases (status, retakes, re-run rules): a
/// bounded cache of folded states, and a fold of the log's earlier events on a miss.
///
/// Each projection owns its folder (it runs on its own thread). Entries are classes so a state
/// is evolved in place; touched entries are remembered so the projection writes each case's row
/// once per transaction. The cache survives from one feed to the next only when the feed goes on
/// from the folder's last committed position in the same file.
final class CaseFolder {
    /// One case: its state (the one fold of a case, ``CaseState``).
    final class Entry {
        let caseID: String
        var state = CaseState()
        var touched = false
        /// The time of a batch event that changed the case after its own latest event (a
        /// reschedule voiding its ticket): the case's row is as of then.
        var batchEventAt: Timestamp?
        init(caseID: String) { self.caseID = caseID }
        /// The moment the case's row describes: its latest event, or a later batch event.
        var moment: Timestamp { max(lastAt, batchEventAt ?? lastAt) }
        /// The local day it applied (`YYYY-MM-DD`, Asia/Shanghai).
        var appliedOn: String {
            state.appliedAt?.localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset).description ?? ""
        }
        /// The business time of its latest event.
        var lastAt: Timestamp { state.lastAt ?? Timestamp(microseconds: 0) }
    }

    private var entries: [String: Entry] = [:]
    /// Insertion order, for eviction.
    private var order: [String] = []
    private(set) var touched: [Entry] = []
    private var history = CaseEventSource(log: nil, keys: nil)
    private var committed: (file: String, position: UInt64)?
    private var file = ""
    let capacity: Int

    init(capacity: Int = 131_072) { self.capacity = capacity }

    func willFeed(_ context: FeedContext) {
        history = context.history
        if let committed, committed.file == context.file, committed.position == context.after {
        } else {
            entries.removeAll(keepingCapacity: true)
            order.removeAll(keepingCapacity: true)
        }
        touched.removeAll()
        file = context.file
        committed = nil
    }

    /// The case as it stood before its event of version `version` at log position `position`
    /// (folded from the log when not cached), or `nil` when it has no earlier event.
    func entry(_ caseID: String, before version: UInt64, position: UInt64) throws -> Entry? {
        if let entry = entries[caseID] { return entry }
        let earlier = try history.events(of: caseID, before: version, position: position)
        guard !earlier.isEmpty else { return nil }
        let entry = Entry(caseID: caseID)
        for e in earlier {
            guard case .caseEvent(let event) = e.event else { continue }
            entry.state.evolve(with: event, at: e.at, position: e.position)
        }
        insert(entry)
        return entry
    }

    /// The case an event belongs to, as it stood before the event (a new entry for a case's
    /// first event).
    func entry(for e: RecordedDomainEvent, caseID: String) throws -> Entry {
        if let known = try entry(caseID, before: e.version, position: e.position) { return known }
        let entry = Entry(caseID: caseID)
        insert(entry)
        return entry
    }

    /// Applies the event to its case's entry and marks it touched.
    func advance(_ entry: Entry, _ e: RecordedDomainEvent, _ event: CaseEvent) {
        entry.state.evolve(with: event, at: e.at, position: e.position)
        touch(entry)
    }

    /// Applies a case event; returns the case's entry after it.
    @discardableResult
    func evolve(_ e: RecordedDomainEvent, _ event: CaseEvent, caseID: String) throws -> Entry {
        let entry = try entry(for: e, caseID: caseID)
        advance(entry, e, event)
        return entry
    }

    /// Marks an entry to be written at the end of the transaction.
    func touch(_ entry: Entry) {
        guard !entry.touched else { return }
        entry.touched = true
        touched.append(entry)
    }

    /// Forgets the touched list (after the projection wrote them).
    func clearTouched() {
        for entry in touched { entry.touched = false }
        touched.removeAll(keepingCapacity: true)
    }

    /// The transaction through `position` committed: the cache is valid from here, and may
    /// shrink (the older half goes when it is over capacity).
    func didCommit(through position: UInt64) {
        committed = (file, position)
        guard entries.count > capacity else { return }
        let dropped = order.prefix(order.count / 2)
        for id in dropped { entries[id] = nil }
        order.removeFirst(dropped.count)
    }

    private func insert(_ entry: Entry) {
        entries[entry.caseID] = entry
        order.append(entry.caseID)
    }
}
