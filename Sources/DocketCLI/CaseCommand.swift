import ArgumentParser
import Certification
import CertificationWire
import Chronology
import DocketJSON
import DocketStore
import Projections

/// `docket case ID`: the case view, now or as it stood then.
struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "Show a case: status, subjects, payments, certificate, complaints and audit findings.",
        discussion: """
            The view is the fold of the case's events. A status that depends on time (a kept pass expires one year after its exam) is evaluated now, at --as-of TIME (events up to that business time, batch events included), or at the time of event N with --at-version N. Identity numbers are masked.

            Examples:
              docket case 2024-04-000001
              docket case 2024-04-000001 --as-of 2024-05-01T00:00:00+08:00 --json
              docket case 2024-04-000001 --at-version 3
            """
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: "The case id.")
    var id: String

    @Option(help: ArgumentHelp("Show the case as it stood at this RFC 3339 time.", valueName: "time"))
    var asOf: String?

    @Option(help: ArgumentHelp("Show the case after its first N events.", valueName: "n"))
    var atVersion: UInt64?

    @Flag(help: "Print JSON (the spec's case view) instead of a table.")
    var json = false

    func validate() throws {
        if asOf != nil, atVersion != nil { throw ValidationError("give --as-of or --at-version, not both") }
        if let asOf, RFC3339.parse(asOf) == nil {
            throw ValidationError("--as-of \(asOf) is not an RFC 3339 time; write it like 2024-05-01T00:00:00+08:00")
        }
    }

    func run() throws {
        let view: JSONValue
        do {
            let store = try DocketStore.open(at: options.path, readOnly: true)
            let now = Timestamp.now()
            // The cases read model answers when it holds the whole log; the log otherwise, and
            // always for a past moment. Both give the same view.
            if asOf == nil, atVersion == nil,
                let projected = try Projector(storeRoot: options.path, log: store.log).currentCaseView(id, now: now)
            {
                view = projected
            } else {
                let history = try CaseHistory.load(id, from: store.log)
                let cut: CaseView.Cut =
                    if let asOf { .asOf(RFC3339.parse(asOf)!) } else if let atVersion { .atVersion(atVersion) } else {
                        .now(now)
                    }
                view = try CaseView.make(history, at: cut).json()
            }
        } catch let error as DocketStoreError {
            Terminal.error(error.message)
            throw ExitStatus.problem
        } catch let error as ProjectionError {
            Terminal.error(error.message)
            throw ExitStatus.problem
        }
        if json {
            print(JSONWriter.string(view))
        } else {
            print(Self.table(view), terminator: "")
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
