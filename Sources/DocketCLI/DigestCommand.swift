import ArgumentParser
import EventLog

/// `docket digest`: the log's digest, for an auditor to note and check later.
struct DigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Print the log's digest (its hash-chain head) at the end or at a position.",
        discussion: """
            Keep the digest somewhere the store's operators cannot change. Later, `docket verify --expect DIGEST` recomputes every chain link from the start and proves the log still extends it: no event at or before that position was altered or removed.
            """
    )

    @OptionGroup var options: StoreOptions

    @Option(help: "The position to take the digest at (default: the last event).")
    var at: UInt64?

    func run() throws {
        do {
            let log = try EventLog.open(at: options.path, readOnly: true)
            print(try log.digest(at: at))
        } catch {
            throw Terminal.fail(error)
        }
    }
}
