import Certification
import CertificationWire
import Chronology
import DocketApplication
import DocketJSON
import DocketStore
import DocketTestSupport
import EventLog
import Foundation
import Projections
import Testing

/// Issue 17 through the application layer: an erasure reaches every view, read model, search,
/// report, export and file of the store; retention plans and applies by case state with holds.
@Suite struct PersonalDataTests {
    static let april = Line.schedule("2024-04", examStartsAt: "2024-04-20T09:00:00+08:00")
    static let erasedNumber = Line.residentNumber(birth: "19881130", sequence: 404)
    static let keptNumber = Line.residentNumber(birth: "19930304", sequence: 12)
    /// What the erased case held, each distinctive enough to find in any file's bytes.
    static let secrets = [
        "欧阳娜娜", erasedNumber, "erase-me@example.cn", "REF-ERASE-ME-77", "note-secret-XYZ", "moved-to-Harbin",
    ]
    /// What the case that stays held (the positive control).
    /// (Its full number is in no file in clear: the log seals it, the read models keep it masked.)
    static let kept = ["王建国", "keep-me@example.cn"]

    static func lines() -> [String] {
        [
            april,
            Line.apply(
                "2024-04-000001",
                number: erasedNumber,
                channel: "email",
                name: "欧阳娜娜",
                address: "erase-me@example.cn",
                eligibility:
                    #"{"condition":"graduate","schoolLevel":"undergraduate","major":"computer","evidence":[{"kind":"chsi-verification-code","reference":"REF-ERASE-ME-77"}]}"#
            ),
            Line.on(
                "2024-04-000001",
                "add-note",
                "supervisor",
                at: "2024-03-03T10:00:00+08:00",
                data: #"{"text":"called her: note-secret-XYZ"}"#
            ),
            Line.on(
                "2024-04-000001",
                "withdraw",
                "portal",
                at: "2024-03-06T10:00:00+08:00",
                data: #"{"reason":"moved-to-Harbin"}"#
            ),
            Line.apply(
                "2024-04-000002",
                number: keptNumber,
                channel: "email",
                name: "王建国",
                address: "keep-me@example.cn"
            ),
        ]
    }

    /// Every file under `root` whose bytes contain `text`.
    static func files(under root: String, containing text: String) -> [String] {
        let needle = Data(text.utf8)
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            let path = root + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                let data = FileManager.default.contents(atPath: path)
            else { continue }
            if data.range(of: needle) != nil { found.append(relative) }
        }
        return found
    }

    @Test func afterAnErasureNoErasedValueIsInAnyFileAndTheFactsRemain() throws {
        let f = try Fixture(Self.lines())
        let t = f.temporary
        // Read models current, and a build of a past moment, both holding the data in clear.
        try f.service.projector.catchUp()
        _ = try f.service.search("欧阳", cut: .knownAt(.now()), disclosure: .masked)
        #expect(!Self.files(under: t.path, containing: "欧阳娜娜").isEmpty, "the read models held the name")

        #expect(t.submit(Line.erase("2024-04-000001")).ok)
        try f.service.projector.catchUp()
        for secret in Self.secrets {
            #expect(
                Self.files(under: t.path, containing: secret).isEmpty,
                "\(secret) still in \(Self.files(under: t.path, containing: secret))"
            )
        }
        for value in Self.kept {
            #expect(!Self.files(under: t.path, containing: value).isEmpty, "positive control: \(value) is found")
        }

        // Views, timeline and search show the facts, the personal fields erased.
        let view = try JSONParser.parse(f.service.caseView("2024-04-000001", disclosure: .full, purpose: .testing).json)
        #expect(view["status"]?.stringValue == "withdrawn")
        #expect(view["candidate"]?["name"] == .null && view["candidate"]?["idDocument"]?["number"] == .null)
        #expect(view["candidate"]?["erased"] == .array([.string("identity"), .string("details")]))
        let past = try JSONParser.parse(
            f.service.caseView(
                "2024-04-000001",
                cut: .asOf(RFC3339.parse("2024-03-04T00:00:00+08:00")!),
                disclosure: .full,
                purpose: .testing
            )
            .json
        )
        #expect(past["candidate"]?["name"] == .null, "a past view cannot bring the data back")
        let timeline = try f.service.timeline("2024-04-000001", disclosure: .full, purpose: .testing)
        var lines: [UInt8] = []
        for entry in timeline {
            entry.event.write(into: &lines)
            lines += Array(entry.summary.utf8)
        }
        let text = String(decoding: lines, as: UTF8.self)
        for secret in Self.secrets { #expect(!text.contains(secret)) }
        #expect(text.contains("[erased]") && text.contains("PersonalDataErased"))
        #expect(try f.service.search(Self.erasedNumber, disclosure: .full).total == 0)
        #expect(try f.service.search("欧阳", disclosure: .full).total == 0)
        #expect(try f.service.search(Self.keptNumber, disclosure: .full).total == 1)
        for name in Report.names {
            let report = JSONWriter.string(try f.service.report(name).json)
            for secret in Self.secrets { #expect(!report.contains(secret), "\(secret) in report \(name)") }
        }

        // The log verifies, a rebuild shows the same, and still no file holds the data.
        #expect(VerifyAnswer.verify(storeAt: t.path).isClean)
        func fingerprints() throws -> [String] {
            try f.service.projector.status().flatMap { $0.fingerprints.map { $0.table + "=" + $0.fingerprint } }
        }
        let before = try fingerprints()
        try f.service.projector.rebuild()
        let after = try fingerprints()
        #expect(after == before, "live and rebuilt models agree: \(Set(after).symmetricDifference(before))")
        for secret in Self.secrets {
            #expect(Self.files(under: t.path, containing: secret).isEmpty, "\(secret) after rebuild")
        }
    }

    @Test func anExportNamesErasedGroupsAndImportsIntoAStoreThatKeepsThemErased() throws {
        let f = try Fixture(Self.lines())
        #expect(f.temporary.submit(Line.erase("2024-04-000001")).ok)
        var exported: [UInt8] = []
        _ = try Exporter.export(f.temporary.store.log, keys: f.temporary.store.personalKeys, write: { exported += $0 })
        let text = String(decoding: exported, as: UTF8.self)
        for secret in Self.secrets { #expect(!text.contains(secret)) }
        #expect(text.contains(#""erased":["identity","details"]"#))
        #expect(text.contains("王建国"), "a live case's data is exported opened")

        let copy = try TemporaryStore()
        let file = copy.path + "-import.jsonl"
        try Data(exported).write(to: URL(fileURLWithPath: file))
        var check = try LineReader.file(file)
        #expect(Importer.check(&check, against: copy.store.log).problems.isEmpty)
        check.close()
        var reader = try LineReader.file(file)
        _ = try Importer.append(&reader, to: copy.store)
        reader.close()
        try copy.store.close()
        #expect(VerifyAnswer.verify(storeAt: copy.path).isClean)
        try copy.reopen()
        #expect(try copy.view("2024-04-000001").state.application?.candidate.isIdentityErased == true)
        #expect(try copy.view("2024-04-000002").state.application?.candidate.name == "王建国")
        for secret in Self.secrets { #expect(Self.files(under: copy.path, containing: secret).isEmpty) }
    }

    /// Closed cases of several kinds, at 2024 dates; plans are made for later moments.
    static func retentionLines() -> [String] {
        [
            april,
            // Withdrawn in March 2024: due a year later.
            Line.apply("2024-04-000001", number: Line.residentNumber(birth: "19900101", sequence: 1)),
            Line.withdraw("2024-04-000001"),
            // Withdrawn, then held.
            Line.apply("2024-04-000002", number: Line.residentNumber(birth: "19900101", sequence: 2)),
            Line.withdraw("2024-04-000002"),
            Line.hold("2024-04-000002", "audit-7", at: "2024-03-07T10:00:00+08:00"),
            // Withdrawn with an open complaint.
            Line.apply("2024-04-000003", number: Line.residentNumber(birth: "19900101", sequence: 3)),
            Line.withdraw("2024-04-000003"),
            Line.complaint("2024-04-000003", id: "C-3", at: "2024-03-07T10:00:00+08:00"),
            // Certified in May 2024: details due three years later.
        ] + Line.happyPath("2024-04-000004", n: 4, number: Line.residentNumber(birth: "19900101", sequence: 4))
            + [
                Line.publish("2024-04"), Line.certify("2024-04-000004", number: "CERT-4"),
                // Still open: no rule applies.
                Line.apply("2024-04-000005", number: Line.residentNumber(birth: "19900101", sequence: 5)),
            ]
    }

    @Test func retentionPlansByStateShowsHoldsAndAppliesOnceThenFindsNothingDue() throws {
        let now = RFC3339.parse("2025-06-01T10:00:00+08:00")!
        let f = try Fixture(Self.retentionLines(), clock: { now })
        let plan = try f.service.retentionPlan(.standard)
        let byCase = Dictionary(uniqueKeysWithValues: plan.items.map { ($0.caseID, $0) })
        #expect(byCase["2024-04-000001"]?.state == .due)
        #expect(byCase["2024-04-000001"]?.dueOn.description == "2025-03-06")
        #expect(
            byCase["2024-04-000002"]?.state == .held && byCase["2024-04-000002"]?.reason?.contains("audit-7") == true
        )
        #expect(byCase["2024-04-000003"]?.state == .held && byCase["2024-04-000003"]?.reason?.contains("C-3") == true)
        #expect(byCase["2024-04-000004"]?.state == .waiting && byCase["2024-04-000004"]?.erase == .details)
        #expect(byCase["2024-04-000005"] == nil, "an open case is under no rule")
        // One day before it is due, the withdrawn case waits.
        let dayBefore = try f.service.retentionPlan(.standard, at: RFC3339.parse("2025-03-05T12:00:00+08:00")!)
        #expect(dayBefore.items.first { $0.caseID == "2024-04-000001" }?.state == .waiting)

        let officer = Actor(id: "dpo-1", role: .privacyOfficer)
        let applied = f.service.applyRetention(plan, actor: officer)
        #expect(applied.map(\.caseID) == ["2024-04-000001"] && applied.allSatisfy { $0.outcome.ok })
        let again = try f.service.retentionPlan(.standard)
        #expect(again.due.isEmpty)
        #expect(again.items.first { $0.caseID == "2024-04-000001" }?.state == .done)
        // Applying the old plan again is answered from the log (the same command ids): nothing new.
        let position = f.temporary.store.log.lastPosition
        #expect(f.service.applyRetention(plan, actor: officer).allSatisfy { $0.outcome.ok })
        #expect(f.temporary.store.log.lastPosition == position)
        // Three years after the certificate, its details are due; the identity is kept.
        let later = try f.service.retentionPlan(.standard, at: RFC3339.parse("2027-06-01T10:00:00+08:00")!)
        #expect(later.items.first { $0.caseID == "2024-04-000004" }?.state == .due)
    }

    @Test func aRetentionPolicyFileIsCheckedFieldByField() throws {
        func problem(_ text: String) -> String? {
            do {
                _ = try RetentionPolicy.parse(Array(text.utf8))
                return nil
            } catch { return error.field }
        }
        #expect(problem(#"{"rules":[{"status":"failed","afterYears":2,"erase":"all"}]}"#) == nil)
        #expect(problem(#"{"rules":[{"status":"ticketed","afterYears":2}]}"#) == "rules[0].status")
        #expect(problem(#"{"rules":[{"status":"failed","afterYears":101}]}"#) == "rules[0].afterYears")
        #expect(problem(#"{"rules":[{"status":"failed","afterYears":-1}]}"#) == "rules[0].afterYears")
        #expect(problem(#"{"rules":[{"status":"failed","afterYears":0,"erase":"some"}]}"#) == "rules[0].erase")
        #expect(
            problem(#"{"rules":[{"status":"failed","afterYears":1},{"status":"failed","afterYears":2}]}"#)
                == "rules[1].status"
        )
        #expect(problem("[]") == "rules")
    }

    @Test func anImportedErasureKeepsTheDataRecordedAfterIt() throws {
        let f = try Fixture(Self.lines())
        #expect(f.temporary.submit(Line.erase("2024-04-000001", scope: "details")).ok)
        let note = Line.on(
            "2024-04-000001",
            "add-note",
            "supervisor",
            at: "2026-06-02T10:00:00+08:00",
            data: #"{"text":"after-the-erasure-note"}"#
        )
        #expect(f.temporary.submit(note).ok)
        var exported: [UInt8] = []
        _ = try Exporter.export(f.temporary.store.log, keys: f.temporary.store.personalKeys, write: { exported += $0 })
        let copy = try TemporaryStore()
        let file = copy.path + "-import.jsonl"
        try Data(exported).write(to: URL(fileURLWithPath: file))
        var reader = try LineReader.file(file)
        _ = try Importer.append(&reader, to: copy.store)
        reader.close()
        try copy.reopen()
        try copy.store.prepareForCommands()  // completes the imported erasure
        let timeline = try copy.service.timeline("2024-04-000001", disclosure: .full, purpose: .testing)
        #expect(timeline.contains { $0.summary.contains("after-the-erasure-note") }, "the later note survives")
        #expect(!timeline.contains { $0.summary.contains("note-secret-XYZ") }, "the erased note stays erased")
    }

    @Test func aBuildOfAPastMomentMadeBeforeAnErasureIsNeverUsedAfterIt() throws {
        let f = try Fixture(Self.lines())
        let moment = TimeCut.knownAt(.now())
        _ = try f.service.search("欧阳", cut: moment, disclosure: .masked)
        let builds = { (try? FileManager.default.contentsOfDirectory(atPath: f.service.projector.directory)) ?? [] }
        #expect(builds().contains { $0.contains(".known-") && $0.hasSuffix(".e0.sqlite") })
        #expect(f.temporary.submit(Line.erase("2024-04-000001")).ok)
        #expect(f.temporary.store.erasureCount == 1)
        #expect(!builds().contains { $0.hasSuffix(".e0.sqlite") }, "the erasure deleted the old build")
        #expect(try f.service.search("欧阳", cut: moment, disclosure: .masked).total == 0)
    }
}
