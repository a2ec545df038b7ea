import Projections

/// A read model's schema in PostgreSQL: the model's own tables (from its ``ModelSchema``) with
/// the store's id first in every row and key, and a `_checkpoints` table with each store's
/// position and the log's digest there.
///
/// Each model lives in its own PostgreSQL schema, `docket_<model>`, shared by every store that
/// feeds the database; a rebuild fills `docket_<model>_next` and renames it over the live one
/// in one transaction. Text columns compare byte by byte (`COLLATE "C"`), as SQLite's do, so
/// rows sort alike and fingerprints agree.
struct PostgresSchema {
    let projection: any Projection

    var name: String { Self.name(projection.name) }
    var building: String { name + "_next" }
    var retired: String { name + "_old" }

    /// The live schema of model `model`.
    static func name(_ model: String) -> String { "docket_" + model }

    /// The schema of shared functions (what the reports' SQL calls that PostgreSQL lacks).
    static let functions = "docket"

    /// A transaction-level advisory lock per model: feeds take it shared, a swap exclusive,
    /// so no feed writes into a schema being retired.
    var lockKey: String { "hashtext(" + PostgresLiteral.text("docket:" + projection.name) + ")" }

    /// A session-level advisory lock per model held by a load (build schema, COPY, swap).
    var loadLockKey: String { "hashtext(" + PostgresLiteral.text("docket-load:" + projection.name) + ")" }

    /// Statements that create the model's tables in `schema` (indexes separately).
    func createTables(in schema: String) -> [String] {
        var out = ["CREATE SCHEMA IF NOT EXISTS \(schema)"]
        for table in projection.schema.tables {
            var columns = ["store_id text COLLATE \"C\" NOT NULL"]
            for column in table.columns {
                let type =
                    switch column.type {
                    case .text: "text COLLATE \"C\""
                    case .integer: "bigint"
                    case .blob: "bytea"
                    }
                columns.append("\(column.name) \(type)" + (column.nullable ? "" : " NOT NULL"))
            }
            columns.append("PRIMARY KEY (store_id, " + table.primaryKey.joined(separator: ", ") + ")")
            out.append("CREATE TABLE IF NOT EXISTS \(schema).\(table.name) (" + columns.joined(separator: ", ") + ")")
        }
        out.append(
            """
            CREATE TABLE IF NOT EXISTS \(schema)._checkpoints (
                store_id text COLLATE "C" PRIMARY KEY,
                position bigint NOT NULL,
                digest text NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now()
            )
            """
        )
        out.append("CREATE TABLE IF NOT EXISTS \(schema)._model (schema_version integer NOT NULL)")
        return out
    }

    /// Statements that create the model's secondary indexes in `schema`.
    func createIndexes(in schema: String) -> [String] {
        projection.schema.indexes.map { index in
            "CREATE \(index.unique ? "UNIQUE " : "")INDEX IF NOT EXISTS \(index.name) ON \(schema).\(index.table) (store_id, "
                + index.columns.joined(separator: ", ") + ")"
        }
    }

    /// The functions the reports' SQL needs beyond PostgreSQL's own: SQLite's `julianday` of a
    /// `YYYY-MM-DD` day (the reports count whole days between two).
    static let functionStatements = [
        "CREATE SCHEMA IF NOT EXISTS \(functions)",
        """
        CREATE OR REPLACE FUNCTION \(functions).julianday(day text) RETURNS double precision
        LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT (day::date - DATE '2000-01-01') + 2451544.5::double precision $$
        """,
    ]
}
