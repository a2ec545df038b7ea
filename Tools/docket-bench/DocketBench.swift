import ArgumentParser

@main
struct DocketBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docket-bench",
        abstract: "Benchmarks for Docket. Each prints one JSON object of figures on standard output.",
        discussion: """
            Run in release mode: swift run -c release docket-bench log --events 1000000
            Progress goes to standard error; the JSON result to standard output.
            """,
        subcommands: [
            LogBenchmark.self, SubmitBenchmark.self, RebuildBenchmark.self, HTTPBenchmark.self, JSONBenchmark.self,
            EvidenceBenchmark.self, PostgresBenchmark.self,
        ]
    )
}
