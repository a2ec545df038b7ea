import ArgumentParser
import DocketWorkload
import Foundation

/// `docket-workload commands`: the realistic command stream as JSON Lines.
struct CommandsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commands",
        abstract: "Write a realistic, seeded stream of commands (JSON Lines) for `docket submit`.",
        discussion: """
            N cases across the 2024 batches (and 2025-04 for retakes) and both occupations: applications with real JPEG photos, verifications (some rejected), payments, withdrawals and refunds, tickets (a few late), a force-majeure reschedule of 2024-07, scores, complaints and corrections, retakes and certificates, and about 3% of cases with an invalid command. The same seed gives the same bytes.

            Example:
              docket-workload commands --cases 2000 | docket submit > results.jsonl
            """
    )

    @Option(help: "How many cases.")
    var cases = 2000

    @Option(help: "The random seed.")
    var seed: UInt64 = 2024

    func run() throws {
        let workload = CommandWorkload(cases: cases, seed: seed)
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20)
        let stdout = FileHandle.standardOutput
        for line in workload {
            out.append(contentsOf: line)
            out.append(0x0A)
            if out.count >= 1 << 20 {
                stdout.write(Data(out))
                out.removeAll(keepingCapacity: true)
            }
        }
        stdout.write(Data(out))
    }
}
