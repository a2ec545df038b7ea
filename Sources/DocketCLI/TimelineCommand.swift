import ArgumentParser
import CertificationWire
import Chronology
import DocketApplication
import DocketJSON
import Foundation

/// `docket timeline ID`: who did what, when, and why.
struct TimelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Show a case's events in order: when, who, what, and a one-line summary.",
        discussion: """
            The case's own events, and the events of its batches that could change it (the exam scheduled, rescheduled with its reason, scores published), marked "batch". Times are shown in Asia/Shanghai local time. --json prints an array of interchange-format events, each with a "summary" and a "source" ("case" or "batch"); identity numbers are masked and birth dates shown to the year.

            Examples:
              docket timeline 2024-04-000001
              docket timeline 2024-04-000001 --known-at 2024-06-01
            """
    )

    @OptionGroup var options: StoreOptions

    @OptionGroup var purpose: PurposeOption

    @Argument(help: "The case id.")
    var id: String

    @OptionGroup var cut: CutOptions

    @OptionGroup var output: OutputOptions

    func run() throws {
        let entries: [TimelineEntry]
        do {
            let service = try DocketService.open(at: options.path, readOnly: true)
            entries = try service.timeline(
                id,
                cut: try cut.cut,
                disclosure: .masked,
                purpose: try purpose.readPurpose()
            )
        } catch {
            throw Terminal.fail(error)
        }
        switch output.format {
        case .json:
            var out: [UInt8] = [0x5B]
            for (i, entry) in entries.enumerated() {
                if i > 0 { out.append(0x2C) }
                out.append(0x0A)
                entry.write(into: &out)
            }
            out.append(contentsOf: Array("\n]\n".utf8))
            Output.write(out)
        case .jsonl:
            var out: [UInt8] = []
            for entry in entries {
                entry.write(into: &out)
                out.append(0x0A)
            }
            Output.write(out)
        case .csv:
            let listing = Listing(
                columns: [
                    "version", "position", "stream", "type", "at", "recordedAt", "actor", "role", "source", "summary",
                ],
                rows: entries.map { e in
                    [
                        .int(e.event.version), .int(e.event.position), .string(e.event.stream), .string(e.event.type),
                        .string(e.event.at.description), .string(e.event.recordedAt.description),
                        .string(e.event.metadata.actorID), .string(e.event.metadata.role), .string(e.source.rawValue),
                        .string(e.summary),
                    ]
                }
            )
            Output.write(listing.rendered(.csv, csvBOM: output.csvBOM))
        case .table:
            var table = TextTable(["v", "when (UTC+8)", "who", "what", "summary"])
            for entry in entries {
                let r = entry.event
                let version = entry.source == .batch ? "batch" : "\(r.version)"
                table.add([
                    version, Self.local(r.at), "\(r.metadata.actorID) (\(r.metadata.role))", r.type, entry.summary,
                ])
            }
            print(table.rendered, terminator: "")
        }
    }

    /// `2024-03-02 10:15` in China Standard Time.
    static func local(_ t: Timestamp) -> String {
        let shifted = Timestamp(microseconds: t.microseconds, utcOffsetSeconds: Timestamp.chinaStandardOffset)
        let text = shifted.description
        return String(text.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }
}
