import ArgumentParser
import CertificationWire
import DocketApplication
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

    @OptionGroup var purpose: PurposeOption

    @Option(help: ArgumentHelp("The first position to export.", valueName: "position"))
    var from: UInt64 = 1

    func run() throws {
        do {
            let service = try DocketService.open(at: options.path, readOnly: true)
            let store = service.store
            // Recorded before anything is written: an export discloses every case.
            try service.recordAccess("export", caseID: "*", disclosure: .full, purpose: try purpose.readPurpose())
            let last = store.log.lastPosition
            let count = try Exporter.export(store.log, from: from, keys: store.personalKeys, write: Output.write) {
                position in
                Terminal.progress("exported \(position) of \(last) events…")
            }
            Terminal.endProgress()
            if Terminal.showsProgress { Terminal.error("exported \(count) events") }
        } catch {
            throw Terminal.fail(error)
        }
    }
}
