import ArgumentParser
import DocketApplication
import DocketJSON
import EventLog
import Evidence
import Foundation
import MerkleTree

/// `docket checkpoint [create]|list|verify`: signed checkpoints of the log's Merkle tree.
struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Sign, list and check checkpoints of the log (its size and Merkle root, signed).",
        discussion: """
            A checkpoint is a C2SP signed note: the log's name, its number of events, the root of the Merkle tree over them, and an Ed25519 signature (key from `docket key create`). Evidence bundles are proven against checkpoints; two checkpoints prove the log only grew between them. `docket serve` makes them on its own (--checkpoint-every, --checkpoint-seconds).

            Examples:
              docket checkpoint                       sign one of the log as it is now
              docket checkpoint list                  the stored ones
              docket checkpoint verify 1200 5400      the log of 5,400 events extends the one of 1,200
              docket checkpoint verify 1200           the log as it is now extends it
            """,
        subcommands: [Create.self, List.self, Verify.self],
        defaultSubcommand: Create.self
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Sign a checkpoint of the log as it is now, store it and print it."
        )

        @OptionGroup var options: StoreOptions

        @Option(help: ArgumentHelp("The private key file (default: <store>/keys/checkpoint.key).", valueName: "file"))
        var key: String?

        func run() throws {
            let checkpoints = try KeyCommand.checkpoints(options)
            let key = self.key
            let signer = try KeyCommand.evidence { () throws(EvidenceError) in try checkpoints.signer(at: key) }
            do {
                let service = try DocketService.open(at: options.path, readOnly: false)
                defer { try? service.close() }
                let (_, note) = try service.makeCheckpoint(signer: signer)
                print(note.full, terminator: "")
            } catch {
                throw Terminal.fail(error)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the stored checkpoints: tree size, root and when each was made."
        )

        @OptionGroup var options: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let store = try KeyCommand.checkpoints(options)
            let rows = try KeyCommand.evidence { () throws(EvidenceError) -> [[JSONValue]] in
                var rows: [[JSONValue]] = []
                for size in store.sizes() {
                    let checkpoint = try Checkpoint(text: try store.note(size: size).text)
                    rows.append([
                        .int(size), .string(checkpoint.root.hex), .optional(checkpoint.time),
                        .string(checkpoint.origin),
                    ])
                }
                return rows
            }
            print(
                Listing(columns: ["size", "root", "time", "origin"], rows: rows).rendered(output.format),
                terminator: ""
            )
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Prove the log only grew between two checkpoints (or from one to now).",
            discussion: """
                OLD and NEW are stored checkpoints' sizes or note files. Both signatures are checked with --key (a public key, or a file holding one; default: the key published beside the checkpoints), then a consistency proof from the store's Merkle tree is checked against the two signed roots. Without NEW, the log as it is now is compared with OLD. Exit 0 when consistent, 1 when not (the log was rewritten, cut back or forked between them), with the reason.
                """
        )

        @OptionGroup var options: StoreOptions

        @Argument(help: "The earlier checkpoint: a size or a note file.")
        var old: String

        @Argument(help: "The later checkpoint: a size or a note file (default: the log now).")
        var new: String?

        @Option(help: ArgumentHelp("The public key (or a file holding it) to check signatures with.", valueName: "key"))
        var key: String?

        func run() throws {
            let store = try KeyCommand.checkpoints(options)
            let given = try EvidenceCommand.verifier(key)
            let old = self.old
            let new = self.new
            let (first, loaded) = try KeyCommand.evidence { () throws(EvidenceError) -> (Checkpoint, Checkpoint?) in
                let verifier: NoteVerifier
                if let given { verifier = given } else { verifier = try store.verifier() }
                func load(_ text: String) throws(EvidenceError) -> Checkpoint {
                    let note: SignedNote
                    if let size = UInt64(text) {
                        note = try store.note(size: size)
                    } else {
                        guard let data = FileManager.default.contents(atPath: text) else {
                            throw EvidenceError(.notFound, "no checkpoint file \(text)")
                        }
                        note = try SignedNote(String(decoding: data, as: UTF8.self))
                    }
                    return try Checkpoint.verified(note, by: verifier)
                }
                var later: Checkpoint?
                if let new { later = try load(new) }
                return (try load(old), later)
            }
            do {
                let log = try EventLog.open(at: options.path, readOnly: true)
                defer { try? log.close() }
                let second: Checkpoint
                if let loaded {
                    second = loaded
                } else {
                    // The log now: its root recomputed from the records, not read from the tree
                    // file (a rewritten middle would otherwise go unnoticed).
                    let size = log.treeSize
                    second = Checkpoint(origin: first.origin, size: size, root: try log.recomputedTreeRoot(size: size))
                }
                guard first.size <= second.size else {
                    Terminal.error(
                        "the first checkpoint (\(first.size) events) is later than the second (\(second.size))"
                    )
                    throw ExitStatus.problem
                }
                let proof = try log.consistencyProof(first: first.size, second: second.size)
                guard
                    Merkle.verifyConsistency(
                        first: first.size,
                        second: second.size,
                        firstRoot: first.root,
                        secondRoot: second.root,
                        proof: proof
                    )
                else {
                    Terminal.error(
                        "NOT CONSISTENT: the log of \(second.size) events does not extend the signed log of \(first.size) events (root \(first.root.hex)): it was rewritten, cut back or forked in between"
                    )
                    throw ExitStatus.problem
                }
                print(
                    "consistent: the log of \(second.size) events (root \(second.root.hex)) extends the signed log of \(first.size) events (root \(first.root.hex)); proof of \(proof.count) hashes"
                )
            } catch {
                throw Terminal.fail(error)
            }
        }
    }
}
