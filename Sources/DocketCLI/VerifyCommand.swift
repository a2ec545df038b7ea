import ArgumentParser
import EventLog
import Foundation

/// `docket verify`: checks the whole store offline.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every checksum, chain link, seal and index entry of the store.",
        discussion: """
            Reads every byte of the log and trusts nothing stored: frame checksums, decompression, dense positions and stream versions, the SHA-256 chain from the first event, each segment's seal and the index. Safe on a live store or a copy; takes no lock.

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
        if json {
            print(Self.json(report))
        } else {
            print("store       \(options.path)")
            print("segments    \(report.segments)")
            print("blocks      \(report.blocks)")
            print("events      \(report.events)")
            print("streams     \(report.streams)")
            print("digest      \(report.head)")
            for digest in report.confirmedDigests { print("extends     \(digest)") }
            for note in report.notes { print("note        \(note)") }
            if report.isClean {
                print("result      clean")
            } else {
                print("result      \(report.problems.count) problem(s)")
                for problem in report.problems { print("  \(problem)") }
            }
        }
        if !report.isClean { throw ExitStatus.problem }
    }

    static func json(_ report: VerificationReport) -> String {
        func quote(_ s: String) -> String {
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        let problems = report.problems.map { p in
            var fields = ["\"kind\":\(quote(p.kind))", "\"message\":\(quote(p.message))"]
            fields.append("\"file\":" + (p.file.map(quote) ?? "null"))
            fields.append("\"offset\":" + (p.offset.map(String.init) ?? "null"))
            fields.append("\"position\":" + (p.position.map(String.init) ?? "null"))
            return "{" + fields.joined(separator: ",") + "}"
        }
        return "{\"clean\":\(report.isClean),\"segments\":\(report.segments),\"blocks\":\(report.blocks),"
            + "\"events\":\(report.events),\"streams\":\(report.streams),\"digest\":\(quote(report.head.description)),"
            + "\"confirmedDigests\":[\(report.confirmedDigests.map { quote($0.description) }.joined(separator: ","))],"
            + "\"notes\":[\(report.notes.map(quote).joined(separator: ","))],\"problems\":[\(problems.joined(separator: ","))]}"
    }
}
