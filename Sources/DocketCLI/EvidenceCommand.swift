import ArgumentParser
import CertificationWire
import DocketApplication
import DocketJSON
import Evidence
import Foundation

/// `docket evidence export|verify`: a case's history as evidence anyone can check offline.
struct EvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Export a case's evidence bundle, or verify one offline.",
        discussion: """
            A bundle (docs/EVIDENCE.md) holds a case's events and the batch events that affected it, each with its Merkle inclusion proof against a signed checkpoint, the checkpoint and its public key. Verifying needs nothing but the file and the key you trust: no store, no server.

            Examples:
              docket checkpoint
              docket evidence export 2024-04-000001 -o case-2024-04-000001.evidence.json
              docket evidence export 2024-04-000001 --masked -o for-the-candidate.json
              docket key show > docket.pub
              docket evidence verify case-2024-04-000001.evidence.json --key docket.pub
            """,
        subcommands: [Export.self, Verify.self]
    )

    /// A public key given as text or as a file holding it (`--key`); exit 1 when it is neither.
    static func verifier(_ given: String?) throws -> NoteVerifier? {
        guard let given else { return nil }
        return try KeyCommand.evidence { () throws(EvidenceError) in
            do throws(EvidenceError) { return try NoteVerifier(textOrFile: given) } catch {
                throw EvidenceError(error.code, "--key: \(error.message)")
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write a case's evidence bundle (against the latest checkpoint, or --checkpoint N).",
            discussion: """
                A full bundle holds every record as the log holds it, identity number included. --masked withholds the records that hold what a masked reader may not see (the application): their salted leaf hashes and proofs stay, so their place is still proven, and the event is shown masked. When --checkpoint names an earlier checkpoint, the bundle carries a consistency proof to the latest one too.
                """
        )

        @OptionGroup var options: StoreOptions

        @OptionGroup var purpose: PurposeOption

        @Argument(help: "The case id.")
        var id: String

        @Option(help: ArgumentHelp("The checkpoint's tree size (default: the latest).", valueName: "size"))
        var checkpoint: UInt64?

        @Flag(help: "Withhold what a masked reader may not see (identity numbers, full birth dates).")
        var masked = false

        @Option(
            name: [.short, .customLong("output-file")],
            help: ArgumentHelp("Write to FILE (owner-only) instead of standard output.", valueName: "file")
        )
        var outputFile: String?

        func run() throws {
            do {
                let service = try DocketService.open(at: options.path, readOnly: true)
                defer { try? service.close() }
                let bundle = try service.evidence(
                    id,
                    checkpointSize: checkpoint,
                    disclosure: masked ? .masked : .full,
                    purpose: try purpose.readPurpose()
                )
                let bytes = bundle.json
                if let outputFile {
                    guard
                        FileManager.default.createFile(
                            atPath: outputFile,
                            contents: Data(bytes),
                            attributes: [.posixPermissions: 0o600]
                        )
                    else {
                        Terminal.error("cannot write \(outputFile)")
                        throw ExitStatus.storeFailure
                    }
                    Terminal.remark(
                        "wrote \(outputFile): \(bundle.caseEvents.count) case events, \(bundle.batchEvents.count) batch events, \(bytes.count) bytes"
                    )
                } else {
                    FileHandle.standardOutput.write(Data(bytes))
                }
            } catch {
                throw Terminal.fail(error)
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Verify an evidence bundle offline: proofs, signature, the case's whole stream, its state.",
            discussion: """
                Needs only the file and, to know who signed, the public key you trust (--key: the key text, or a file holding it; without it the bundle's own key is used and the report says so). Prints what is proven, what is not, and the case state the events imply. Exit 0 when every check passes, 1 otherwise.
                """
        )

        @Argument(help: "The bundle file.")
        var file: String

        @Option(help: ArgumentHelp("The public key you trust (text or a file).", valueName: "key"))
        var key: String?

        @Flag(help: "Print the report as JSON.")
        var json = false

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                Terminal.error("cannot read \(file)")
                throw ExitStatus.problem
            }
            let trusted = try EvidenceCommand.verifier(key)
            let report = BundleVerifier.verify(Array(data), trusting: trusted)
            if json {
                var out: [UInt8] = []
                JSONWriter.write(report.json, into: &out)
                print(String(decoding: out, as: UTF8.self))
            } else {
                print(report.text, terminator: "")
            }
            if !report.ok { throw ExitStatus.problem }
        }
    }
}
