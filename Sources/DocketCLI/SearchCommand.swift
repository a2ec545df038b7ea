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
        var rows: [Row] = []
        do {
            let store = try DocketStore.open(at: options.path, readOnly: true)
            let projector = try Projector(storeRoot: options.path, log: store.log)
            try projector.catchUp(["search"])
            let search = try projector.select(["search"])[0] as! CandidateSearchProjection
            let queue = try DatabaseQueue(path: projector.path("search"))
            let columns = "case_id, name, id_type, id_masked, occupation, batch, applied_on"
            rows = try queue.read { db in
                let byNumber = try Row.fetchAll(
                    db,
                    sql: "SELECT \(columns) FROM candidates WHERE id_hash = ? ORDER BY case_id",
                    arguments: [search.hash(text.trimmingCharacters(in: .whitespaces))]
                )
                if !byNumber.isEmpty { return byNumber }
                let pattern = text.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
                return try Row.fetchAll(
                    db,
                    sql:
                        "SELECT \(columns) FROM candidates WHERE name LIKE ? ESCAPE '\\' ORDER BY name, case_id LIMIT 200",
                    arguments: ["%" + pattern + "%"]
                )
            }
        } catch let error as DocketStoreError {
            Terminal.error(error.message)
            throw ExitStatus.problem
        } catch let error as ProjectionError {
            Terminal.error(error.message)
            throw ExitStatus.problem
        }
        if json {
            let items: [JSONValue] = rows.map { row in
                .object([
                    "case": .string(row["case_id"]), "name": .string(row["name"]),
                    "idDocument": .object(["type": .string(row["id_type"]), "number": .string(row["id_masked"])]),
                    "occupation": .string(row["occupation"]), "batch": .string(row["batch"]),
                    "appliedOn": .string(row["applied_on"]),
                ])
            }
            print(JSONWriter.string(.array(items)))
        } else {
            var table = TextTable(["case", "name", "identity", "occupation", "batch", "applied"])
            for row in rows {
                table.add([
                    row["case_id"], row["name"], (row["id_type"] as String) + " " + (row["id_masked"] as String),
                    row["occupation"], row["batch"], row["applied_on"],
                ])
            }
            print(table.rendered, terminator: "")
            if rows.isEmpty { Terminal.error("no case matches \(text)") }
        }
        if rows.isEmpty { throw ExitStatus.problem }
    }
}
