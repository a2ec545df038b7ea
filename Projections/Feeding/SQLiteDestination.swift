import GRDB

/// A read model's SQLite file as a feed's destination: rows and the `_checkpoint` row in one
/// immediate transaction.
final class SQLiteDestination: ModelDestination {
    let queue: DatabaseQueue
    let file: String
    /// An erasure was applied but the write-ahead log could not yet be truncated.
    private var walHoldsErasedPages = false

    init(queue: DatabaseQueue, file: String) {
        self.queue = queue
        self.file = file
    }

    var label: String { file }

    func checkpoint() throws(ProjectionError) -> UInt64 { try Projector.checkpoint(queue) }

    func transaction(_ body: (any ModelStorage, UInt64) throws -> UInt64) throws(ProjectionError) {
        do {
            try queue.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    let stored = UInt64(try Int64.fetchOne(db, sql: "SELECT position FROM _checkpoint") ?? 0)
                    let through = try body(SQLiteModelStorage(db), stored)
                    try db.execute(sql: "UPDATE _checkpoint SET position = ?", arguments: [Int64(through)])
                    return .commit
                }
            }
        } catch let error as ProjectionError {
            throw error
        } catch {
            throw ProjectionError(.database, "\(error)")
        }
        if walHoldsErasedPages { didApplyErasure() }
    }

    func didApplyErasure() {
        // What an erasure overwrote is zeroed in the file (secure_delete); the write-ahead log
        // still holds the old pages until it is checkpointed and truncated. A reader holding
        // the log open makes the checkpoint busy: tried again after the next transaction.
        let busy = try? queue.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") ?? 1
        }
        walHoldsErasedPages = busy != 0
    }
}
