import ArgumentParser
import DocketStore
import Evidence
import Foundation

/// `docket key create|show`: the Ed25519 key that signs the store's checkpoints.
struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Make or show the key that signs the store's checkpoints.",
        subcommands: [Create.self, Show.self]
    )

    /// The store at `options`, or exit 1 with a message when there is none.
    static func checkpoints(_ options: StoreOptions) throws -> CheckpointStore {
        guard DocketStore.exists(at: options.path) else {
            Terminal.error("no store at \(options.path) (create one with `docket init`)")
            throw ExitStatus.problem
        }
        return CheckpointStore(storeRoot: options.path)
    }

    /// Runs `body`; an evidence failure is its message on standard error and exit 1.
    static func evidence<T>(_ body: () throws(EvidenceError) -> T) throws -> T {
        do throws(EvidenceError) {
            return try body()
        } catch {
            Terminal.error(error.message)
            throw ExitStatus.problem
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Make the store's checkpoint signing key and print its public half.",
            discussion: """
                The key (Ed25519) is written owner-only to <store>/keys/checkpoint.key, or to --key FILE (keep it off the store's machine if you can, and pass --key to `docket checkpoint` and `docket serve`). It never enters the log, an export or a bundle. Give the printed public key to whoever will verify the store's evidence: they pass it to `docket evidence verify --key`.

                The name is the log's origin in every checkpoint it signs (C2SP signed notes): a name that says whose log it is, without spaces.

                Examples:
                  docket key create --name certification.example.cn/docket
                  docket key create --name certification.example.cn/docket --key /secure/docket-checkpoint.key
                """
        )

        @OptionGroup var options: StoreOptions

        @Option(help: ArgumentHelp("The log's name in its checkpoints (no spaces or '+').", valueName: "origin"))
        var name: String

        @Option(
            help: ArgumentHelp(
                "Where to write the private key (default: <store>/keys/checkpoint.key).",
                valueName: "file"
            )
        )
        var key: String?

        func run() throws {
            let store = try KeyCommand.checkpoints(options)
            let name = self.name
            let key = self.key
            let signer = try KeyCommand.evidence { () throws(EvidenceError) in try store.createKey(name: name, at: key)
            }
            print(signer.verifier.description)
            Terminal.remark(
                "the private key is in \(key ?? store.defaultKeyPath) (owner-only); the line above is its public key"
            )
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print the public key that verifies the store's checkpoints.",
            discussion:
                "Reads --key FILE (default <store>/keys/checkpoint.key), or, without a key file, the key published beside the checkpoints."
        )

        @OptionGroup var options: StoreOptions

        @Option(help: ArgumentHelp("The private key file (default: <store>/keys/checkpoint.key).", valueName: "file"))
        var key: String?

        func run() throws {
            let store = try KeyCommand.checkpoints(options)
            let key = self.key
            if key != nil {
                // The key asked for, or an error: never another key in its place.
                print(
                    try KeyCommand.evidence { () throws(EvidenceError) in try store.signer(at: key) }.verifier
                        .description
                )
            } else if let signer = try? store.signer() {
                print(signer.verifier.description)
            } else {
                print(try KeyCommand.evidence { () throws(EvidenceError) in try store.verifier() }.description)
            }
        }
    }
}
