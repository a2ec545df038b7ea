import ArgumentParser
import DocketApplication
import DocketJSON
import DocketStore
import EventLog
import Evidence
import Foundation
import MerkleTree

/// `docket verify`: checks the whole store offline.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every checksum, chain link, seal and index entry, and re-run every history through the rules.",
        discussion: """
            Reads every byte of the log and trusts nothing stored: frame checksums, decompression, dense positions and stream versions, the SHA-256 chain from the first event, each segment's seal and the index. Then re-runs each case's and batch's history through the rules, event by event, and lists every event the rules would have refused (imported histories can hold such events; they are reported, the store is not refused). Safe on a live store or a copy; takes no lock.

            Exit status 0 when clean, 1 when anything is wrong. Progress is shown on a terminal only.
            """
    )

    @OptionGroup var options: StoreOptions

    @Option(
        name: .customLong("expect"),
        help: ArgumentHelp(
            "A digest noted earlier, or a signed checkpoint's file, that the log must still extend (repeatable).",
            valueName: "digest|file"
        )
    )
    var expected: [String] = []

    @Option(
        help: ArgumentHelp(
            "The public key that signed the --expect checkpoints (text or file; default: the store's published key).",
            valueName: "key"
        )
    )
    var key: String?

    /// The `--expect` values that are digests.
    var digests: [String] { expected.filter { LogDigest($0) != nil } }
    /// The `--expect` values that are checkpoint files.
    var checkpointFiles: [String] { expected.filter { LogDigest($0) == nil } }

    @OptionGroup var output: OutputOptions

    func validate() throws {
        for value in checkpointFiles where !FileManager.default.fileExists(atPath: value) {
            throw ValidationError(
                "--expect \(value) is neither a digest (docket-log-v1:<position>:<64 hex digits>) nor a checkpoint file"
            )
        }
    }

    func run() throws {
        guard EventLog.exists(at: options.path) else {
            Terminal.error("no store at \(options.path) (create one with `docket init`)")
            throw ExitStatus.storeFailure
        }
        let answer = VerifyAnswer.verify(storeAt: options.path, expecting: digests.compactMap(LogDigest.init)) {
            what,
            position in
            Terminal.progress("\(what) \(position) events…")
        }
        Terminal.endProgress()
        let report = answer.log
        let findings = answer.rules?.findings ?? []
        let checkpoints = try checkCheckpoints()
        switch output.format {
        case .json, .jsonl:
            var json = answer.json
            if !checkpointFiles.isEmpty, case .object(var object) = json {
                object.set(
                    "checkpoints",
                    .object([
                        "confirmed": .array(checkpoints.confirmed.map(JSONValue.string)),
                        "problems": .array(checkpoints.problems.map(JSONValue.string)),
                    ])
                )
                json = .object(object)
            }
            print(JSONWriter.string(json))
        case .csv:
            let listing = Listing(
                columns: ["kind", "position", "stream", "code", "message"],
                rows: report.problems.map { p in
                    [.string(p.kind), p.position.map { .int($0) } ?? .null, .null, .null, .string(p.message)]
                }
                    + findings.map { f in
                        [.string("rule"), .int(f.position), .string(f.stream), .string(f.code), .string(f.message)]
                    }
            )
            Output.write(listing.rendered(.csv, csvBOM: output.csvBOM))
        case .table:
            print("store       \(options.path)")
            print("segments    \(report.segments)")
            print("blocks      \(report.blocks)")
            print("events      \(report.events)")
            print("streams     \(report.streams)")
            print("digest      \(report.head)")
            for digest in report.confirmedDigests { print("extends     \(digest)") }
            for line in checkpoints.confirmed { print("extends     \(line)") }
            for note in report.notes { print("note        \(Terminal.printable(note))") }
            if let rules = answer.rules {
                let broken = rules.findings.filter { $0.code != "photo-damaged" }.count
                print("rules       \(rules.cases) cases re-run, \(broken) event(s) break a rule")
                let damaged = rules.findings.count - broken
                let checked = rules.photos.named - rules.photos.missing
                var line = "photos      \(rules.photos.named) named, \(checked) read and checked, \(damaged) damaged"
                if rules.photos.missing > 0 { line += ", \(rules.photos.missing) not in this store (imported)" }
                print(line)
            }
            if let rulesError = answer.rulesError {
                print("rules       could not be re-run: \(Terminal.printable(rulesError))")
            }
            for finding in findings.prefix(100) { print("  \(Terminal.printable(finding.description))") }
            if findings.count > 100 { print("  … and \(findings.count - 100) more (use --output json for all)") }
            if answer.isClean, checkpoints.problems.isEmpty {
                print("result      clean")
            } else {
                let count =
                    report.problems.count + findings.count + (answer.rulesError == nil ? 0 : 1)
                    + checkpoints.problems.count
                print("result      \(count) problem(s)")
                for problem in report.problems { print("  \(Terminal.printable(problem.description))") }
                for problem in checkpoints.problems { print("  \(Terminal.printable(problem))") }
            }
        }
        if !answer.isClean || !checkpoints.problems.isEmpty { throw ExitStatus.problem }
    }

    /// Each `--expect` checkpoint: its signature, then its root against the Merkle root
    /// recomputed from the log's records (not from the tree file).
    func checkCheckpoints() throws -> (confirmed: [String], problems: [String]) {
        guard !checkpointFiles.isEmpty else { return ([], []) }
        let store = CheckpointStore(storeRoot: options.path)
        let given = try EvidenceCommand.verifier(key)
        var confirmed: [String] = []
        var problems: [String] = []
        let log: EventLog
        do { log = try EventLog.open(at: options.path, readOnly: true) } catch { throw Terminal.fail(error) }
        defer { try? log.close() }
        for file in checkpointFiles {
            let text = FileManager.default.contents(atPath: file).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let result: Result<Checkpoint, EvidenceError> = {
                do throws(EvidenceError) {
                    let verifier: NoteVerifier
                    if let given { verifier = given } else { verifier = try store.verifier() }
                    return .success(try Checkpoint.verified(try SignedNote(text), by: verifier))
                } catch {
                    return .failure(error)
                }
            }()
            switch result {
            case .failure(let error):
                problems.append("checkpoint \(file): \(error.message)")
            case .success(let checkpoint):
                do {
                    let root = try log.recomputedTreeRoot(size: checkpoint.size)
                    if root == checkpoint.root {
                        confirmed.append(
                            "checkpoint of \(checkpoint.size) events signed by \(checkpoint.origin) (root \(root.hex))"
                        )
                    } else {
                        problems.append(
                            "checkpoint \(file): the log's first \(checkpoint.size) events hash to root \(root.hex), not the signed \(checkpoint.root.hex): they were changed after it was signed"
                        )
                    }
                } catch {
                    problems.append("checkpoint \(file): \(error)")
                }
            }
        }
        return (confirmed, problems)
    }
}
