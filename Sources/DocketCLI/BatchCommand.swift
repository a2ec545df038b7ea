import ArgumentParser
import Certification
import CertificationWire
import Chronology
import DocketApplication
import DocketJSON

/// `docket batch ID`: a batch and its history.
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Show a batch: its exam start, occupations, reschedules with their reasons, and its events.",
        discussion: """
            A case's timeline shows the events of its batches too; this shows one batch whole.

            Examples:
              docket batch 2024-04
              docket batch 2024-07 --json
            """
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: "The batch id (YYYY-MM).")
    var id: String

    @OptionGroup var cut: CutOptions

    @OptionGroup var output: OutputOptions

    func run() throws {
        let answer: BatchAnswer
        do {
            let service = try DocketService.open(at: options.path, readOnly: true)
            answer = try service.batch(id, cut: try cut.cut)
        } catch {
            throw Terminal.fail(error)
        }
        switch output.format {
        case .json, .jsonl:
            print(JSONWriter.string(answer.json))
            return
        case .csv:
            let listing = Listing(
                columns: ["version", "position", "type", "at", "recordedAt", "actor", "summary"],
                rows: answer.events.map { e in
                    [
                        .int(e.event.version), .int(e.event.position), .string(e.event.type),
                        .string(e.event.at.description), .string(e.event.recordedAt.description),
                        .string(e.event.metadata.actorID), .string(e.summary),
                    ]
                }
            )
            Output.write(listing.rendered(.csv, csvBOM: output.csvBOM))
            return
        case .table:
            break
        }
        var facts = TextTable(["batch", answer.batchID])
        facts.add(["exam starts", answer.state.examStartsAt.map(TimelineCommand.local).map { $0 + " (UTC+8)" } ?? "-"])
        facts.add(["occupations", answer.state.occupations.map(\.rawValue).joined(separator: ", ")])
        for r in answer.reschedules {
            facts.add([
                "rescheduled",
                "on \(TimelineCommand.local(r.at)) to \(TimelineCommand.local(r.examStartsAt)): \(r.reason)",
            ])
        }
        facts.add(["scores", answer.state.scoresPublishedAt == nil ? "not published" : "published"])
        print(facts.rendered)
        var events = TextTable(["v", "when (UTC+8)", "who", "what", "summary"])
        for entry in answer.events {
            let r = entry.event
            events.add([
                "\(r.version)", TimelineCommand.local(r.at), "\(r.metadata.actorID) (\(r.metadata.role))", r.type,
                entry.summary,
            ])
        }
        print(events.rendered, terminator: "")
    }
}
