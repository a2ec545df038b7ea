import CertificationWire

extension CaseFold {
    /// A fold of a case's history as loaded from the log (its events and its batches').
    init(_ history: CaseHistory) {
        self.init(caseID: history.caseID, batchEvents: history.batchEvents.values.flatMap { $0 })
    }
}
