import ArgumentParser

@main
struct Docket: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docket",
        abstract: "Docket: an event-sourced case-management backend."
    )
}
