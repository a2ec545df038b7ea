import Certification
import CertificationWire
import Chronology

extension CaseView {
    /// Which events the view folds.
    public enum Cut: Sendable {
        /// Everything, status evaluated now.
        case now(Timestamp)
        /// Events whose business time is at or before the moment (batch events too).
        case asOf(Timestamp)
        /// The first N events; status at event N's time.
        case atVersion(UInt64)
    }

    /// Builds the view of `history` at `cut`.
    /// - Throws: `invalidRequest` when `atVersion` is 0 or beyond the case's version, or when
    ///   `asOf` is before the case's first event.
    public static func make(_ history: CaseHistory, at cut: Cut) throws(DocketStoreError) -> CaseView {
        let entries: ArraySlice<CaseHistory.Entry>
        let moment: Timestamp
        let batchCut: Timestamp?
        switch cut {
        case .now(let now):
            entries = history.entries[...]
            moment = now
            batchCut = nil
        case .asOf(let t):
            entries = history.entries.filter { $0.recorded.at <= t }[...]
            guard !entries.isEmpty else {
                throw DocketStoreError(.invalidRequest, "case \(history.caseID) had no events by \(t)")
            }
            moment = t
            batchCut = t
        case .atVersion(let n):
            guard n >= 1, n <= UInt64(history.entries.count) else {
                throw DocketStoreError(
                    .invalidRequest,
                    "case \(history.caseID) has versions 1 to \(history.entries.count), not \(n)"
                )
            }
            entries = history.entries.prefix(Int(n))
            moment = entries.last!.recorded.at
            batchCut = moment
        }
        var state = CaseState()
        var view = CaseView(caseID: history.caseID, state: state, status: .applied, moment: moment)
        for entry in entries {
            state.evolve(with: entry.event, position: entry.recorded.position)
            if case .certified = entry.event { view.certifiedAt = entry.recorded.at }
            if case .complaintLodged(let l) = entry.event { view.complaintCategories[l.complaintID] = l.category }
        }
        let batches = history.batches(asOf: batchCut)
        view.state = state
        view.status = CaseStatus.of(state, batch: { batches[$0] }, at: moment)
        return view
    }
}
