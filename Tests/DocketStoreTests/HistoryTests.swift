import Certification
import CertificationWire
import Chronology
import DocketJSON
import DocketStore
import DocketTestSupport
import EventLog
import Foundation
import Testing

/// Export and import, and verify's re-run of every history through the rules.
@Suite struct HistoryTests {
    static let april = Line.schedule("2024-04", examStartsAt: "2024-04-20T09:00:00+08:00")

    static func exported(_ store: DocketStore) throws -> [String] {
        var bytes: [UInt8] = []
        _ = try Exporter.export(store.log, keys: store.personalKeys, write: { bytes += $0 })
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    static func importing(_ lines: [String], into t: TemporaryStore) throws -> (Int, [Importer.LineProblem]) {
        let file = t.path + "-import.jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        var first = try LineReader.file(file)
        let (_, problems) = Importer.check(&first, against: t.store.log)
        first.close()
        guard problems.isEmpty else { return (0, problems) }
        var second = try LineReader.file(file)
        defer { second.close() }
        return (try Importer.append(&second, to: t.store), [])
    }

    @Test func anExportImportedIntoAnEmptyStoreExportsTheSameLines() throws {
        let a = try TemporaryStore()
        var lines = [Self.april]
        lines += Line.happyPath("2024-04-000001", n: 1, number: "110101199506011232")
        lines += Line.happyPath("2024-04-000002", n: 2, number: "110101200803020018")
        #expect(a.submit(lines).allSatisfy { $0.ok })
        let original = try Self.exported(a.store)
        #expect(original.count == 13)
        let b = try TemporaryStore()
        let (count, problems) = try Self.importing(original, into: b)
        #expect(problems.isEmpty && count == 13)
        #expect(try Self.exported(b.store) == original)
        // The imported histories are the same decisions: verify finds nothing.
        #expect(try HistoryVerifier.verify(b.store.log, keys: b.store.personalKeys).findings.isEmpty)
        // The write side of the new store knows the imported cases and references.
        #expect(
            b.submit(Line.pay("2024-04-000002", ref: "PAY-1", at: "2024-04-23T10:00:00+08:00")).code == "nothing-to-pay"
        )
    }

    @Test func anImportWithABadLineAppendsNothingAndNamesTheLine() throws {
        let a = try TemporaryStore()
        #expect(a.submit([Self.april, Line.apply("2024-04-000001")]).allSatisfy { $0.ok })
        var lines = try Self.exported(a.store)
        lines.append(lines[1].replacingOccurrences(of: "\"version\":1", with: "\"version\":3"))
        lines.append("{\"position\":9,\"stream\":\"case-x\"}")
        let b = try TemporaryStore()
        let (count, problems) = try Self.importing(lines, into: b)
        #expect(count == 0 && b.store.log.lastPosition == 0)
        #expect(problems.map(\.line) == [3, 4])
        #expect(problems.map(\.rejection.code) == [.versionConflict, .missingField])
    }

    @Test func verifyReportsImportedEventsThatBreakARuleWithoutRefusingThem() throws {
        let a = try TemporaryStore()
        #expect(
            a.submit([Self.april] + Line.happyPath("2024-04-000001", n: 1, number: "110101199506011232").prefix(3))
                .allSatisfy { $0.ok }
        )
        var lines = try Self.exported(a.store)
        // An older system recorded a score with no ticket, and a payment before the case began.
        lines.append(
            #"{"position":5,"stream":"case-2024-04-000001","version":4,"type":"Scored","at":"2024-04-22T10:00:00+08:00","recordedAt":"2024-04-22T10:00:01+08:00","actor":{"id":"legacy","role":"examiner"},"commandId":null,"data":{"subject":"theory","score":75,"batch":"2024-04"}}"#
        )
        lines.append(
            #"{"position":6,"stream":"case-2024-04-000001","version":5,"type":"Withdrawn","at":"2024-04-01T10:00:00+08:00","recordedAt":"2024-04-22T10:00:02+08:00","actor":{"id":"legacy","role":"portal"},"commandId":null,"data":{"reason":"late entry"}}"#
        )
        let b = try TemporaryStore()
        let (count, problems) = try Self.importing(lines, into: b)
        #expect(problems.isEmpty && count == 6)
        let findings = try HistoryVerifier.verify(b.store.log, keys: b.store.personalKeys).findings
        #expect(findings.map(\.code) == ["no-ticket", "out-of-order"])
        #expect(findings.map(\.version) == [4, 5])
        #expect(findings.first?.stream == "case-2024-04-000001")
    }

    @Test func verifyFindsADamagedPhotoAndCountsAMissingOne() throws {
        let t = try TemporaryStore()
        #expect(t.submit([Self.april, Line.apply("2024-04-000001")]).allSatisfy { $0.ok })
        let sha = try JSONParser.parse(
            RecordedDomainEvent(t.store.log.event(at: 2), keys: t.store.personalKeys).payload
        )["photo"]!["sha256"]!.stringValue!
        let clean = try HistoryVerifier.verify(t.store.log, photos: t.store.photos, keys: t.store.personalKeys)
        #expect(clean.findings.isEmpty && clean.photos.named == 1 && clean.photos.missing == 0)
        // One byte of the stored photo changes: the application's photo is reported damaged.
        let path = t.store.photos.path(sha256: sha)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: path))
        let damaged = try HistoryVerifier.verify(t.store.log, photos: t.store.photos, keys: t.store.personalKeys)
        #expect(damaged.findings.map(\.code) == ["photo-damaged"] && damaged.findings.first?.position == 2)
        // Removed: counted as missing (an imported history may come without its photos).
        try FileManager.default.removeItem(atPath: path)
        let missing = try HistoryVerifier.verify(t.store.log, photos: t.store.photos, keys: t.store.personalKeys)
        #expect(missing.findings.isEmpty && missing.photos.missing == 1)
    }
}
