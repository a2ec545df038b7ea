import ArgumentParser
import DocketApplication
import DocketJSON
import Foundation
import Projections
import ProjectionsPostgres

/// `docket projections target add|list|remove`: the read models in a PostgreSQL database as
/// well as in the store's own files.
struct TargetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "target",
        abstract: "Keep the read models in PostgreSQL as well (reporting across stores).",
        discussion: """
            A PostgreSQL target holds the same read models as the store's SQLite files — the same rows, the same fingerprints — for analysts' SQL, BI tools and reports across many stores. Every row carries the store's id; many stores can share one database. The target is kept current by `docket projections update` and by `docket serve`; each model's rows and checkpoint change in one PostgreSQL transaction, so nothing is lost or applied twice.

            A store restored from an older backup, or whose log diverged from what the target recorded, is refused (exit 1, store-diverged); `docket rebuild --target postgres` loads it afresh.
            """,
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a PostgreSQL target and load the read models into it.",
            discussion: """
                URL is postgres://USER:PASSWORD@HOST:PORT/DATABASE, with ?sslmode=disable|prefer|require|verify-full (default prefer). The URL, password included, is kept in <store>/projections/targets.json, readable by the store's owner only (PGPASSWORD and ~/.pgpass are not read); where that file must not hold a password, give the role a trust or certificate login on the server instead. The database is reached, prepared and loaded before anything is saved: every model is loaded by COPY (blue/green: built, copied into a new schema, swapped in). Each model lives in a schema of its own, docket_<model>, shared by every store of the database: grants on those schemas and tables carry over a swap; views of your own over them do not (keep them in a schema of yours and create them again after `docket rebuild --target postgres`).

                For a local server: `bash Tools/postgres start` prints a URL.

                Examples:
                  docket projections target add postgres postgres://docket:secret@127.0.0.1:5432/reports
                  docket projections target add postgres "$URL" --models cases,revenue,batches --store-id beijing
                  docket projections target add postgres "$URL" --reports-by-default
                """
        )

        @OptionGroup var options: StoreOptions

        @Argument(help: ArgumentHelp("The kind of target: postgres.", valueName: "kind"))
        var kind: String

        @Argument(help: ArgumentHelp("The database's URL.", valueName: "url"))
        var url: String

        @Option(
            help: ArgumentHelp("The models the target holds, comma-separated (default: all).", valueName: "names"),
            transform: { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        )
        var models: [String] = []

        @Option(
            help: ArgumentHelp(
                "The store's id in the database (default: the store's id, or a new one).",
                valueName: "id"
            )
        )
        var storeID: String?

        @Flag(help: "Answer `docket report` from the target unless --target sqlite is given.")
        var reportsByDefault = false

        func validate() throws {
            guard kind == "postgres" else { throw ValidationError("the only kind of target is postgres, not \(kind)") }
            for name in models where !Projector.names.contains(name) {
                throw ValidationError(
                    "--models: no projection \(name); the projections are \(Projector.names.joined(separator: ", "))"
                )
            }
            if let storeID, !PostgresTarget.isValidStoreID(storeID) || storeID == "all" {
                throw ValidationError(
                    "--store-id \(storeID) is not 1 to 64 of a-z, 0-9, '.', '_', '-' starting with a letter or digit (\"all\" is reserved for reports of every store)"
                )
            }
        }

        func run() throws {
            do {
                let service = try DocketService.open(at: options.path, readOnly: true)
                let last = service.logPosition
                let target = try service.addPostgresTarget(
                    url: url,
                    models: models,
                    storeID: storeID,
                    reportsByDefault: reportsByDefault
                ) { step, position in
                    Terminal.progress("\(step): \(position) of \(last) events…")
                }
                Terminal.endProgress()
                print(
                    "target postgres \(target.url.redacted): store \(target.storeID), \(target.models.joined(separator: ", ")) at position \(last)"
                )
            } catch {
                throw Terminal.fail(error)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Show the store's id and its targets (URLs without passwords)."
        )

        @OptionGroup var options: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let targets: ReportingTargets?
            do {
                let service = try DocketService.open(at: options.path, readOnly: true)
                targets = try service.reportingTargets()
            } catch {
                throw Terminal.fail(error)
            }
            let rows: [[JSONValue]] =
                (targets?.postgres).map { pg in
                    let url = (try? PostgresURL(pg.url))?.redacted ?? "(invalid URL)"
                    return [
                        [
                            .string("postgres"), .string(url), .string(targets?.storeID ?? ""),
                            .string(pg.models.isEmpty ? "all" : pg.models.joined(separator: ",")),
                            .bool(pg.reportsByDefault),
                        ]
                    ]
                } ?? []
            let listing = Listing(columns: ["kind", "url", "storeID", "models", "reportsByDefault"], rows: rows)
            if output.format == .table && rows.isEmpty {
                print("no targets; add one with `docket projections target add postgres URL`")
                return
            }
            Output.write(listing.rendered(output.format, csvBOM: output.csvBOM))
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Stop keeping the read models in the target.",
            discussion: """
                Without --drop-rows the database keeps this store's rows as they are (frozen, still in reports of every store). With it they are deleted first — personal data included, which an erasure in the store no longer reaches once the target is removed.
                """
        )

        @OptionGroup var options: StoreOptions

        @Flag(help: "Delete every row the database holds of this store first.")
        var dropRows = false

        @Argument(help: ArgumentHelp("The kind of target: postgres.", valueName: "kind"))
        var kind: String

        func validate() throws {
            guard kind == "postgres" else { throw ValidationError("the only kind of target is postgres, not \(kind)") }
        }

        func run() throws {
            do {
                let service = try DocketService.open(at: options.path, readOnly: true)
                try service.removePostgresTarget(dropRows: dropRows)
                print(
                    dropRows
                        ? "removed the postgres target and this store's rows there"
                        : "removed the postgres target (the database keeps this store's rows; --drop-rows deletes them)"
                )
            } catch {
                throw Terminal.fail(error)
            }
        }
    }
}
