import ArgumentParser
import DocketApplication
import DocketJSON
import EventLog
import Projections
import ProjectionsPostgres

/// `docket projections status|update`: each read model's position, lag and fingerprints, and
/// bringing them up to date.
struct ProjectionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections",
        abstract: "Inspect the read models.",
        subcommands: [Status.self, Update.self, TargetCommand.self]
    )

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update",
            abstract: "Bring the read models up to the log's last position (after an import, say).",
            discussion: """
                Applies the events each model has not seen, in transactions that end with the model's checkpoint: interrupted, it loses nothing and applies nothing twice, and the next run goes on from where it stopped. `docket submit` does this by itself when it ends.

                A PostgreSQL target (`docket projections target add`) is brought up to date too, unless --sqlite-only; a store the target refuses as diverged exits 1 (store-diverged) after the SQLite models are updated.

                Examples:
                  docket projections update
                  docket projections update cases revenue
                """
        )

        @OptionGroup var options: StoreOptions

        @Argument(help: "Projections to update (default: all).")
        var names: [String] = []

        @Option(help: .hidden)
        var eventsPerTransaction: Int?

        @Flag(help: "Leave the PostgreSQL target as it is.")
        var sqliteOnly = false

        func validate() throws {
            if let n = eventsPerTransaction, n < 1 {
                throw ValidationError("--events-per-transaction must be 1 or more")
            }
            for name in names where !Projector.names.contains(name) {
                throw ValidationError(
                    "no projection \(name); the projections are \(Projector.names.joined(separator: ", "))"
                )
            }
        }

        func run() throws {
            do {
                let service = try DocketService.open(at: options.path, readOnly: true)
                let last = service.logPosition
                let applied = try service.updateReadModels(names, eventsPerTransaction: eventsPerTransaction) {
                    _,
                    position in
                    Terminal.progress("bringing the read models up to date: \(position) of \(last) events…")
                }
                Terminal.endProgress()
                print("read models at position \(last) (\(applied) event applications)")
                if !sqliteOnly, let target = try service.postgresTarget(required: false) {
                    let fed = try service.updateTarget(target) { step, position in
                        Terminal.progress(
                            "bringing the PostgreSQL target up to date (\(step)): \(position) of \(last) events…"
                        )
                    }
                    Terminal.endProgress()
                    print("postgres \(target.url.redacted) at position \(last) (\(fed) event applications)")
                }
            } catch {
                throw Terminal.fail(error)
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Each projection's position, lag behind the log, and table fingerprints.",
            discussion: """
                A fingerprint is a digest of a table's rows in key order: a rebuild from the same log gives the same fingerprints. --check first brings the live models up to date, then rebuilds each into a scratch file and names any table whose fingerprint differs (exit 1).
                """
        )

        @OptionGroup var options: StoreOptions

        @Flag(help: "Compare the live models with a fresh rebuild.")
        var check = false

        @OptionGroup var output: OutputOptions

        func run() throws {
            let status: ReadModelStatus
            var target: TargetStatus?
            // The target's failure (unreachable, say) is reported after the SQLite models.
            var targetFailure: DocketError?
            do {
                let service = try DocketService.open(at: options.path, readOnly: true)
                status = try service.readModelStatus(check: check)
                do throws(DocketError) { target = try service.targetStatus() } catch { targetFailure = error }
            } catch {
                throw Terminal.fail(error)
            }
            let diverged = target?.models.contains { $0.divergence != nil } ?? false
            let differences = status.differences ?? []
            let models = Listing(
                columns: [
                    "name", "position", "lag", "schemaVersion", "fileSchemaVersion", "rebuildReason", "fingerprints",
                ],
                rows: status.models.map { s in
                    [
                        .string(s.name), .int(s.position), .int(s.lag), .int(s.schemaVersion),
                        .int(s.fileSchemaVersion),
                        .optional(s.rebuildReason),
                        .object(JSONObject(s.fingerprints.map { (key: $0.table, value: .string($0.fingerprint)) })),
                    ]
                }
            )
            switch output.format {
            case .json:
                var json = status.json
                if case .object(var object) = json, let target {
                    object.set("postgres", target.json)
                    json = .object(object)
                }
                print(JSONWriter.string(json))
            case .jsonl, .csv:
                Output.write(models.rendered(output.format, csvBOM: output.csvBOM))
            case .table:
                print(
                    Self.fingerprintTable(
                        status.models.map { ($0.name, $0.position, $0.lag, $0.fileSchemaVersion, $0.fingerprints) },
                        none: "not built"
                    ),
                    terminator: ""
                )
                for s in status.models {
                    if let reason = s.rebuildReason {
                        print("\(s.name): rebuilt on the next `docket projections update` (\(reason))")
                    }
                }
                if check {
                    print(
                        differences.isEmpty
                            ? "check: identical to a fresh rebuild" : "check: \(differences.count) difference(s)"
                    )
                    for d in differences { print("  \(d)") }
                }
            }
            if output.format == .table, let target {
                print("")
                print(
                    "postgres \(target.url) (store \(target.storeID); the database holds \(target.stores.count) store(s))"
                )
                print(
                    Self.fingerprintTable(
                        target.models.map { ($0.name, $0.position, $0.lag, $0.schemaVersion, $0.fingerprints) },
                        none: "not loaded"
                    ),
                    terminator: ""
                )
                for m in target.models { if let reason = m.divergence { print("\(m.name): refused: \(reason)") } }
            }
            if let targetFailure { throw Terminal.fail(targetFailure) }
            if !differences.isEmpty || diverged { throw ExitStatus.problem }
        }

        /// Models as a table for people: a row per table, the model's figures on its first.
        static func fingerprintTable(
            _ models: [(
                name: String, position: UInt64, lag: UInt64, schema: Int, prints: [(table: String, fingerprint: String)]
            )],
            none: String
        ) -> String {
            var table = TextTable(["projection", "position", "lag", "schema", "table", "fingerprint"])
            for m in models {
                let prints = m.prints.isEmpty ? [("-", none)] : m.prints
                for (i, (t, f)) in prints.enumerated() {
                    table.add([
                        i == 0 ? m.name : "", i == 0 ? "\(m.position)" : "", i == 0 ? "\(m.lag)" : "",
                        i == 0 ? "v\(m.schema)" : "", t, String(f.prefix(16)),
                    ])
                }
            }
            return table.rendered
        }
    }
}
