extension Projector {
    /// The ids of every batch the cases model has seen (from its own table of batch events),
    /// in order; empty when the model is not built.
    public func knownBatches() throws(ProjectionError) -> [String] {
        guard let reader = readers.reader("cases", path: path("cases")) else { return [] }
        var ids: [String] = []
        try reader.read { connection throws(ProjectionError) in
            try connection.rows("SELECT DISTINCT batch FROM batch_events ORDER BY batch", []) {
                if let id = $0.text(0) { ids.append(id) }
            }
        }
        return ids
    }
}
