import ArgumentParser
import DocketStore
import EventLog

/// `docket export`: the log in the interchange format.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the log's events as JSON Lines in the interchange format.",
        discussion: """
            One event per line: {"position","stream","version","type","at","recordedAt","actor","commandId","data"}. Full identity numbers are included: the export is for migrations and audits by the store's operators.

            Examples:
              docket export > events.jsonl
              docket export --from 1000001 | gzip > tail.jsonl.gz
            """
    )

    @OptionGroup var options: StoreOptions

    @Option(help: ArgumentHelp("The first position to export.", valueName: "position"))
    var from: UInt64 = 1

    func run() throws {
        do {
            let store = try DocketStore.open(at: options.path, readOnly: true)
            let last = store.log.lastPosition
            let count = try Exporter.export(store.log, from: from, keys: store.personalKeys, write: Output.write) { position in
                Terminal.progress("exported \(position) of \(last) events…")
            }
            Terminal.endProgress()
            if Terminal.showsProgress { Terminal.error("exported \(count) events") }
        } catch {
            throw Terminal.fail(error)
        }
    }
}
