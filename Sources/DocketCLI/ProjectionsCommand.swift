import ArgumentParser
import DocketJSON
import DocketStore
import EventLog
import Projections

/// `docket projections status`: each read model's position, lag and fingerprints.
struct ProjectionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections",
        abstract: "Inspect the read models.",
        subcommands: [Status.self]
    )

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

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            do {
                let store = try DocketStore.open(at: options.path, readOnly: true)
                let projector = try Projector(storeRoot: options.path, log: store.log)
                let differences = check ? try projector.check() : []
                let statuses = try projector.status()
                if json {
                    let items: [JSONValue] = statuses.map { s in
                        .object([
                            "name": .string(s.name), "position": .int(s.position), "lag": .int(s.lag),
                            "fingerprints": .object(
                                JSONObject(
                                    s.fingerprints.map { (key: $0.table, value: JSONValue.string($0.fingerprint)) }
                                )
                            ),
                        ])
                    }
                    var object = JSONObject([("log", .int(store.log.lastPosition)), ("projections", .array(items))])
                    if check {
                        object.set("differences", .array(differences.map { .string($0.description) }))
                    }
                    print(JSONWriter.string(.object(object)))
                } else {
                    var table = TextTable(["projection", "position", "lag", "table", "fingerprint"])
                    for s in statuses {
                        let prints = s.fingerprints.isEmpty ? [("-", "not built")] : s.fingerprints
                        for (i, (t, f)) in prints.enumerated() {
                            table.add([
                                i == 0 ? s.name : "", i == 0 ? "\(s.position)" : "", i == 0 ? "\(s.lag)" : "", t,
                                String(f.prefix(16)),
                            ])
                        }
                    }
                    print(table.rendered, terminator: "")
                    if check {
                        print(
                            differences.isEmpty
                                ? "check: identical to a fresh rebuild" : "check: \(differences.count) difference(s)"
                        )
                        for d in differences { print("  \(d)") }
                    }
                }
                if !differences.isEmpty { throw ExitStatus.problem }
            } catch let error as DocketStoreError {
                Terminal.error(error.message)
                throw ExitStatus.problem
            } catch let error as ProjectionError {
                Terminal.error(error.message)
                throw ExitStatus.problem
            }
        }
    }
}
