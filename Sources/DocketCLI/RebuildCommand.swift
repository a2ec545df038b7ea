import ArgumentParser
import Chronology
import DocketStore
import EventLog
import Projections

/// `docket rebuild [NAME…]`: read models rebuilt from the log, blue/green.
struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild read models from the log into new files and swap them in atomically.",
        discussion: """
            Each projection is built into <store>/projections/NAME.sqlite.building and renamed over the live file only when complete and synced: readers never see a half-built model, and a crash leaves the old one serving. With no NAME, every projection is rebuilt.

            --as-of builds a separate file as the log stood then (for audits: "what did we show on date T"): a position, or an RFC 3339 time matched against when events were recorded. The file is <store>/projections/NAME.asof-POSITION.sqlite; the live model is untouched.

            Projections: \(Projector.names.joined(separator: ", ")).

            Examples:
              docket rebuild
              docket rebuild revenue complaints
              docket rebuild revenue --as-of 2024-05-01T00:00:00+08:00
            """
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: "Projections to rebuild (default: all).")
    var names: [String] = []

    @Option(help: ArgumentHelp("Build as the log stood at this position or RFC 3339 time.", valueName: "time|position"))
    var asOf: String?

    func validate() throws {
        if let asOf, UInt64(asOf) == nil, RFC3339.parse(asOf) == nil {
            throw ValidationError(
                "--as-of \(asOf) is neither a position nor an RFC 3339 time (2024-05-01T00:00:00+08:00)"
            )
        }
    }

    func run() throws {
        do {
            let store = try DocketStore.open(at: options.path, readOnly: true)
            let projector = try Projector(storeRoot: options.path, log: store.log)
            let selected = try projector.select(names)
            if let asOf {
                let position = try UInt64(asOf) ?? projector.position(asOf: RFC3339.parse(asOf)!)
                for projection in selected {
                    let path = projector.directory + "/\(projection.name).asof-\(position).sqlite"
                    try projector.build(projection.name, through: position, at: path)
                    print("built \(projection.name) as of position \(position): \(path)")
                }
                return
            }
            let last = store.log.lastPosition
            try projector.rebuild(names) { name, position in
                Terminal.progress("rebuilding \(name): \(position) of \(last) events…")
            }
            Terminal.endProgress()
            for projection in selected { print("rebuilt \(projection.name) through position \(last)") }
        } catch let error as DocketStoreError {
            Terminal.error(error.message)
            throw ExitStatus.problem
        } catch let error as ProjectionError {
            Terminal.endProgress()
            Terminal.error(error.message)
            throw ExitStatus.problem
        }
    }
}
