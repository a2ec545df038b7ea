import ArgumentParser
import EventLog
import Foundation

/// The `docket` command line: one executable, a subcommand per job (SPEC §4).
@main
struct Docket: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docket",
        abstract: "Docket: an event-sourced case-management backend for skill certification.",
        discussion: """
            Every action is an event in an append-only log that is LZ4-compressed, checksummed and hash-chained; the log is the only source of truth.

            Every subcommand takes --store DIR (default: $DOCKET_STORE, else ./docket-data). Exit status: 0 on success, 1 when something was refused, not found or found wrong, 2 when the store failed (I/O, damage, held by another writer), 64 for a usage error; the reason goes to standard error.

            Examples:
              docket init                    create an empty store
              docket submit commands.jsonl   decide commands, one result line each
              docket case 2024-04-000001     the case view (--json for programs)
              docket timeline 2024-04-000001 who did what, when, why
              docket replay 2024-04-000001   each event and the state it produced
              docket verify                  check every checksum, link, seal and rule
              docket digest                  print the digest for an auditor
              docket verify --expect DIGEST  prove the log still extends it
              docket export > events.jsonl   the interchange format; `import` reads it
              docket search 张伟             find a candidate's case by name or full number
              docket report revenue          a read model as a table, JSON or CSV
              docket projections status      read models' positions, lag, fingerprints
              docket token add --role reporter --actor nightly-report
                                             a bearer token for the HTTP API (shown once)
              docket key create --name certification.example.cn/docket
                                             the key that signs checkpoints
              docket checkpoint              sign the log's size and Merkle root
              docket evidence export ID -o F a case's history with proofs, for anyone
              docket evidence verify F --key K   check one offline
              docket serve --port 8080       the HTTP API on loopback
            """,
        version: Docket.version,
        subcommands: [
            InitCommand.self, SubmitCommand.self, CaseCommand.self, TimelineCommand.self, ReplayCommand.self,
            VerifyCommand.self, DigestCommand.self, ExportCommand.self, ImportCommand.self, RebuildCommand.self,
            BatchCommand.self, ProjectionsCommand.self, ReportCommand.self, SearchCommand.self, TokenCommand.self,
            KeyCommand.self, CheckpointCommand.self, EvidenceCommand.self, EraseCommand.self, HoldCommand.self,
            AccessCommand.self,
            RetentionCommand.self, PrivacyCommand.self, ServeCommand.self,
        ]
    )

    /// `docket --version`: the program's version and the log format it writes.
    static let version = "docket 0.5.0 (log format \(EventLog.formatVersion), interchange format 1)"

    /// Runs the command with every file it creates readable by its owner only (the store holds
    /// personal data: the log, photos, read models, tokens, keys), then as ArgumentParser would.
    static func main() async {
        _ = umask(0o077)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
