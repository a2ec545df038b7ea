import ArgumentParser
import CertificationWire
import Chronology
import DocketApplication
import DocketJSON

/// `docket replay ID`: each event, then the state it produced.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "For auditors: replay a case event by event, showing the state after each.",
        discussion: """
            Each event is followed by the case view it produced (status evaluated at that event's time, batches as the log held them when it was recorded). --output jsonl prints one {"event": …, "summary": …, "state": …} per line (--json: the same as one array). --as-of / --known-at stop the replay at a moment.

            Example:
              docket replay 2024-04-000001 --output jsonl | jq .state.status
            """
    )

    @OptionGroup var options: StoreOptions

    @OptionGroup var purpose: PurposeOption

    @Argument(help: "The case id.")
    var id: String

    @OptionGroup var cut: CutOptions

    @OptionGroup var output: OutputOptions

    func run() throws {
        let steps: [ReplayStep]
        do {
            let service = try DocketService.open(at: options.path, readOnly: true)
            steps = try service.replay(id, cut: try cut.cut, disclosure: .masked, purpose: try purpose.readPurpose())
        } catch {
            throw Terminal.fail(error)
        }
        var out: [UInt8] = []
        switch output.format {
        case .json:
            out.append(0x5B)
            for (i, step) in steps.enumerated() {
                if i > 0 { out.append(0x2C) }
                out.append(0x0A)
                step.write(into: &out)
            }
            out.append(contentsOf: Array("\n]\n".utf8))
            Output.write(out)
            return
        case .jsonl:
            for step in steps {
                step.write(into: &out)
                out.append(0x0A)
            }
            Output.write(out)
            return
        case .csv:
            let listing = Listing(
                columns: ["version", "position", "type", "at", "status", "summary"],
                rows: steps.map { s in
                    [
                        .int(s.event.version), .int(s.event.position), .string(s.event.type),
                        .string(s.event.at.description), s.state["status"] ?? .null, .string(s.summary),
                    ]
                }
            )
            Output.write(listing.rendered(.csv, csvBOM: output.csvBOM))
            return
        case .table:
            break
        }
        for step in steps {
            let r = step.event
            let heading =
                "── v\(r.version) · position \(r.position) · \(r.type) · \(r.at) · \(r.metadata.actorID) (\(r.metadata.role))"
            out.append(
                contentsOf: Array(
                    (Terminal.printable(heading) + "\n   " + Terminal.printable(step.summary) + "\n").utf8
                )
            )
            for line in CaseCommand.table(step.state).split(separator: "\n") {
                out.append(contentsOf: Array("   \(line)\n".utf8))
            }
        }
        Output.write(out)
    }
}
