import Projections

/// A read model's storage in PostgreSQL for one transaction of a feed: the same statements the
/// SQLite storage runs, in PostgreSQL's SQL, with the store's id on every row.
///
/// Writes are held and sent together: consecutive inserts of one statement as one multi-row
/// `INSERT`, and everything held as one `DO` block (a single round trip for many statements)
/// when a read needs them, when about a megabyte is held, or at the end of the transaction.
/// Measured on loopback, one round trip costs about as much as applying tens of held
/// statements; a feed writes a few per event.
final class PostgresModelStorage: ModelStorage {
    private let session: PostgresSession
    private let storeID: ModelValue
    private var held: [String] = []
    private var heldBytes = 0
    /// A multi-row insert being gathered: its statement's first SQL part and its SQL so far.
    private var open: (head: String, tail: String, sql: String)?
    /// Held bytes that trigger a flush.
    static let flushBytes = 1 << 20

    init(session: PostgresSession, storeID: String) {
        self.session = session
        self.storeID = .text(storeID)
    }

    func run(_ statement: ModelStatement, _ bind: (inout ModelBinder) -> Void) throws {
        var binder = ModelBinder(collecting: [storeID])
        bind(&binder)
        let values = binder.values
        switch statement.kind {
        case .insert, .insertIfAbsent:
            // `INSERT INTO t (…) VALUES (v0, …)` + tail: rows of one statement gathered.
            let parts = statement.postgres
            var row = "("
            for i in values.indices {
                if i > 0 { row += ", " }
                row += PostgresLiteral.sql(values[i])
            }
            row += ")"
            let head = String(parts[0].dropLast())  // without its "("
            let tail = String(parts[parts.count - 1].dropFirst())  // without its ")"
            if let current = open, current.head == head, current.tail == tail {
                open!.sql += ", " + row
            } else {
                closeInsert()
                open = (head, tail, head + row)
            }
            heldBytes += row.utf8.count
        default:
            hold(Self.render(statement, values))
        }
        if heldBytes >= Self.flushBytes { try flush() }
    }

    func rows(_ statement: ModelStatement, _ bind: (inout ModelBinder) -> Void) throws -> [[ModelValue]] {
        try flush()
        var binder = ModelBinder(collecting: [storeID])
        bind(&binder)
        return try session.execute(Self.render(statement, binder.values)).map { $0.map(\.model) }
    }

    /// The statement's PostgreSQL text with `values` (the store's id first) as literals.
    static func render(_ statement: ModelStatement, _ values: [ModelValue]) -> String {
        let parts = statement.postgres
        let order = statement.postgresValueOrder
        var sql = ""
        for i in order.indices {
            sql += parts[i]
            sql += PostgresLiteral.sql(values[order[i]])
        }
        return sql + parts[parts.count - 1]
    }

    /// Sends what is held (one statement as itself, more as one `DO` block).
    func flush() throws(ProjectionError) {
        closeInsert()
        guard !held.isEmpty else { return }
        defer {
            held.removeAll(keepingCapacity: true)
            heldBytes = 0
        }
        if held.count == 1 {
            try session.execute(held[0])
            return
        }
        let body = held.joined(separator: ";\n")
        // A dollar-quote tag that the statements do not contain.
        var tag = "$docket$"
        var n = 0
        while body.contains(tag) {
            n += 1
            tag = "$docket\(n)$"
        }
        try session.execute("DO " + tag + " BEGIN\n" + body + ";\nEND " + tag)
    }

    /// Holds a statement of the caller's own (the checkpoint's update) to go with the rest.
    func hold(_ sql: String) {
        closeInsert()
        held.append(sql)
        heldBytes += sql.utf8.count
    }

    private func closeInsert() {
        guard let current = open else { return }
        open = nil
        held.append(current.sql + current.tail)
    }
}
