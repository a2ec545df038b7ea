import ArgumentParser
import DocketWorkload

/// `docket-workload showcase`: the id of a case worth showing from a workload.
struct ShowcaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "showcase",
        abstract: "Print the id of a case with a retake and a certificate in the workload (for demos)."
    )

    @Option(help: "How many cases.")
    var cases = 2000

    @Option(help: "The random seed.")
    var seed: UInt64 = 2024

    func run() {
        print(CommandWorkload(cases: cases, seed: seed).showcaseCaseID)
    }
}
