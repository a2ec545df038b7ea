import CertificationWire

/// A projection being fed: where it is written and the last position it holds.
struct FeedTarget {
    var projection: any Projection
    var destination: any ModelDestination
    var after: UInt64
    /// Events per transaction when fed by a ``FeedWorker``: a live model commits often (its
    /// readers see progress, a crash loses little); a build commits rarely, since nobody reads
    /// it before it is swapped in and fewer commits write each case's row fewer times.
    var eventsPerTransaction: Int
    /// Where projections read a case's earlier events.
    var history = CaseEventSource(log: nil, keys: nil)

    /// Applies the events of `batch` after this target's position in one transaction that ends
    /// with the projection's deferred writes and the checkpoint `through`; returns how many.
    mutating func apply(_ batch: [RecordedDomainEvent], through: UInt64) throws(ProjectionError) -> Int {
        var pending: (batch: [RecordedDomainEvent], through: UInt64)? = (batch, through)
        return try transaction {
            defer { pending = nil }
            return pending
        }
    }

    /// Applies batches from `next` in one transaction until ``eventsPerTransaction`` events are
    /// applied or `next` returns `nil`; returns how many events (0 when `next` had none).
    mutating func transaction(
        _ next: () -> (batch: [RecordedDomainEvent], through: UInt64)?
    ) throws(ProjectionError) -> Int {
        guard var current = next() else { return 0 }
        let projection = projection
        let destination = destination
        let history = history
        let limit = eventsPerTransaction
        var from = after
        var applied = 0
        var through = after
        var erased = false
        do {
            try destination.transaction { storage, stored in
                // Another process may have fed this model since it was opened (two catch-ups
                // at once): go on from the checkpoint it holds, with the projection's caches
                // started afresh, so nothing is applied twice.
                if stored < from {
                    throw ProjectionError(
                        .database,
                        "\(projection.name) went back to position \(stored) while being fed; run again"
                    )
                }
                if stored > from {
                    from = stored
                    through = max(through, stored)
                    projection.willFeed(FeedContext(file: destination.label, after: stored, history: history))
                }
                while true {
                    let floor = from
                    // Borrowed from the shared batch, not copied (a copy retains every field).
                    try current.batch.withUnsafeBufferPointer { events in
                        for i in events.indices where events[i].position > floor {
                            try projection.apply(events[i], storage)
                            if events[i].type == "PersonalDataErased" { erased = true }
                            applied += 1
                        }
                    }
                    through = max(through, current.through)
                    from = through
                    guard applied < limit, let following = next() else { break }
                    current = following
                }
                try projection.willCommit(storage)
                return through
            }
        } catch {
            // The projection's caches hold what the rolled-back transaction applied: start them
            // afresh (a context no cache matches), or the next feed would apply it again.
            projection.willFeed(FeedContext(file: "", after: 0, history: history))
            throw ProjectionError(.database, "\(projection.name) after position \(after): \(error.message)")
        }
        projection.didCommit(through: through)
        after = through
        if erased { destination.didApplyErasure() }
        return applied
    }
}
