import ArgumentParser

@main
struct DocketWorkloadTool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docket-workload",
        abstract: "Realistic, deterministic Docket workloads.",
        subcommands: [CommandsCommand.self, SummarizeCommand.self, ShowcaseCommand.self, LogDemo.self]
    )
}
