/// Where a read model writes its rows and reads back its own state: the one interface every
/// projection writes through, with an SQLite implementation (``SQLiteModelStorage``, the
/// store's own read models) and a PostgreSQL one (module ProjectionsPostgres, for reporting
/// across stores).
///
/// A storage is handed to a projection for one transaction: everything written through it
/// commits together with the model's checkpoint, or not at all. Reads see the transaction's
/// own earlier writes.
public protocol ModelStorage: AnyObject {
    /// Runs a write with the values `bind` gives, in the statement's order.
    func run(_ statement: ModelStatement, _ bind: (inout ModelBinder) -> Void) throws
    /// Runs a select; returns its rows.
    func rows(_ statement: ModelStatement, _ bind: (inout ModelBinder) -> Void) throws -> [[ModelValue]]
}

extension ModelStorage {
    /// Runs a write that takes no values.
    public func run(_ statement: ModelStatement) throws { try run(statement) { _ in } }

    /// The first column of each row of a select, as text.
    public func texts(_ statement: ModelStatement, _ bind: (inout ModelBinder) -> Void) throws -> [String] {
        try rows(statement, bind).compactMap { $0.first?.text }
    }
}
