import ArgumentParser
import Chronology
import DocketApplication
import DocketJSON
import DocketStore

/// `docket access CASE` and `docket access --verify`: who read whose personal data, and why.
struct AccessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access",
        abstract: "List who read a case's personal data, when and why; or check the access log.",
        discussion: """
            Every read of a case's personal data names a purpose (--purpose, the Docket-Purpose header, the console's question) and is recorded in <store>/access/access.jsonl with who (actor and role), when, over which channel (api, console, cli), what (case-view, case-page, timeline, replay, evidence, export, feed) and which fields (identity full or masked, details). Exports and feeds read every case: they are listed with every case.

            The access log is hash-chained: --verify checks that no record was removed, added or changed (exit 1 if one was).

            Examples:
              docket access 2024-04-000001
              docket access 2024-04-000001 --output csv > access.csv
              docket access --verify
            """
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: "The case id.")
    var caseID: String?

    @Flag(help: "Check the access log's hash chain instead.")
    var verify = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if verify == (caseID != nil) { throw ValidationError("give a case id, or --verify") }
    }

    func run() throws {
        let service: DocketService
        do {
            service = try DocketService.open(at: options.path, readOnly: true)
        } catch {
            throw Terminal.fail(error)
        }
        defer { try? service.close() }
        if verify {
            do {
                let (count, problem) = try service.store.accessLog.verify()
                if let problem {
                    Terminal.error("the access log is not intact: \(problem)")
                    throw ExitStatus.problem
                }
                print(
                    "the access log is intact: \(count) record\(count == 1 ? "" : "s"), each chained to the one before"
                )
            } catch let error as DocketStoreError {
                throw Terminal.fail(DocketError.from(error))
            }
            return
        }
        let records: [AccessLog.Record]
        do {
            records = try service.accessRecords(of: caseID!)
        } catch {
            throw Terminal.fail(error)
        }
        let listing = Listing(
            columns: ["seq", "at", "actor", "role", "channel", "action", "case", "fields", "purpose"],
            rows: records.map {
                [
                    .int($0.seq), .string($0.at.description), .string($0.actorID), .string($0.role),
                    .string($0.channel), .string($0.action), .string($0.caseID),
                    .string($0.fields.joined(separator: " ")), .string($0.purpose),
                ]
            }
        )
        Output.write(listing.rendered(output.format, csvBOM: output.csvBOM))
        if records.isEmpty, output.format == .table { Terminal.error("no recorded read of case \(caseID!)") }
    }
}
