import ArgumentParser
import DocketStore
import EventLog
import Foundation

/// `docket import [FILE]`: histories from an older system.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Append events in the interchange format, as they are (no rule checks).",
        discussion: """
            Each line is checked for its envelope and schema, and each stream's versions must continue from the store's. If any line is wrong nothing is imported, and the first problems are listed. Positions are reassigned; business and recorded times are kept. The events are written in bulk with one sync at the end.

            Imported histories are trusted: run `docket verify` afterwards to list any that break a rule.

            Examples:
              docket import events.jsonl
              docket export --store old | docket import --store new
            """
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: ArgumentHelp("The JSON Lines file (default: standard input).", valueName: "file"))
    var file: String?

    func run() throws {
        var spooled: String?
        defer { if let spooled { try? FileManager.default.removeItem(atPath: spooled) } }
        do {
            var path = file ?? "-"
            if path == "-" {
                // Two passes need the input twice: standard input is spooled to a file first.
                let spool = NSTemporaryDirectory() + "docket-import-\(getpid()).jsonl"
                _ = FileManager.default.createFile(atPath: spool, contents: nil)
                guard let handle = FileHandle(forWritingAtPath: spool) else {
                    throw DocketStoreError(.io, "cannot create \(spool)")
                }
                var lines = LineReader.standardInput()
                while let line = lines.next() { handle.write(Data(line + [0x0A])) }
                try handle.close()
                spooled = spool
                path = spool
            }
            let store = try DocketStore.open(at: options.path, options: Self.bulk)
            var first = try LineReader.file(path)
            let (events, problems) = Importer.check(&first, against: store.log)
            first.close()
            guard problems.isEmpty else {
                for problem in problems { Terminal.error(problem.description) }
                Terminal.error("nothing was imported; fix the lines above and run the import again")
                try store.close()
                throw ExitStatus.problem
            }
            var second = try LineReader.file(path)
            defer { second.close() }
            let imported = try Importer.append(&second, to: store) { done in
                Terminal.progress("imported \(done) of \(events) events…")
            }
            Terminal.endProgress()
            try store.close()
            print("imported \(imported) events; run `docket verify` to re-check their histories against the rules")
        } catch {
            throw Terminal.fail(error)
        }
    }

    static var bulk: DocketStore.Options {
        var options = DocketStore.Options()
        options.durability = .noSync
        return options
    }
}
