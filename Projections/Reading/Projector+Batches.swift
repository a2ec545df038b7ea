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

extension Projector {
    /// The last position the live model `name` holds (0 when it is not built).
    public func livePosition(of name: String) throws(ProjectionError) -> UInt64 {
        guard let reader = readers.reader(name, path: path(name)) else { return 0 }
        var position: UInt64 = 0
        try reader.read { connection throws(ProjectionError) in
            try connection.rows("SELECT position FROM _checkpoint", []) { position = UInt64($0.int(0) ?? 0) }
        }
        return position
    }
}

extension Projector {
    /// Forgets the readers of the model file at `path` (a build of a past moment being deleted).
    public func forgetReader(path: String) { readers.forget(path) }
}
