import ArgumentParser
import DocketJSON
import Foundation

/// `docket-workload summarize`: counts result lines by outcome.
struct SummarizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summarize",
        abstract: "Summarise `docket submit` result lines: accepted, and refused by error code."
    )

    @Argument(help: "The results file (JSON Lines).")
    var file: String

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        var accepted = 0
        var events = 0
        var refused: [String: Int] = [:]
        for line in data.split(separator: 0x0A) where !line.isEmpty {
            let value = try JSONParser.parse(Array(line))
            if value["ok"] == .bool(true) {
                accepted += 1
                events += value["events"]?.arrayValue?.count ?? 0
            } else {
                refused[value["error"]?["code"]?.stringValue ?? "?", default: 0] += 1
            }
        }
        print("accepted  \(accepted) commands, \(events) events")
        print("refused   \(refused.values.reduce(0, +)) commands")
        for (code, n) in refused.sorted(by: { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }) {
            print("          \(String(n).padding(toLength: 6, withPad: " ", startingAt: 0)) \(code)")
        }
    }
}
