import Certification
import CertificationWire
import DocketStore
import EventLog
import Foundation
import GRDB
import Testing

@testable import Projections

/// Batch statistics, audit findings and their reports against the fixed history, counted by
/// hand; rule-breaking imports found as `docket verify` finds them.
@Suite struct AuditAndStatisticsTests {
    typealias Scratch = ProjectionTests.Scratch

    static func findings(_ s: Scratch, today: String, complaintDays: Int = 15) throws -> [[Report.Value]] {
        try s.projector.catchUp()
        var filters = Report.Filters()
        filters.complaintDays = complaintDays
        return try Report.run("findings", filters: filters, projector: s.projector, today: today).rows
    }

    @Test func batchStatisticsCountCasesOncePerBatch() throws {
        let s = try Scratch()
        #expect(s.submit(ProjectionTests.fixedHistory).allSatisfy { $0.ok })
        try s.projector.catchUp()
        let rows = try Report.run("batches", filters: Report.Filters(), projector: s.projector, today: "2024-06-01")
            .rows
        // Two applied, one approved (B was never verified), B withdrew, A ticketed, sat both,
        // failed theory at 58 and passed it on correction to 60, passed skill, certified.
        #expect(
            rows == [
                [
                    .text("2024-04"), .text("blockchain-operator"), .int(2), .int(1), .int(0), .int(1), .int(1),
                    .int(1),
                    .int(1), .real(1), .int(1), .int(1), .real(1), .int(1), .int(0),
                ]
            ]
        )
        // Before the correction the theory pass rate was 0.
        let t = try Scratch()
        #expect(t.submit(Array(ProjectionTests.fixedHistory.prefix(11))).allSatisfy { $0.ok })
        try t.projector.catchUp()
        let early = try Report.run("batches", filters: Report.Filters(), projector: t.projector, today: "2024-06-01")
        #expect(early.rows[0][8] == .int(0) && early.rows[0][9] == .real(0))
    }

    @Test func findingsComeAndGoWithTheCase() throws {
        let s = try Scratch()
        let history = ProjectionTests.fixedHistory
        // Through B's withdrawal (line 7): B's payment P2 is due back.
        #expect(s.submit(Array(history.prefix(7))).allSatisfy { $0.ok })
        #expect(
            try Self.findings(s, today: "2024-03-05") == [
                [
                    .text("2024-04-000002"), .text("refund-due"), .text("P2"), .text("2024-04"), .text("2024-03-05"),
                    .int(3), .null, .text("160 yuan of P2 not refunded"),
                ]
            ]
        )
        // The refund clears it; the complaint is open, a finding only once open more than 15 days.
        #expect(s.submit(Array(history[7..<12])).allSatisfy { $0.ok })
        #expect(try Self.findings(s, today: "2024-05-08").isEmpty)
        let late = try Self.findings(s, today: "2024-05-09")
        #expect(late.map { $0[1] } == [.text("complaint-open")])
        #expect(late.first?[2] == .text("K1"))
        #expect(try Self.findings(s, today: "2024-05-01", complaintDays: 7).count == 1)
        // Correcting the score is a finding; resolving the complaint clears the open one.
        #expect(s.submit(Array(history[12...])).allSatisfy { $0.ok })
        let end = try Self.findings(s, today: "2024-12-31")
        #expect(end.map { $0[1] } == [.text("score-corrected")])
        #expect(end.first?[7] == .text("theory 58 → 60 (complaint K1)"))
        #expect(try s.projector.check().isEmpty)
    }

    @Test func aTicketSentLateIsAFinding() throws {
        let s = try Scratch()
        let history = ProjectionTests.fixedHistory
        #expect(s.submit([history[0], history[1], history[3], history[4]]).allSatisfy { $0.ok })
        // The exam starts 2024-04-20 09:00: a ticket at 09:00:01 seven days before is late.
        #expect(
            s.submit([
                ProjectionTests.command(
                    "send-ticket",
                    "case",
                    "2024-04-000001",
                    at: "2024-04-13T09:00:01+08:00",
                    role: "examiner",
                    data: #"{"ticketNumber":"T9","channel":"wechat"}"#
                )
            ]).allSatisfy { $0.ok }
        )
        let rows = try Self.findings(s, today: "2024-04-14")
        #expect(rows.map { [$0[0], $0[1], $0[2]] } == [[.text("2024-04-000001"), .text("ticket-late"), .text("T9")]])
    }

    @Test func anImportedRuleBreakerIsFoundAsVerifyFindsIt() throws {
        let source = try Scratch()
        #expect(source.submit(ProjectionTests.fixedHistory).allSatisfy { $0.ok })
        var bytes: [UInt8] = []
        _ = try Exporter.export(source.store.log, keys: source.store.personalKeys, write: { bytes += $0 })
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        // The schedule, A's application, verification and payment, then A certified with no scores.
        var kept = [lines[0], lines[1], lines[3], lines[4], lines[15]]
        for i in kept.indices {
            kept[i] = Self.replacing(kept[i], "\"position\":", with: i + 1)
            if i >= 1 { kept[i] = Self.replacing(kept[i], "\"version\":", with: i) }
        }
        let target = try Scratch()
        let file = target.root + "/import.jsonl"
        try (kept.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        var reader = try LineReader.file(file)
        _ = try Importer.append(&reader, to: target.store)
        reader.close()
        let verified = try HistoryVerifier.verify(target.store.log, keys: target.store.personalKeys).findings
        #expect(verified.count == 1)
        let rows = try Self.findings(target, today: "2024-06-01")
        #expect(rows.count == 1)
        #expect(rows.first?[1] == .text("rule-broken"))
        #expect(rows.first?[0] == .text("2024-04-000001"))
        #expect(rows.first?[6] == .text(verified.first?.code ?? "?"))
        #expect(rows.first?[5] == .int(Int64(verified.first?.position ?? 0)))
    }

    /// `text` with the number after the first `key` replaced.
    static func replacing(_ text: String, _ key: String, with value: Int) -> String {
        guard let range = text.range(of: key) else { return text }
        let digits = text[range.upperBound...].prefix { $0.isNumber }
        return text.replacingCharacters(
            in: range.upperBound..<text.index(range.upperBound, offsetBy: digits.count),
            with: String(value)
        )
    }
}
