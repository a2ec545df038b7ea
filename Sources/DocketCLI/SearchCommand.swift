import ArgumentParser
import DocketJSON
import DocketStore
import EventLog
import Foundation
import GRDB
import Projections

/// `docket search TEXT`: find a candidate's case while on the phone.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find cases by a fragment of the candidate's name, or by their full identity number.",
        discussion: """
            A full identity number is matched exactly through a keyed hash (the number itself is stored nowhere but the log); anything else is matched as a fragment of the name. Identity numbers are shown masked.

            Examples:
              docket search 张伟
              docket search 11010119950601123X --json
            """
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: "A name fragment or a full identity number.")
    var text: String

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if text.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("give a name fragment or a number")
        }
    }

    func run() throws {
        var rows: [Projector.CandidateMatch] = []
        do {
            let store = try DocketStore.open(at: options.path, readOnly: true)
            let projector = try Projector(storeRoot: options.path, log: store.log)
            try projector.catchUp(["search"])
            rows = try projector.searchCandidates(text)
        } catch let error as DocketStoreError {
            Terminal.error(error.message)
            throw ExitStatus.problem
        } catch let error as ProjectionError {
            Terminal.error(error.message)
            throw ExitStatus.problem
        }
        if json {
            print(JSONWriter.string(.array(rows.map(\.json))))
        } else {
            var table = TextTable(["case", "name", "identity", "occupation", "batch", "applied"])
            for row in rows {
                table.add([
                    row.caseID, row.name, row.idType + " " + row.idMasked, row.occupation, row.batch, row.appliedOn,
                ])
            }
            print(table.rendered, terminator: "")
            if rows.isEmpty { Terminal.error("no case matches \(text)") }
        }
        if rows.isEmpty { throw ExitStatus.problem }
    }
}
