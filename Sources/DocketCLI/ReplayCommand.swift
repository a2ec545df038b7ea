import ArgumentParser
import CertificationWire
import DocketApplication
import DocketJSON

/// `docket replay ID`: each event, then the state it produced.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "For auditors: replay a case event by event, showing the state after each.",
        discussion: """
            Each event is followed by the case view it produced (status evaluated at that event's time, batches as the log held them when it was recorded). --json prints JSON Lines: {"event": …, "summary": …, "state": …}. --as-of / --known-at stop the replay at a moment.

            Example:
              docket replay 2024-04-000001 --json | jq .state.status
            """
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: "The case id.")
    var id: String

    @OptionGroup var cut: CutOptions

    @Flag(help: "Print JSON Lines instead of text.")
    var json = false

    func run() throws {
        let steps: [ReplayStep]
        do {
            let service = try DocketService.open(at: options.path, readOnly: true)
            steps = try service.replay(id, cut: try cut.cut, disclosure: .masked)
        } catch {
            throw Terminal.fail(error)
        }
        var out: [UInt8] = []
        for step in steps {
            if json {
                step.write(into: &out)
                out.append(0x0A)
            } else {
                let r = step.event
                out.append(
                    contentsOf: Array(
                        "── v\(r.version) · position \(r.position) · \(r.type) · \(r.at) · \(r.metadata.actorID) (\(r.metadata.role))\n   \(step.summary)\n"
                            .utf8
                    )
                )
                for line in CaseCommand.table(step.state).split(separator: "\n") {
                    out.append(contentsOf: Array("   \(line)\n".utf8))
                }
            }
        }
        Output.write(out)
    }
}
