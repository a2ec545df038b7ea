import ArgumentParser
import Certification
import CertificationWire
import Chronology
import DocketJSON
import DocketStore
import Foundation
import Projections

/// `docket timeline ID`: who did what, when, and why.
struct TimelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Show a case's events in order: when, who, what, and a one-line summary.",
        discussion: """
            Times are shown in Asia/Shanghai local time. --json prints an array of interchange-format events, each with a "summary"; identity numbers are masked.

            Example:
              docket timeline 2024-04-000001
            """
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: "The case id.")
    var id: String

    @Flag(help: "Print a JSON array of events instead of a table.")
    var json = false

    func run() throws {
        let entries: [Projector.TimelineEntry]
        do {
            let store = try DocketStore.open(at: options.path, readOnly: true)
            // The timelines read model answers when it holds the whole log; the log otherwise.
            if let projected = try Projector(storeRoot: options.path, log: store.log).currentTimeline(id) {
                entries = projected
            } else {
                entries = try CaseHistory.load(id, from: store.log).entries.map {
                    Projector.TimelineEntry(event: $0.line(), summary: EventSummary.summary(of: $0.event))
                }
            }
        } catch let error as DocketStoreError {
            Terminal.error(error.message)
            throw ExitStatus.problem
        } catch let error as ProjectionError {
            Terminal.error(error.message)
            throw ExitStatus.problem
        }
        if json {
            var out: [UInt8] = [0x5B]
            for (i, entry) in entries.enumerated() {
                if i > 0 { out.append(0x2C) }
                out.append(0x0A)
                entry.event.write(into: &out, extra: [("summary", .string(entry.summary))])
            }
            out.append(contentsOf: Array("\n]\n".utf8))
            Output.write(out)
        } else {
            var table = TextTable(["v", "when (UTC+8)", "who", "what", "summary"])
            for entry in entries {
                let r = entry.event
                table.add([
                    "\(r.version)", Self.local(r.at), "\(r.metadata.actorID) (\(r.metadata.role))", r.type,
                    entry.summary,
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
