import ArgumentParser
import Certification
import CertificationWire
import DocketJSON
import DocketStore

/// `docket replay ID`: each event, then the state it produced.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "For auditors: replay a case event by event, showing the state after each.",
        discussion: """
            Each event is followed by the case view it produced (status evaluated at that event's time). --json prints JSON Lines: {"event": …, "state": …}.

            Example:
              docket replay 2024-04-000001 --json | jq .state.status
            """
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: "The case id.")
    var id: String

    @Flag(help: "Print JSON Lines instead of text.")
    var json = false

    func run() throws {
        let history: CaseHistory
        var views: [CaseView] = []
        do {
            let store = try DocketStore.open(at: options.path, readOnly: true)
            history = try CaseHistory.load(id, from: store.log)
            for n in 1...history.entries.count { views.append(try CaseView.make(history, at: .atVersion(UInt64(n)))) }
        } catch {
            Terminal.error(error.message)
            throw ExitStatus.problem
        }
        var out: [UInt8] = []
        for (entry, view) in zip(history.entries, views) {
            if json {
                out.append(contentsOf: Array("{\"event\":".utf8))
                entry.line().write(into: &out)
                out.append(contentsOf: Array(",\"state\":".utf8))
                JSONWriter.write(view.json(), into: &out)
                out.append(contentsOf: Array("}\n".utf8))
            } else {
                let r = entry.recorded
                out.append(
                    contentsOf: Array(
                        "── v\(r.version) · position \(r.position) · \(r.type) · \(r.at) · \(r.metadata.actorID) (\(r.metadata.role))\n   \(EventSummary.summary(of: entry.event))\n"
                            .utf8
                    )
                )
                for line in CaseCommand.table(view.json()).split(separator: "\n") {
                    out.append(contentsOf: Array("   \(line)\n".utf8))
                }
            }
        }
        Output.write(out)
    }
}
