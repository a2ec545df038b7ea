import ArgumentParser
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

    @Flag(help: "Print the report as JSON.")
    var json = false

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
            throw ExitStatus.problem
        }
        let report = EventLog.verify(at: options.path, expecting: digests.compactMap(LogDigest.init)) { position in
            Terminal.progress("verified \(position) events…")
        }
        Terminal.endProgress()
        var rules: (events: Int, cases: Int, findings: [HistoryVerifier.Finding], photos: HistoryVerifier.PhotoCheck)?
        var rulesError: String?
        if report.isClean {
            do {
                let log = try EventLog.open(at: options.path, readOnly: true)
                rules = try HistoryVerifier.verify(log, photos: PhotoStore(storeRoot: options.path)) { position in
                    Terminal.progress("re-ran the rules over \(position) events…")
                }
            } catch let error as DocketStoreError {
                rulesError = error.message
            } catch let error as EventLogError {
                rulesError = error.message
            }
            Terminal.endProgress()
        }
        let findings = rules?.findings ?? []
        if json {
            var text = Self.json(report, hasFindings: !findings.isEmpty || rulesError != nil)
            text.removeLast()
            text += ",\"rules\":" + Self.rulesJSON(rules, error: rulesError) + "}"
            print(text)
        } else {
            print("store       \(options.path)")
            print("segments    \(report.segments)")
            print("blocks      \(report.blocks)")
            print("events      \(report.events)")
            print("streams     \(report.streams)")
            print("digest      \(report.head)")
            for digest in report.confirmedDigests { print("extends     \(digest)") }
            for note in report.notes { print("note        \(note)") }
            if let rules {
                let broken = rules.findings.filter { $0.code != "photo-damaged" }.count
                print("rules       \(rules.cases) cases re-run, \(broken) event(s) break a rule")
                let damaged = rules.findings.count - broken
                let checked = rules.photos.named - rules.photos.missing
                var line = "photos      \(rules.photos.named) named, \(checked) read and checked, \(damaged) damaged"
                if rules.photos.missing > 0 { line += ", \(rules.photos.missing) not in this store (imported)" }
                print(line)
            }
            if let rulesError { print("rules       could not be re-run: \(rulesError)") }
            for finding in findings.prefix(100) { print("  \(finding)") }
            if findings.count > 100 { print("  … and \(findings.count - 100) more (use --json for all)") }
            if report.isClean && findings.isEmpty && rulesError == nil {
                print("result      clean")
            } else {
                print("result      \(report.problems.count + findings.count + (rulesError == nil ? 0 : 1)) problem(s)")
                for problem in report.problems { print("  \(problem)") }
            }
        }
        if !report.isClean || !findings.isEmpty || rulesError != nil { throw ExitStatus.problem }
    }

    static func rulesJSON(
        _ rules: (events: Int, cases: Int, findings: [HistoryVerifier.Finding], photos: HistoryVerifier.PhotoCheck)?,
        error: String?
    ) -> String {
        guard let rules else {
            return "{\"checked\":false,\"error\":" + (error.map(quote) ?? "null") + "}"
        }
        let items = rules.findings.map { f in
            "{\"stream\":\(quote(f.stream)),\"version\":\(f.version),\"position\":\(f.position),\"type\":\(quote(f.type)),\"code\":\(quote(f.code)),\"message\":\(quote(f.message))}"
        }
        return
            "{\"checked\":true,\"events\":\(rules.events),\"cases\":\(rules.cases),"
            + "\"photosNamed\":\(rules.photos.named),\"photosMissing\":\(rules.photos.missing),"
            + "\"findings\":[\(items.joined(separator: ","))]}"
    }

    static func quote(_ s: String) -> String {
        var out: [UInt8] = []
        JSONWriter.writeString(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func json(_ report: VerificationReport, hasFindings: Bool = false) -> String {
        let problems = report.problems.map { p in
            var fields = ["\"kind\":\(quote(p.kind))", "\"message\":\(quote(p.message))"]
            fields.append("\"file\":" + (p.file.map(quote) ?? "null"))
            fields.append("\"offset\":" + (p.offset.map(String.init) ?? "null"))
            fields.append("\"position\":" + (p.position.map(String.init) ?? "null"))
            return "{" + fields.joined(separator: ",") + "}"
        }
        return
            "{\"clean\":\(report.isClean && !hasFindings),\"segments\":\(report.segments),\"blocks\":\(report.blocks),"
            + "\"events\":\(report.events),\"streams\":\(report.streams),\"digest\":\(quote(report.head.description)),"
            + "\"confirmedDigests\":[\(report.confirmedDigests.map { quote($0.description) }.joined(separator: ","))],"
            + "\"notes\":[\(report.notes.map(quote).joined(separator: ","))],\"problems\":[\(problems.joined(separator: ","))]}"
    }
}
