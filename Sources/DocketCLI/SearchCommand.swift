import ArgumentParser
import CertificationWire
import DocketApplication
import DocketJSON
import Foundation

/// `docket search TEXT`: find a candidate's case while on the phone.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find cases by a fragment of the candidate's name, or by their full identity number.",
        discussion: """
            A full identity number is matched exactly through a keyed hash (the number itself is stored nowhere but the log); anything else is matched as a fragment of the name, exact names first. Each hit shows the masked identity number, the birth year, the case's status, occupation and batch. Results come in pages (--limit, --offset); the last line says how many more there are.

            Examples:
              docket search 张伟
              docket search 马 --limit 20 --offset 20
              docket search 11010119950601123X --json
            """
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: "A name fragment or a full identity number.")
    var text: String

    @Option(help: ArgumentHelp("Hits per page (1 to \(DocketService.maximumSearchPage)).", valueName: "n"))
    var limit = 50

    @Option(help: ArgumentHelp("Hits to skip (where the page starts).", valueName: "n"))
    var offset = 0

    @OptionGroup var cut: CutOptions

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if text.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("give a name fragment or a number")
        }
        guard (1...DocketService.maximumSearchPage).contains(limit) else {
            throw ValidationError("--limit is 1 to \(DocketService.maximumSearchPage)")
        }
        guard offset >= 0 else { throw ValidationError("--offset is 0 or more") }
    }

    func run() throws {
        let answer: SearchAnswer
        do {
            let service = try DocketService.open(at: options.path, readOnly: true)
            answer = try service.search(text, cut: try cut.cut, offset: offset, limit: limit, disclosure: .masked)
        } catch {
            throw Terminal.fail(error)
        }
        let hits = Listing(
            columns: ["case", "name", "birthDate", "idType", "idNumber", "status", "occupation", "batch", "appliedOn"],
            rows: answer.hits.map { h in
                [
                    .string(h.caseID), .string(h.name), .string(h.birthDate), .string(h.idType), .string(h.idNumber),
                    .optional(h.status), .string(h.occupation), .string(h.batch), .string(h.appliedOn),
                ]
            }
        )
        switch output.format {
        case .json: print(JSONWriter.string(answer.json))
        case .jsonl, .csv:
            Output.write(hits.rendered(output.format, csvBOM: output.csvBOM))
            if let next = answer.nextOffset {
                Terminal.error("\(answer.remaining) more matches: --offset \(next)")
            }
        case .table:
            var table = TextTable(["case", "name", "born", "identity", "status", "occupation", "batch", "applied"])
            for hit in answer.hits {
                table.add([
                    hit.caseID, Terminal.printable(hit.name), hit.birthDate, hit.idType + " " + hit.idNumber,
                    hit.status ?? "-", hit.occupation, hit.batch, hit.appliedOn,
                ])
            }
            print(table.rendered, terminator: "")
            if answer.total == 0 {
                Terminal.error("no case matches \(Terminal.printable(text))")
            } else if let next = answer.nextOffset {
                print(
                    "\(answer.offset + 1)–\(answer.offset + answer.hits.count) of \(answer.total); \(answer.remaining) more: --offset \(next)"
                )
            } else if answer.offset > 0 || answer.total > answer.hits.count {
                print("\(answer.offset + 1)–\(answer.offset + answer.hits.count) of \(answer.total)")
            }
        }
        if answer.total == 0 { throw ExitStatus.problem }
    }
}
