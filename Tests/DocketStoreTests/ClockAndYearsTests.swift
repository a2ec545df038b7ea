import Certification
import CertificationWire
import Chronology
import DocketStore
import DocketTestSupport
import EventLog
import Foundation
import Testing

/// An `at` too far ahead of the store's clock, and years of work with fractions (SPEC §5).
@Suite struct ClockAndYearsTests {
    static let april = Line.schedule("2024-04", examStartsAt: "2024-04-20T09:00:00+08:00")

    /// `now` shifted by `seconds`, as RFC 3339 in UTC+08:00.
    static func fromNow(_ seconds: Int64) -> String {
        let now = Timestamp.now()
        return Timestamp(microseconds: now.microseconds + seconds * 1_000_000, utcOffsetSeconds: 28_800).description
    }

    static func complaint(at: String, id: String) -> String {
        Line.on(
            "2024-04-000001",
            "lodge-complaint",
            "supervisor",
            at: at,
            data: #"{"complaintId":"\#(id)","channel":"phone","category":"fee","summary":"charged twice"}"#
        )
    }

    @Test func anAtMoreThanFiveMinutesAheadIsRefusedAndTheCaseStaysOpen() throws {
        let t = try TemporaryStore()
        #expect(t.submit([Self.april, Line.apply("2024-04-000001")]).allSatisfy { $0.ok })
        // A typo'd year: refused on `at`, naming the store's time.
        let typo = t.submit(Self.complaint(at: "2062-04-25T10:00:00+08:00", id: "K1"))
        #expect(typo.code == "invalid-field" && typo.rejection?.field == "at")
        #expect(typo.rejection?.message.contains("store's clock") == true)
        // Just past the allowance, refused; just inside it, accepted.
        #expect(t.submit(Self.complaint(at: Self.fromNow(330), id: "K2")).code == "invalid-field")
        #expect(t.submit(Self.complaint(at: Self.fromNow(240), id: "K3")).ok)
        // The case is not blocked: a command at today's time is still in order.
        #expect(t.submit(Self.complaint(at: Self.fromNow(250), id: "K4")).ok)
    }

    @Test func theAllowanceIsAnOptionOfTheStore() throws {
        var options = DocketStore.Options()
        options.clockSkewLimit = ClockSkewLimit(seconds: 3_600)
        let t = try TemporaryStore(options: options)
        #expect(t.submit([Self.april, Line.apply("2024-04-000001")]).allSatisfy { $0.ok })
        #expect(t.submit(Self.complaint(at: Self.fromNow(1_800), id: "K1")).ok)
        let beyond = t.submit(Self.complaint(at: Self.fromNow(3_900), id: "K2"))
        #expect(beyond.code == "invalid-field" && beyond.rejection?.message.contains("1 hour") == true)
    }

    @Test func anImportOfRecordedHistoryIsNotCheckedAgainstTheClock() throws {
        let source = try TemporaryStore(
            options: {
                var o = DocketStore.Options()
                o.clockSkewLimit = nil
                return o
            }()
        )
        let future = "2031-01-08T09:00:00+08:00"
        #expect(source.submit(Line.schedule("2031-04", examStartsAt: "2031-04-19T09:00:00+08:00", at: future)).ok)
        var exported: [UInt8] = []
        _ = try Exporter.export(source.store.log, keys: source.store.personalKeys, write: { exported += $0 })
        let target = try TemporaryStore()
        let file = target.path + "-import.jsonl"
        try Data(exported).write(to: URL(fileURLWithPath: file))
        var reader = try LineReader.file(file)
        defer { reader.close() }
        #expect(try Importer.append(&reader, to: target.store) == 1)
    }

    static func workFiveYears(_ years: String) -> String {
        #"{"condition":"work-5y","occupation":"software-engineer","yearsOfWork":\#(years),"evidence":[{"kind":"work-experience-pledge","reference":"p"}]}"#
    }

    @Test(
        arguments: [
            ("5.5", nil), ("5", nil), ("5.0", nil), ("4.99", "eligibility-not-met"), ("4.5", "eligibility-not-met"),
            ("0", "eligibility-not-met"), ("100", nil), ("100.5", "invalid-field"), ("-1", "invalid-field"),
            ("1e400", "invalid-field"), ("\"6\"", "invalid-field"),
        ] as [(String, String?)]
    )
    func yearsOfWorkMayHaveAFraction(years: String, code: String?) throws {
        let t = try TemporaryStore()
        #expect(t.submit(Self.april).ok)
        let outcome = t.submit(Line.apply("2024-04-000001", eligibility: Self.workFiveYears(years)))
        #expect(outcome.code == code, "\(years)")
        if code == "invalid-field" { #expect(outcome.rejection?.field == "data.eligibility.yearsOfWork") }
        guard outcome.ok else { return }
        // The event keeps the number, whole numbers without a fraction.
        let applied = try t.store.log.event(at: 2)
        let text = String(decoding: try RecordedDomainEvent(applied, keys: t.store.personalKeys).payload, as: UTF8.self)
        let written = Years(Double(years.replacingOccurrences(of: "\"", with: ""))!)!.description
        #expect(text.contains("\"yearsOfWork\":\(written),"))
        #expect(try t.view("2024-04-000001").state.application?.eligibility.yearsOfWork == Years(Double(years)!))
    }

    @Test func aNoteIsKeptOnTheCaseAndItsComplaintMustBeTheCases() throws {
        let t = try TemporaryStore()
        let c = "2024-04-000001"
        #expect(t.submit([Self.april, Line.apply(c), Line.complaint(c, id: "K1")]).allSatisfy { $0.ok })
        func note(_ data: String) -> CommandOutcome {
            t.submit(Line.on(c, "add-note", "supervisor", at: "2024-04-26T10:00:00+08:00", data: data))
        }
        #expect(note(#"{"text":"called back, candidate satisfied","complaintId":"K1"}"#).ok)
        #expect(note(#"{"text":"general note"}"#).ok)
        #expect(note(#"{"text":"about another","complaintId":"K9"}"#).code == "complaint-not-found")
        #expect(note(#"{"text":"   "}"#).code == "missing-field")
        let long = String(repeating: "字", count: 2_001)
        let tooLong = note(#"{"text":"\#(long)"}"#)
        #expect(tooLong.code == "invalid-field" && tooLong.rejection?.field == "data.text")
        #expect(note(#"{"text":"\#(String(repeating: "字", count: 2_000))"}"#).ok)
        let wrongRole = t.submit(
            Line.on(c, "add-note", "portal", at: "2024-04-26T11:00:00+08:00", data: #"{"text":"x"}"#)
        )
        #expect(wrongRole.code == "role-not-allowed")
        #expect(try t.view(c).state.noteCount == 3)
    }
}
