import Certification
import CertificationWire
import DocketJSON
import DocketStore
import DocketWorkload
import EventLog
import Foundation
import GRDB
import Testing

@testable import Projections

/// Read models against hand-computed expectations, exactly-once catch-up, blue/green rebuilds,
/// `--as-of` builds, and no full identity number in any projection file.
@Suite struct ProjectionTests {
    /// A store in a temporary directory.
    final class Scratch {
        let root: String
        let path: String
        var store: DocketStore

        init() throws {
            root = NSTemporaryDirectory() + "docket-proj-\(UUID().uuidString.prefix(8))"
            path = root + "/store"
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try DocketStore.create(at: path)
            store = try DocketStore.open(at: path)
        }

        deinit {
            try? store.close()
            try? FileManager.default.removeItem(atPath: root)
        }

        @discardableResult
        func submit(_ lines: [String]) -> [CommandOutcome] {
            lines.map { store.submitAndWait(Array($0.utf8)) }
        }

        var projector: Projector { try! Projector(storeRoot: path, log: store.log, keys: store.personalKeys) }

        func rows(_ projection: String, _ sql: String) throws -> [Row] {
            try DatabaseQueue(path: projector.path(projection)).read { try Row.fetchAll($0, sql: sql) }
        }
    }

    static let photo = Base64.encode(PortraitJPEG.make(width: 295, height: 413, seed: 1, sizeRange: 44_000...78_000))

    static func command(
        _ name: String,
        _ target: String,
        _ id: String,
        at: String,
        role: String,
        data: String?
    ) -> String {
        "{\"command\":\"\(name)\",\"\(target)\":\"\(id)\",\"at\":\"\(at)\",\"actor\":{\"id\":\"\(role)-1\",\"role\":\"\(role)\"}"
            + (data.map { ",\"data\":\($0)" } ?? "") + "}"
    }

    static func apply(_ c: String, name: String, number: String, birth: String, at: String) -> String {
        command(
            "apply",
            "case",
            c,
            at: at,
            role: "portal",
            data: """
                {"batch":"2024-04","occupation":"blockchain-operator","level":4,"candidate":{"name":"\(name)","birthDate":"\(birth)","region":"mainland","idDocument":{"type":"resident-id-card","number":"\(number)"},"contact":{"channel":"wechat","address":"wx"}},"photo":{"jpegBase64":"\(photo)"},"eligibility":{"condition":"graduate","schoolLevel":"undergraduate","major":"computer","evidence":[{"kind":"diploma","reference":"D"}]}}
                """
        )
    }

    /// Two cases: one certified with a resolved complaint, one withdrawn and refunded.
    static var fixedHistory: [String] {
        let a = "2024-04-000001"
        let b = "2024-04-000002"
        return [
            command(
                "schedule-batch",
                "batch",
                "2024-04",
                at: "2024-01-08T09:00:00+08:00",
                role: "admin",
                data: #"{"examStartsAt":"2024-04-20T09:00:00+08:00","occupations":["blockchain-operator"]}"#
            ),
            apply(a, name: "张伟", number: "110101199506011232", birth: "1995-06-01", at: "2024-03-02T10:00:00+08:00"),
            apply(b, name: "欧阳子涵", number: "110101200803020018", birth: "2008-03-02", at: "2024-03-02T11:00:00+08:00"),
            command(
                "verify-documents",
                "case",
                a,
                at: "2024-03-03T10:00:00+08:00",
                role: "registrar",
                data:
                    #"{"outcome":"approved","checks":{"identityMatches":true,"photoCompliant":true,"eligibilityEvidence":true}}"#
            ),
            command(
                "record-payment",
                "case",
                a,
                at: "2024-03-03T23:30:00+08:00",
                role: "payments",
                data: #"{"paymentRef":"P1","amountYuan":160,"subjects":["theory","skill"]}"#
            ),
            command(
                "record-payment",
                "case",
                b,
                at: "2024-03-04T09:00:00+08:00",
                role: "payments",
                data: #"{"paymentRef":"P2","amountYuan":160,"subjects":["theory","skill"]}"#
            ),
            command(
                "withdraw",
                "case",
                b,
                at: "2024-03-05T09:00:00+08:00",
                role: "portal",
                data: #"{"reason":"moved"}"#
            ),
            command(
                "refund",
                "case",
                b,
                at: "2024-03-06T09:00:00+08:00",
                role: "payments",
                data: #"{"paymentRef":"P2","amountYuan":160,"reason":"withdrawn"}"#
            ),
            command(
                "send-ticket",
                "case",
                a,
                at: "2024-04-10T09:00:00+08:00",
                role: "examiner",
                data: #"{"ticketNumber":"T1","channel":"wechat"}"#
            ),
            command(
                "record-score",
                "case",
                a,
                at: "2024-04-22T09:00:00+08:00",
                role: "examiner",
                data: #"{"subject":"theory","score":58}"#
            ),
            command(
                "record-score",
                "case",
                a,
                at: "2024-04-22T10:00:00+08:00",
                role: "examiner",
                data: #"{"subject":"skill","score":75}"#
            ),
            command(
                "lodge-complaint",
                "case",
                a,
                at: "2024-04-23T09:00:00+08:00",
                role: "supervisor",
                data: #"{"complaintId":"K1","channel":"phone","category":"score","summary":"re-mark"}"#
            ),
            command(
                "correct-score",
                "case",
                a,
                at: "2024-04-24T09:00:00+08:00",
                role: "supervisor",
                data: #"{"subject":"theory","score":60,"complaintId":"K1","reason":"re-marked"}"#
            ),
            command(
                "resolve-complaint",
                "case",
                a,
                at: "2024-04-25T09:00:00+08:00",
                role: "supervisor",
                data: #"{"complaintId":"K1","outcome":"upheld","resolution":"corrected"}"#
            ),
            command("publish-scores", "batch", "2024-04", at: "2024-04-30T09:00:00+08:00", role: "examiner", data: nil),
            command(
                "certify",
                "case",
                a,
                at: "2024-05-10T09:00:00+08:00",
                role: "certifier",
                data: #"{"certificateNumber":"Z1"}"#
            ),
        ]
    }

    @Test func eachReadModelHoldsWhatTheFixedHistorySays() throws {
        let s = try Scratch()
        #expect(s.submit(Self.fixedHistory).allSatisfy { $0.ok })
        #expect(try s.projector.catchUp() == 16 * Projector.names.count)
        let timeline = try s.rows(
            "timelines",
            "SELECT case_id, version, type, actor_role, summary FROM timeline ORDER BY position"
        )
        #expect(timeline.count == 14)
        #expect(timeline.filter { $0["case_id"] == "2024-04-000001" }.map { $0["version"] as Int } == Array(1...10))
        #expect(timeline.last?["summary"] == "certified: certificate Z1 sent by wechat")
        let certificates = try s.rows("certificates", "SELECT * FROM certificates")
        #expect(certificates.count == 1)
        #expect(certificates[0]["number"] == "Z1" && certificates[0]["issued_on"] == "2024-05-10")
        #expect(certificates[0]["holder"] == "张* 110101********1232")
        let complaints = try s.rows("complaints", "SELECT * FROM complaints")
        #expect(complaints.count == 1 && complaints[0]["status"] == "resolved" && complaints[0]["outcome"] == "upheld")
        #expect(complaints[0]["lodged_on"] == "2024-04-23" && complaints[0]["resolved_on"] == "2024-04-25")
        let revenue = try s.rows("revenue", "SELECT day, paid_yuan, refunded_yuan FROM revenue ORDER BY day")
        // 23:30 on 3 March in Shanghai is still the 3rd; the refund falls on the 6th.
        #expect(revenue.map { $0["day"] as String } == ["2024-03-03", "2024-03-04", "2024-03-06"])
        #expect(revenue.map { $0["paid_yuan"] as Int } == [160, 160, 0])
        #expect(revenue.map { $0["refunded_yuan"] as Int } == [0, 0, 160])
        // A second catch-up applies nothing: exactly once.
        #expect(try s.projector.catchUp() == 0)
        let report = try Report.run("revenue", filters: Report.Filters(), projector: s.projector, today: "2024-06-01")
        #expect(
            report.rows.last == [
                .text("2024-04"), .text("blockchain-operator"), .text("2024-03-06"), .int(0), .int(160), .int(-160),
            ]
        )
    }

    @Test func incrementalCatchUpEqualsAFullRebuild() throws {
        let s = try Scratch()
        let lines = Array(CommandWorkload(cases: 90, seed: 11)).map { String(decoding: $0, as: UTF8.self) }
        let third = lines.count / 3
        for chunk in [lines[..<third], lines[third..<(2 * third)], lines[(2 * third)...]] {
            s.submit(Array(chunk))
            try s.projector.catchUp()
        }
        let live = try s.projector.status()
        #expect(live.allSatisfy { $0.lag == 0 && $0.position == s.store.log.lastPosition })
        #expect(try s.projector.check().isEmpty)
        try s.projector.rebuild()
        let rebuilt = try s.projector.status()
        for (a, b) in zip(live, rebuilt) {
            #expect(a.fingerprints.map(\.fingerprint) == b.fingerprints.map(\.fingerprint), "\(a.name)")
        }
        // Rebuilding twice gives identical content.
        try s.projector.rebuild()
        #expect(
            try s.projector.status().map { $0.fingerprints.map(\.fingerprint) }
                == rebuilt.map { $0.fingerprints.map(\.fingerprint) }
        )
    }

    /// Random histories fed in random chunks, on one thread or a thread per projection, in
    /// small batches and transactions: the live models always equal a fresh rebuild.
    @Test(arguments: [3, 17, 29]) func catchUpInRandomChunksEqualsARebuildOnAnyThreading(seed: UInt64) throws {
        let s = try Scratch()
        var random = SeededGenerator(seed: seed)
        let lines = Array(CommandWorkload(cases: 40, seed: seed)).map { String(decoding: $0, as: UTF8.self) }
        // One projector kept across catch-ups (its projections keep their caches) or a new one
        // each time (they fold cases from the log).
        let kept = s.projector
        var next = 0
        while next < lines.count {
            let end = min(lines.count, next + Int.random(in: 1...120, using: &random))
            s.submit(Array(lines[next..<end]))
            next = end
            let projector = Bool.random(using: &random) ? kept : s.projector
            projector.batchSize = Int.random(in: 1...40, using: &random)
            projector.parallelThreshold = Bool.random(using: &random) ? 0 : .max
            try projector.catchUp()
        }
        let live = try s.projector.status()
        let projector = s.projector
        projector.batchSize = 25
        projector.eventsPerBuildTransaction = 60
        projector.parallelThreshold = 0
        try projector.rebuild()
        let rebuilt = try projector.status()
        for (a, b) in zip(live, rebuilt) {
            #expect(a.position == b.position)
            #expect(a.fingerprints.map(\.fingerprint) == b.fingerprints.map(\.fingerprint), "\(a.name)")
        }
    }

    /// Two catch-ups of the same models at once (two commands run together): each waits for
    /// the other's transaction and goes on from its checkpoint, so no event is applied twice.
    @Test func twoCatchUpsAtOnceApplyEachEventOnce() throws {
        let s = try Scratch()
        s.submit(Array(CommandWorkload(cases: 50, seed: 21)).map { String(decoding: $0, as: UTF8.self) })
        let projectors = [s.projector, s.projector]
        for (i, p) in projectors.enumerated() {
            p.batchSize = 17 + i * 6
            p.parallelThreshold = i == 0 ? 0 : .max
        }
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            do { try projectors[i].catchUp() } catch { failures.add("\(error)") }
        }
        #expect(failures.all.isEmpty)
        let differences = try s.projector.check()
        #expect(differences.isEmpty, "\(differences)")
    }

    final class Failures: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        func add(_ failure: String) { lock.withLock { list.append(failure) } }
        var all: [String] { lock.withLock { list } }
    }

    @Test func anInterruptedRebuildLeavesTheOldModelServing() throws {
        let s = try Scratch()
        #expect(s.submit(Self.fixedHistory).allSatisfy { $0.ok })
        try s.projector.catchUp()
        let before = try s.projector.status()
        // A crash mid-rebuild leaves a half-written file beside the live one.
        let building = s.projector.path("revenue") + ".building"
        try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: building))
        #expect(try s.projector.status().map(\.fingerprints.count) == before.map(\.fingerprints.count))
        #expect(try s.rows("revenue", "SELECT COUNT(*) AS n FROM revenue")[0]["n"] == 3)
        // The next rebuild starts afresh and swaps in a model equal to the old one.
        try s.projector.rebuild(["revenue"])
        #expect(!FileManager.default.fileExists(atPath: building))
        let revenue = { (statuses: [Projector.Status]) in
            statuses.first { $0.name == "revenue" }!.fingerprints.map(\.fingerprint)
        }
        #expect(try revenue(s.projector.status()) == revenue(before))
    }

    @Test func aBuildAsOfAPositionEqualsARebuildOfTheLogCutThere() throws {
        let s = try Scratch()
        #expect(s.submit(Self.fixedHistory).allSatisfy { $0.ok })
        let cut: UInt64 = 9
        let asOf = s.root + "/revenue-asof.sqlite"
        try s.projector.build("revenue", through: cut, at: asOf)
        // The same log cut at position 9, in another store: export, keep 9 lines, import.
        var bytes: [UInt8] = []
        _ = try Exporter.export(s.store.log, keys: s.store.personalKeys, write: { bytes += $0 })
        let kept =
            String(decoding: bytes, as: UTF8.self).split(separator: "\n").prefix(Int(cut)).joined(separator: "\n")
            + "\n"
        let other = try Scratch()
        let file = other.root + "/cut.jsonl"
        try kept.write(toFile: file, atomically: true, encoding: .utf8)
        var reader = try LineReader.file(file)
        _ = try Importer.append(&reader, to: other.store)
        reader.close()
        try other.projector.rebuild(["revenue"])
        let revenue = RevenueProjection()
        let a = try Projector.fingerprints(revenue, try DatabaseQueue(path: asOf))
        let b = try Projector.fingerprints(revenue, try DatabaseQueue(path: other.projector.path("revenue")))
        #expect(a.map(\.fingerprint) == b.map(\.fingerprint))
        #expect(try Projector.checkpoint(try DatabaseQueue(path: asOf)) == cut)
    }

    @Test func noProjectionFileHoldsAFullIdentityNumberOrName() throws {
        let s = try Scratch()
        #expect(s.submit(Self.fixedHistory).allSatisfy { $0.ok })
        func scan() throws {
            // Every file of every model, write-ahead logs included.
            let directory = s.path + "/projections"
            for file in try FileManager.default.contentsOfDirectory(atPath: directory) {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
                // Names are what search finds candidates by, and the case view and the timeline's
                // events show them; nowhere else (no report selects them).
                let showsNames = ["search.", "cases.", "timelines."].contains { file.hasPrefix($0) }
                let secrets = ["110101199506011232", "110101200803020018"] + (showsNames ? [] : ["张伟", "欧阳子涵"])
                for secret in secrets {
                    #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) in \(file)")
                }
            }
        }
        try s.projector.catchUp()
        try scan()
        try s.projector.rebuild()
        try scan()
    }

    /// A model file ahead of its log (the log restored from an older backup, or cut back) and
    /// one written by another schema version are reported, not read, and rebuilt before they
    /// are next fed.
    @Test func aModelAheadOfTheLogOrOfAnotherSchemaIsRebuilt() throws {
        let lines = Array(CommandWorkload(cases: 12, seed: 5)).map { String(decoding: $0, as: UTF8.self) }
        let ahead = try Scratch()
        ahead.submit(lines)
        try ahead.projector.catchUp()
        // The same commands, fewer of them: a log that is a prefix of the one the models saw.
        let behind = try Scratch()
        behind.submit(Array(lines.prefix(lines.count / 2)))
        try? FileManager.default.removeItem(atPath: behind.path + "/projections")
        try FileManager.default.copyItem(atPath: ahead.path + "/projections", toPath: behind.path + "/projections")
        let before = try behind.projector.status()
        let last = behind.store.log.lastPosition
        #expect(before.allSatisfy { $0.position > last })
        #expect(before.allSatisfy { $0.rebuildReason?.contains("ahead of the log") == true })
        try behind.projector.catchUp()
        let after = try behind.projector.status()
        #expect(after.allSatisfy { $0.position == last && $0.rebuildReason == nil })
        #expect(try behind.projector.check().isEmpty)
        // A file of another schema version.
        let queue = try DatabaseQueue(path: behind.projector.path("revenue"))
        try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA user_version = 99") }
        try queue.close()
        let stale = try behind.projector.status().first { $0.name == "revenue" }
        #expect(stale?.fileSchemaVersion == 99 && stale?.rebuildReason?.contains("schema version 99") == true)
        try behind.projector.catchUp()
        let fixed = try behind.projector.status().first { $0.name == "revenue" }
        #expect(fixed?.fileSchemaVersion == RevenueProjection().schemaVersion && fixed?.rebuildReason == nil)
    }

    /// A server shutting down interrupts a catch-up between transactions: what was applied is
    /// whole, and the next catch-up goes on from there.
    @Test func anInterruptedCatchUpStopsBetweenTransactionsAndResumes() throws {
        let s = try Scratch()
        s.submit(Array(CommandWorkload(cases: 12, seed: 6)).map { String(decoding: $0, as: UTF8.self) })
        let interrupted = s.projector
        interrupted.interruptFeeds()
        #expect(try interrupted.catchUp() == 0)
        #expect(throws: ProjectionError.self) { try interrupted.rebuild(["revenue"]) }
        let fresh = s.projector
        try fresh.catchUp()
        #expect(try fresh.status().allSatisfy { $0.lag == 0 })
        #expect(try fresh.check().isEmpty)
    }

    @Test func anUnknownProjectionIsRefusedWithTheKnownNames() throws {
        let s = try Scratch()
        do {
            _ = try s.projector.select(["revenue", "nope"])
            Issue.record("an unknown projection was accepted")
        } catch {
            #expect(error.code == .unknownProjection && error.message.contains("timelines"))
        }
    }

    @Test func searchFindsANameFragmentOrAFullNumberButNeverAPartialOne() throws {
        let s = try Scratch()
        #expect(s.submit(Self.fixedHistory).allSatisfy { $0.ok })
        try s.projector.catchUp()
        let search = try s.projector.select(["search"])[0] as! CandidateSearchProjection
        let byName = try s.rows("search", "SELECT case_id, id_masked FROM candidates WHERE name LIKE '%子涵%'")
        #expect(byName.map { $0["case_id"] as String } == ["2024-04-000002"])
        #expect(byName.first?["id_masked"] == "110101********0018")
        let hash = try #require(try search.hash("110101199506011232"))
        #expect(try s.rows("search", "SELECT case_id FROM candidates WHERE id_hash = '\(hash)'").count == 1)
        #expect(try search.hash("110101199506011232") != search.hash("11010119950601123"))
        // The key is the store's: rebuilds keep the same hashes; another store's differ.
        try s.projector.rebuild(["search"])
        #expect(try s.rows("search", "SELECT case_id FROM candidates WHERE id_hash = '\(hash)'").count == 1)
        let other = try Scratch()
        let otherSearch = try other.projector.select(["search"])[0] as! CandidateSearchProjection
        #expect(try otherSearch.hash("110101199506011232") != hash)
    }

    @Test func theCasesModelHoldsEachCaseViewAndItsStatusOverTime() throws {
        let s = try Scratch()
        #expect(s.submit(Self.fixedHistory).allSatisfy { $0.ok })
        try s.projector.catchUp()
        let cases = try s.rows("cases", "SELECT * FROM cases ORDER BY case_id")
        #expect(cases.count == 2)
        let a = cases[0]
        let b = cases[1]
        #expect(a["status"] as String == "certified")
        #expect(a["theory_score"] as Int == 60)
        #expect(a["skill_score"] as Int == 75)
        #expect(a["certificate_number"] as String == "Z1")
        #expect(a["paid_yuan"] as Int == 160)
        #expect(a["open_complaints"] as Int == 0)
        #expect(a["applied_on"] as String == "2024-03-02")
        #expect(b["status"] as String == "withdrawn")
        #expect(b["refunded_yuan"] as Int == 160)
        #expect(b["findings"] as String == "")
        #expect(b["version"] as Int == 4)
    }

    @Test func aRescheduleReturnsTicketedCasesToApprovedAndAKeptPassLapses() throws {
        let s = try Scratch()
        let c = "2024-04-000001"
        var lines = Array(Self.fixedHistory.prefix(2))  // the batch and case A's application
        lines.append(Self.fixedHistory[3])  // approved
        lines.append(Self.fixedHistory[4])  // paid
        lines.append(Self.fixedHistory[8])  // ticket
        #expect(s.submit(lines).allSatisfy { $0.ok })
        try s.projector.catchUp()
        #expect(try s.rows("cases", "SELECT status FROM cases")[0]["status"] == "ticketed")
        s.submit([
            Self.command(
                "reschedule-batch",
                "batch",
                "2024-04",
                at: "2024-04-12T09:00:00+08:00",
                role: "admin",
                data: #"{"examStartsAt":"2024-04-27T09:00:00+08:00","reason":"typhoon"}"#
            )
        ])
        try s.projector.catchUp()
        #expect(try s.rows("cases", "SELECT status FROM cases")[0]["status"] == "approved")
        // A new ticket, one pass and one fail: retake-eligible until 2025-04-27, failed after.
        #expect(
            s.submit([
                Self.command(
                    "send-ticket",
                    "case",
                    c,
                    at: "2024-04-13T09:00:00+08:00",
                    role: "examiner",
                    data: #"{"ticketNumber":"T2","channel":"wechat"}"#
                ),
                Self.command(
                    "record-score",
                    "case",
                    c,
                    at: "2024-04-28T09:00:00+08:00",
                    role: "examiner",
                    data: #"{"subject":"theory","score":40}"#
                ),
                Self.command(
                    "record-score",
                    "case",
                    c,
                    at: "2024-04-28T10:00:00+08:00",
                    role: "examiner",
                    data: #"{"subject":"skill","score":90}"#
                ),
            ]).allSatisfy { $0.ok }
        )
        try s.projector.catchUp()
        let row = try s.rows("cases", "SELECT status, lapses_on FROM cases")[0]
        #expect(row["status"] as String == "retake-eligible")
        #expect(row["lapses_on"] as String? == "2025-04-28")
        func status(on day: String) throws -> Report.Value? {
            try Report.run("cases", filters: Report.Filters(), projector: s.projector, today: day).rows.first?[2]
        }
        #expect(try status(on: "2025-04-27") == .text("retake-eligible"))
        #expect(try status(on: "2025-04-28") == .text("failed"))
        // The retakes model: theory owed, the skill pass kept through 2025-04-27 (a year after
        // the rescheduled exam), eligible until then and lapsed after.
        func retake(on day: String, within days: Int? = nil) throws -> [[Report.Value]] {
            var filters = Report.Filters()
            filters.expiringWithinDays = days
            return try Report.run("retakes", filters: filters, projector: s.projector, today: day).rows
        }
        #expect(
            try retake(on: "2025-04-27").first == [
                .text(c), .text("blockchain-operator"), .text("2024-04"), .text("theory"), .text("2025-04-27"), .int(0),
                .text("eligible"), .null,
            ]
        )
        #expect(try retake(on: "2025-04-28").first?[6] == .text("lapsed"))
        // Closing within the next 30 days: from 2025-03-28 on, not on 2025-03-27.
        #expect(try retake(on: "2025-03-28", within: 30).count == 1)
        #expect(try retake(on: "2025-03-27", within: 30).isEmpty)
        #expect(try s.projector.check().isEmpty)
    }
}
