import ArgumentParser
import DocketApplication
import DocketJSON
import DocketStore
import EventLog
import Foundation

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
        help: ArgumentHelp("A digest noted earlier that the log must still extend (repeatable).", valueName: "digest")
    )
    var digests: [String] = []

    @OptionGroup var output: OutputOptions

    func validate() throws {
        for digest in digests where LogDigest(digest) == nil {
            throw ValidationError(
                "--expect \(digest) is not a digest; it looks like docket-log-v1:<position>:<64 hex digits>"
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
        switch output.format {
        case .json, .jsonl:
            print(JSONWriter.string(answer.json))
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
            if answer.isClean {
                print("result      clean")
            } else {
                let count = report.problems.count + findings.count + (answer.rulesError == nil ? 0 : 1)
                print("result      \(count) problem(s)")
                for problem in report.problems { print("  \(Terminal.printable(problem.description))") }
            }
        }
        if !answer.isClean { throw ExitStatus.problem }
    }
}
