import ArgumentParser
import Certification
import CertificationWire
import Chronology
import DocketApplication
import DocketJSON

/// `docket case ID`: the case view, now or as it stood then.
struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "Show a case: status, subjects, payments, certificate, complaints and audit findings.",
        discussion: """
            The view is the fold of the case's events. A status that depends on time (a kept pass expires one year after its exam) is evaluated now, at the moment --as-of or --known-at names, or at the time of event N with --at-version N. Identity numbers are masked and birth dates shown to the year.

            --as-of T: the case as it stood at business time T (events whose `at` is by T, batch events too), by what the store knows today.
            --known-at T: what the store held at T (events recorded by T), as a supervisor would have seen it then.

            Examples:
              docket case 2024-04-000001
              docket case 2024-04-000001 --as-of 2024-05-01 --json
              docket case 2024-04-000001 --output csv > case.csv
              docket case 2024-04-000001 --known-at 2024-06-01T12:00:00+08:00
              docket case 2024-04-000001 --at-version 3
            """
    )

    @OptionGroup var options: StoreOptions

    @OptionGroup var purpose: PurposeOption

    @Argument(help: "The case id.")
    var id: String

    @OptionGroup var cut: CutOptions

    @Option(help: ArgumentHelp("Show the case after its first N events.", valueName: "n"))
    var atVersion: UInt64?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if atVersion != nil, cut.asOf != nil || cut.knownAt != nil {
            throw ValidationError("give --as-of, --known-at or --at-version, not two of them")
        }
    }

    func run() throws {
        let answer: CaseViewAnswer
        do {
            let service = try DocketService.open(at: options.path, readOnly: true)
            answer = try service.caseView(
                id,
                cut: try cut.cut,
                atVersion: atVersion,
                disclosure: .masked,
                purpose: try purpose.readPurpose()
            )
        } catch {
            throw Terminal.fail(error)
        }
        switch output.format {
        case .json, .jsonl: Output.write(answer.json + [0x0A])
        case .table: print(Self.table(answer.value), terminator: "")
        case .csv:
            let fields = Listing(columns: ["field", "value"], rows: Listing.fields(of: answer.value))
            Output.write(fields.rendered(.csv, csvBOM: output.csvBOM))
        }
    }

    /// The view as a two-column table for people (from the view's JSON, whichever side made it).
    static func table(_ view: JSONValue) -> String {
        func text(_ value: JSONValue?) -> String { value?.stringValue ?? "-" }
        func int(_ value: JSONValue?) -> String { value?.intValue.map(String.init) ?? "-" }
        var t = TextTable(["case", text(view["case"])])
        t.add(["version", int(view["version"])])
        let moment = view["asOf"]?.stringValue.flatMap(RFC3339.parse).map(TimelineCommand.local) ?? "?"
        t.add(["status", text(view["status"]) + "   (as of \(moment) UTC+8)"])
        if let c = view["candidate"], c != .null {
            t.add(["candidate", "\(text(c["name"]))   born \(text(c["birthDate"]))   \(text(c["region"]))"])
            t.add(["identity", "\(text(c["idDocument"]?["type"])) \(text(c["idDocument"]?["number"]))"])
            t.add(["contact", "\(text(c["contact"]?["channel"])) \(text(c["contact"]?["address"]))"])
            let occupation = text(view["occupation"])
            let chinese = Occupation(rawValue: occupation)?.chineseName ?? "?"
            t.add(["occupation", "\(occupation) (\(chinese)) level \(int(view["level"]))"])
        }
        t.add(["batch", text(view["batch"])])
        for subject in ["theory", "skill"] {
            if let r = view["subjects"]?[subject], let score = r["score"]?.intValue {
                let passed = r["passed"] == .bool(true) ? "passed" : "failed"
                t.add([subject, "\(score)  \(passed)  (batch \(text(r["batch"])))"])
            } else {
                t.add([subject, "-"])
            }
        }
        if let ticket = view["ticket"], ticket != .null {
            t.add(["ticket", text(ticket["number"]) + (ticket["late"] == .bool(true) ? "  (late)" : "")])
        }
        if let retake = view["retake"], retake != .null {
            t.add(["retake", "\(text(retake["subject"])) in batch \(text(retake["batch"]))"])
        }
        t.add(["paid", "\(int(view["paidYuan"])) yuan   refunded \(int(view["refundedYuan"])) yuan"])
        if let certificate = view["certificate"], certificate != .null {
            let issued = certificate["issuedAt"]?.stringValue.map { "  issued \($0)" } ?? ""
            t.add(["certificate", text(certificate["number"]) + issued])
        } else {
            t.add(["certificate", "-"])
        }
        let complaints = (view["complaints"]?.arrayValue ?? []).map {
            "\(text($0["complaintId"])) \(text($0["category"])) \(text($0["status"]))"
        }
        t.add(["complaints", complaints.isEmpty ? "-" : complaints.joined(separator: "; ")])
        let findings = (view["findings"]?.arrayValue ?? []).map { f -> String in
            text(f["kind"]) + " " + (f["ticketNumber"]?.stringValue ?? f["paymentRef"]?.stringValue ?? "")
        }
        t.add(["findings", findings.isEmpty ? "-" : findings.joined(separator: "; ")])
        return t.rendered
    }
}
