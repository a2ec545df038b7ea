import Certification
import CertificationWire
import Chronology
import DocketApplication
import DocketJSON
import Foundation

/// The case page (`/console/cases/{id}`): the status card, the complaint-work forms, and the
/// timeline with each case event's state after it. Built from the application layer's answers
/// (the case folded from the log, its timeline with batch context, its replay), masked for the
/// reader's role exactly as the API masks them. The same page, with the stylesheet inlined and
/// the forms left out, is the saved view.
struct CasePage {
    struct Subject { var subject, score, result, tone, batch: String }
    struct Payment {
        var reference: String
        var amount: Int
        var refunded: String
    }
    struct Finding { var kind, detail: String }
    struct Complaint { var complaintID, category, status, tone: String }
    struct Choice {
        var value: String
        var selected: Bool
    }
    struct StateLine { var key, value: String }
    struct StateBlock {
        var lines: [StateLine]
        var open: Bool
    }
    struct Entry {
        var kind: String
        var position: UInt64
        /// The case's version after the event; `nil` for a batch's event. (Not `version`: a
        /// template looks a missing value up in the page, which has a `version` of its own.)
        var eventVersion: UInt64?
        var type, at, recordedAt, actorID, actorRole, summary: String
        var fromBatch: Bool
        var batchName: String
        var state: StateBlock?
    }
    struct Forms {
        var list: [FormModel]
        var formError: String?
    }

    // The page's chrome.
    var title: String
    var user: ConsoleUser?
    var inlineCSS: String?
    var onSearch = false
    var onReports = false
    var done: String?

    // The card.
    var caseID: String
    var version: UInt64
    var status, statusTone: String
    var name, idNumber, idType, birthDate, region, contact: String
    var occupation, level, batch, ticket, retake, certificate: String
    var subjects: [Subject]
    var paidYuan, refundedYuan: Int
    var payments: [Payment]
    /// Stored, not computed: templates see stored properties only (Mirror).
    var hasPayments: Bool
    var findings: [Finding]
    var complaints: [Complaint]

    // Complaint work.
    var forms: Forms?
    var actor: String

    // The timeline.
    var entries: [Entry]
    var entryCount: Int
    var shownCount: Int
    var typeOptions: [Choice]
    var actorOptions: [Choice]
    var from, to: String
    var newestFirst: Bool
    var filterError: String?
    var saveLink: String

    // The saved view's stamp.
    var saved = false
    var savedBy = ""
    var savedAt = ""
    var logPosition: UInt64 = 0
    var digest = ""
    var filterText = ""

    /// Case `caseID` as `user` may see it, its timeline filtered by `filter`.
    /// - Throws: the application layer's errors (`case-not-found` first).
    init(
        caseID: String,
        service: DocketService,
        user: ConsoleUser,
        role: Actor.Role,
        purpose: ReadPurpose,
        filter: TimelineFilter,
        posted: (command: String, form: CommandForm.Posted, field: String?, message: String)? = nil
    ) throws(DocketError) {
        let disclosure = Disclosure.of(role)
        let (view, timeline, replay) = try service.casePage(caseID, disclosure: disclosure, purpose: purpose)
        let json = view.json(disclosure)
        let state = view.state

        title = "Case \(caseID)"
        self.user = user
        self.caseID = caseID
        version = state.version
        status = view.status.rawValue
        statusTone = StatusTone.of(status)
        let candidate = json["candidate"]
        // Erased personal data (issue 17) says so rather than looking merely missing.
        let gone = candidate?["erased"] != nil ? "[erased]" : "—"
        name = candidate?["name"]?.stringValue ?? gone
        idNumber = candidate?["idDocument"]?["number"]?.stringValue ?? gone
        idType = candidate?["idDocument"]?["type"]?.stringValue ?? "—"
        birthDate = candidate?["birthDate"]?.stringValue ?? gone
        region = candidate?["region"]?.stringValue ?? "—"
        contact =
            candidate?["contact"].map { "\($0["channel"]?.stringValue ?? "") \($0["address"]?.stringValue ?? gone)" }
            ?? "—"
        occupation = json["occupation"]?.stringValue ?? "—"
        level = json["level"]?.intValue.map(String.init) ?? "—"
        batch = json["batch"]?.stringValue ?? "—"
        if let t = state.ticket {
            ticket = "\(t.number) for batch \(t.batch)" + (t.late ? " (sent late)" : "")
        } else {
            ticket = "not sent"
        }
        retake = state.retake.map { "\($0.subject.rawValue) in batch \($0.batch)" } ?? "none"
        if let number = state.certificateNumber {
            certificate = number + (state.certifiedAt.map { ", issued \($0)" } ?? "")
        } else {
            certificate = "none"
        }
        subjects = Certification.Subject.allCases.map { s in
            guard let r = state.results[s] else {
                return Subject(subject: s.rawValue, score: "—", result: "not scored", tone: "neutral", batch: "—")
            }
            return Subject(
                subject: s.rawValue,
                score: String(r.score),
                result: r.passed ? "passed" : "failed",
                tone: r.passed ? "ok" : "bad",
                batch: r.batch
            )
        }
        paidYuan = state.paidYuan
        refundedYuan = state.refundedYuan
        payments = state.payments.map {
            Payment(reference: $0.reference, amount: $0.amountYuan, refunded: $0.refunded ? "yes" : "no")
        }
        hasPayments = !payments.isEmpty
        findings = view.findings.map { finding in
            let kind = finding["kind"]?.stringValue ?? "finding"
            switch kind {
            case "ticket-late":
                return Finding(
                    kind: kind,
                    detail: "ticket \(finding["ticketNumber"]?.stringValue ?? "") was sent after it was due"
                )
            case "refund-due":
                return Finding(
                    kind: kind,
                    detail:
                        "payment \(finding["paymentRef"]?.stringValue ?? "") of ¥\(finding["amountYuan"]?.intValue ?? 0) is due back"
                )
            default:
                var text: [UInt8] = []
                JSONWriter.write(finding, into: &text)
                return Finding(kind: kind, detail: String(decoding: text, as: UTF8.self))
            }
        }
        complaints = state.complaints.map {
            let status = $0.outcome?.rawValue ?? "open"
            return Complaint(
                complaintID: $0.id,
                category: $0.category.rawValue,
                status: status,
                tone: StatusTone.of(status)
            )
        }
        actor = user.actor

        if user.canActOnComplaints {
            var list = FormModel.forms(
                caseID: caseID,
                open: state.complaints.filter(\.isOpen).map { ($0.id, $0.category.rawValue) },
                all: state.complaints.map(\.id),
                posted: posted
            )
            for i in list.indices { list[i].commandID = "console-" + ConsoleSession.randomToken().prefix(22) }
            forms = Forms(list: list, formError: posted.map { _ in "The command was refused; see the form below." })
        }

        // The timeline: each case event with the state it produced (the replay, by position).
        var states: [UInt64: JSONValue] = [:]
        for step in replay { states[step.event.position] = step.state }
        let shown = timeline.filter(filter.admits)
        let ordered = filter.newestFirst ? Array(shown.reversed()) : shown
        entries = ordered.map { entry in
            let e = entry.event
            let kind = entry.source == .batch ? "batch" : (e.type == "NoteAdded" ? "note" : "case")
            return Entry(
                kind: kind,
                position: e.position,
                eventVersion: entry.source == .case ? e.version : nil,
                type: e.type,
                at: e.at.description,
                recordedAt: e.recordedAt.description,
                actorID: e.metadata.actorID,
                actorRole: e.metadata.role,
                summary: entry.summary,
                fromBatch: entry.source == .batch,
                batchName: String(e.stream.split(separator: "-", maxSplits: 1).last ?? ""),
                state: states[e.position].map { StateBlock(lines: Self.lines(of: $0), open: false) }
            )
        }
        entryCount = timeline.count
        shownCount = shown.count
        typeOptions = Array(Set(timeline.map(\.event.type))).sorted().map {
            Choice(value: $0, selected: $0 == filter.type)
        }
        actorOptions = Array(Set(timeline.map(\.event.metadata.actorID))).sorted().map {
            Choice(value: $0, selected: $0 == filter.actor)
        }
        from = filter.from?.description ?? ""
        to = filter.to?.description ?? ""
        newestFirst = filter.newestFirst
        filterError = filter.problem
        let query = filter.query
        saveLink = "/console/cases/\(caseID)/saved" + (query.isEmpty ? "" : "?" + query)
        filterText = filter.words
    }

    /// The state after an event as `key value` lines: every field but the candidate (on the
    /// card) and the evaluation moment, nested fields by their dotted path.
    static func lines(of state: JSONValue) -> [StateLine] {
        var out: [StateLine] = []
        func walk(_ value: JSONValue, _ path: String) {
            switch value {
            case .object(let object):
                for key in object.keys where !(path.isEmpty && (key == "candidate" || key == "asOf" || key == "case")) {
                    if let member = object[key] { walk(member, path.isEmpty ? key : path + "." + key) }
                }
            case .array(let items) where items.isEmpty:
                out.append(StateLine(key: path, value: "none"))
            case .null:
                out.append(StateLine(key: path, value: "—"))
            default:
                var text: [UInt8] = []
                JSONWriter.write(value, into: &text)
                var shown = String(decoding: text, as: UTF8.self)
                if case .string(let s) = value { shown = s }
                out.append(StateLine(key: path, value: shown))
            }
        }
        walk(state, "")
        return out
    }
}
