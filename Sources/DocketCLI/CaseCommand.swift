import ArgumentParser
import Certification
import Chronology
import DocketJSON
import DocketStore

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
        let view: CaseView
        do {
            let store = try DocketStore.open(at: options.path, readOnly: true)
            let history = try CaseHistory.load(id, from: store.log)
            let cut: CaseView.Cut =
                if let asOf { .asOf(RFC3339.parse(asOf)!) } else if let atVersion { .atVersion(atVersion) } else {
                    .now(Timestamp.now())
                }
            view = try CaseView.make(history, at: cut)
        } catch {
            Terminal.error(error.message)
            throw ExitStatus.problem
        }
        if json {
            print(JSONWriter.string(view.json()))
        } else {
            print(Self.table(view), terminator: "")
        }
    }

    static func table(_ view: CaseView) -> String {
        let s = view.state
        var t = TextTable(["case", view.caseID])
        t.add(["version", "\(s.version)"])
        t.add(["status", view.status.rawValue + "   (as of \(TimelineCommand.local(view.moment)) UTC+8)"])
        if let a = s.application {
            let c = a.candidate
            t.add(["candidate", "\(c.name)   born \(c.birthDate)   \(c.region.rawValue)"])
            t.add(["identity", "\(c.idDocument.type.rawValue) \(IdentityNumber.mask(c.idDocument.number))"])
            t.add(["contact", "\(c.contact.channel.rawValue) \(c.contact.address)"])
            t.add(["occupation", "\(a.occupation.rawValue) (\(a.occupation.chineseName)) level \(a.level)"])
        }
        t.add(["batch", s.sittingBatch ?? "-"])
        for subject in [Subject.theory, .skill] {
            if let r = s.results[subject] {
                t.add([subject.rawValue, "\(r.score)  \(r.passed ? "passed" : "failed")  (batch \(r.batch))"])
            } else {
                t.add([subject.rawValue, "-"])
            }
        }
        if let ticket = s.ticket { t.add(["ticket", ticket.number + (ticket.late ? "  (late)" : "")]) }
        if let retake = s.retake { t.add(["retake", "\(retake.subject.rawValue) in batch \(retake.batch)"]) }
        t.add(["paid", "\(s.paidYuan) yuan   refunded \(s.refundedYuan) yuan"])
        t.add([
            "certificate",
            s.certificateNumber.map { n in n + (view.certifiedAt.map { "  issued \($0)" } ?? "") } ?? "-",
        ])
        let complaints = s.complaints.map { "\($0.id) \($0.category.rawValue) \($0.outcome?.rawValue ?? "open")" }
        t.add(["complaints", complaints.isEmpty ? "-" : complaints.joined(separator: "; ")])
        let findings = view.findings.map { f -> String in
            let kind = f["kind"]?.stringValue ?? "?"
            let detail = f["ticketNumber"]?.stringValue ?? f["paymentRef"]?.stringValue ?? ""
            return kind + " " + detail
        }
        t.add(["findings", findings.isEmpty ? "-" : findings.joined(separator: "; ")])
        return t.rendered
    }
}
