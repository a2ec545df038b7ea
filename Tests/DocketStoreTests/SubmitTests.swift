import Certification
import CertificationWire
import Chronology
import DocketJSON
import DocketStore
import DocketTestSupport
import Foundation
import Testing

@testable import EventLog

/// Commands through the store's write side: results, the order of checks, idempotency and the
/// rules that span cases (SPEC §3, §5).
@Suite struct SubmitTests {
    static let april = Line.schedule("2024-04", examStartsAt: "2024-04-20T09:00:00+08:00")

    @Test func aCaseRunsFromApplicationToCertificateWithDensePositionsAndVersions() throws {
        let t = try TemporaryStore()
        let lines =
            [Self.april] + Line.happyPath("2024-04-000001", n: 1, number: "110101199506011232") + [
                Line.publish("2024-04"), Line.certify("2024-04-000001", number: "Z-1"),
            ]
        let outcomes = t.submit(lines)
        #expect(outcomes.map(\.code) == Array(repeating: nil, count: lines.count))
        #expect(outcomes.flatMap(\.events).map(\.position) == Array(1...UInt64(lines.count)))
        let caseEvents = outcomes.filter { $0.stream == "case-2024-04-000001" }.flatMap(\.events)
        #expect(caseEvents.map(\.version) == Array(1...UInt64(caseEvents.count)))
        #expect(caseEvents.first?.type == "Applied" && caseEvents.last?.type == "Certified")
        let view = try t.view("2024-04-000001")
        #expect(view.status == .certified)
        let json = view.json(.masked)
        #expect(json["paidYuan"] == .int(160))
        #expect(json["candidate"]?["idDocument"]?["number"] == .string("110101********1232"))
        #expect(json["subjects"]?["skill"]?["passed"] == .bool(true))
        // The photo is stored under its SHA-256, and the event keeps only its facts.
        let applied = try t.store.log.event(at: 2)
        let photo = try JSONParser.parse(RecordedDomainEvent(applied, keys: t.store.personalKeys).payload)["photo"]!
        let sha = photo["sha256"]!.stringValue!
        #expect(t.store.photos.isIntact(sha256: sha))
        #expect(photo["widthPx"] == .int(295) && photo["heightPx"] == .int(413))
        #expect(try t.store.photos.bytes(sha256: sha)?.count == photo["bytes"]?.intValue)
    }

    @Test func aRetriedCommandGetsTheFirstResultAndAnotherCommandUnderItsIDIsRefused() throws {
        let t = try TemporaryStore()
        t.submit(Self.april)
        let first = t.submit(Line.pay("x", ref: "P"))  // refused: no case; its id is not reserved
        #expect(first.code == "case-not-found")
        let apply = Line.apply("2024-04-000001", id: "c-1")
        let accepted = t.submit(apply)
        #expect(accepted.ok && accepted.events.map(\.position) == [2])
        // The same command with its keys in another order: the first result, nothing appended.
        let reordered = try JSONParser.parse(apply)
        guard case .object(let object) = reordered else { return }
        let shuffled = JSONWriter.string(.object(JSONObject(object.members.reversed())))
        let retry = t.submit(shuffled)
        #expect(retry.ok && retry.events == accepted.events && retry.commandID == "c-1")
        #expect(t.store.log.lastPosition == 2)
        let other = t.submit(Line.apply("2024-04-000002", id: "c-1", number: "110101200803020018"))
        #expect(other.code == "command-id-reused" && other.rejection?.field == "commandId")
        // After reopening, the log's key index still knows the id.
        try t.reopen()
        #expect(t.submit(shuffled).events == accepted.events)
        #expect(
            t.submit(Line.apply("2024-04-000003", id: "c-1", number: "110101200803020018")).code == "command-id-reused"
        )
        #expect(t.store.log.lastPosition == 2)
    }

    @Test func aRetryInTheSameBatchIsAnsweredWithTheFirstResult() throws {
        let t = try TemporaryStore()
        let apply = Line.apply("2024-04-000001", id: "same")
        let outcomes = t.submit([Self.april, apply, apply])
        #expect(outcomes.map(\.ok) == [true, true, true])
        #expect(outcomes[1].events == outcomes[2].events)
        #expect(t.store.log.lastPosition == 2)
    }

    @Test func aRefusedCommandsIDIsFreeForTheNextCommand() throws {
        let t = try TemporaryStore()
        t.submit(Self.april)
        #expect(
            t.submit(Line.apply("2024-04-000001", id: "k", number: "110101199506011233")).code == "id-number-invalid"
        )
        #expect(t.submit(Line.apply("2024-04-000001", id: "k")).ok)
    }

    @Test func theEnvelopeIsCheckedFirstAndUnparseableLinesHaveNoIDOrStream() throws {
        let t = try TemporaryStore()
        let garbage = t.submit("{\"command\":")
        #expect(garbage.code == "invalid-json" && garbage.commandID == nil && garbage.stream == nil)
        let unknown = t.submit(
            Line.command(
                "promote",
                id: "u1",
                ("case", "c1"),
                at: "2024-03-01T00:00:00+08:00",
                actor: ("a", "portal"),
                data: "{}"
            )
        )
        #expect(unknown.code == "unknown-command" && unknown.commandID == nil && unknown.stream == nil)
        let noAt = t.submit(
            "{\"command\":\"withdraw\",\"commandId\":\"n1\",\"case\":\"c1\",\"actor\":{\"id\":\"a\",\"role\":\"portal\"},\"data\":{}}"
        )
        #expect(
            noAt.code == "missing-field" && noAt.rejection?.field == "at" && noAt.commandID == "n1"
                && noAt.stream == "case-c1"
        )
        let badID = t.submit(Line.withdraw("bad id!"))
        #expect(badID.code == "invalid-field" && badID.rejection?.field == "case")
        let badTime = t.submit(Line.withdraw("c1", at: "2024-03-06 10:00"))
        #expect(badTime.code == "invalid-field" && badTime.rejection?.field == "at")
    }

    @Test func theRoleComesBeforeTheTargetAndTheTargetBeforeTimeAndVersion() throws {
        let t = try TemporaryStore()
        t.submit(Self.april)
        // Wrong role on a missing case: the role is reported.
        let wrongRole = t.submit(Line.on("nope", "withdraw", "payments", at: "2024-03-06T10:00:00+08:00", data: "{}"))
        #expect(wrongRole.code == "role-not-allowed" && wrongRole.rejection?.field == "actor.role")
        let unknownRole = t.submit(Line.on("nope", "withdraw", "janitor", at: "2024-03-06T10:00:00+08:00", data: "{}"))
        #expect(unknownRole.code == "role-not-allowed")
        // Right role, missing case, bad data: the missing case is reported.
        #expect(
            t.submit(Line.on("nope", "withdraw", "portal", at: "2024-03-06T10:00:00+08:00", data: "{}")).code
                == "case-not-found"
        )
        #expect(t.submit(Line.apply("2024-04-000001")).ok)
        #expect(t.submit(Line.apply("2024-04-000001")).code == "case-exists")
        #expect(t.submit(Self.april).code == "batch-exists")
        // Earlier than the case's latest event: out-of-order, even with bad data.
        let early = t.submit(
            Line.on("2024-04-000001", "withdraw", "portal", at: "2024-03-01T10:00:00+08:00", data: "{}")
        )
        #expect(early.code == "out-of-order" && early.rejection?.field == "at")
        // The same instant is accepted.
        let conflict = Line.command(
            "withdraw",
            ("case", "2024-04-000001"),
            at: "2024-03-02T10:15:00+08:00",
            actor: ("p", "portal"),
            expectedVersion: 3,
            data: "{}"
        )
        #expect(t.submit(conflict).code == "version-conflict")
        let shapes = Line.command(
            "withdraw",
            ("case", "2024-04-000001"),
            at: "2024-03-02T10:15:00+08:00",
            actor: ("p", "portal"),
            expectedVersion: 1,
            data: "{}"
        )
        let missing = t.submit(shapes)
        #expect(missing.code == "missing-field" && missing.rejection?.field == "data.reason")
        #expect(t.submit(Line.withdraw("2024-04-000001", at: "2024-03-02T10:15:00+08:00")).ok)
    }

    @Test func shapeErrorsNameTheJSONPath() throws {
        let t = try TemporaryStore()
        t.submit(Self.april)
        #expect(t.submit(Line.apply("2024-04-000001")).ok)
        let score = t.submit(
            Line.on(
                "2024-04-000001",
                "record-payment",
                "payments",
                at: "2024-03-05T10:00:00+08:00",
                data: "{\"paymentRef\":\"P\",\"amountYuan\":\"160\",\"subjects\":[\"theory\"]}"
            )
        )
        #expect(score.code == "invalid-field" && score.rejection?.field == "data.amountYuan")
        let subject = t.submit(Line.pay("2024-04-000001", ref: "P", subjects: "[\"theory\",\"maths\"]"))
        #expect(subject.code == "invalid-field" && subject.rejection?.field == "data.subjects[1]")
        let evidence = t.submit(
            Line.apply("2024-04-000002", number: "110101200803020018").replacingOccurrences(
                of: "chsi-verification-code",
                with: "selfie"
            )
        )
        #expect(evidence.code == "invalid-field" && evidence.rejection?.field == "data.eligibility.evidence[0].kind")
    }

    @Test func onePersonHasOneOpenCasePerOccupationUntilItCloses() throws {
        let t = try TemporaryStore()
        t.submit(Self.april)
        #expect(t.submit(Line.apply("2024-04-000001")).ok)
        let duplicate = t.submit(Line.apply("2024-04-000002", at: "2024-03-03T10:00:00+08:00"))
        #expect(duplicate.code == "duplicate-application")
        #expect(t.submit(Line.withdraw("2024-04-000001")).ok)
        #expect(t.submit(Line.apply("2024-04-000002", at: "2024-03-07T10:00:00+08:00")).ok)
        // Rebuilt from the log on reopen: the open case still blocks a third.
        try t.reopen()
        #expect(t.submit(Line.apply("2024-04-000003", at: "2024-03-08T10:00:00+08:00")).code == "duplicate-application")
    }

    @Test func referencesNumbersAndComplaintIDsAreUniqueAcrossCases() throws {
        let t = try TemporaryStore()
        var lines = [Self.april]
        lines += Line.happyPath("2024-04-000001", n: 1, number: "110101199506011232")
        lines += Line.happyPath("2024-04-000002", n: 2, number: "110101200803020018").prefix(2)
        lines += [Line.publish("2024-04"), Line.certify("2024-04-000001", number: "Z-1")]
        lines += [Line.complaint("2024-04-000001", id: "CP-1", at: "2024-05-11T10:00:00+08:00")]
        #expect(t.submit(lines).allSatisfy { $0.ok })
        try t.reopen()  // every index below is rebuilt from the log
        #expect(t.submit(Line.pay("2024-04-000002", ref: "PAY-1")).code == "payment-ref-reused")
        #expect(t.submit(Line.pay("2024-04-000002", ref: "PAY-2")).ok)
        #expect(t.submit(Line.pay("2024-04-000002", ref: "PAY-2", at: "2024-03-06T10:00:00+08:00")).events.isEmpty)
        #expect(t.submit(Line.ticket("2024-04-000002", number: "T-1")).code == "ticket-number-taken")
        #expect(t.submit(Line.ticket("2024-04-000002", number: "T-2")).ok)
        #expect(t.submit(Line.complaint("2024-04-000002", id: "CP-1")).code == "complaint-exists")
        t.submit(Line.score("2024-04-000002", "theory", 90))
        t.submit(Line.score("2024-04-000002", "skill", 90))
        #expect(t.submit(Line.certify("2024-04-000002", number: "Z-1")).code == "certificate-number-taken")
        #expect(t.submit(Line.certify("2024-04-000002", number: "Z-2")).ok)
    }

    @Test func aRescheduleVoidsTicketsAndIsRefusedOnceAScoreExists() throws {
        let t = try TemporaryStore()
        let c = "2024-04-000001"
        #expect(
            t.submit([Self.april] + Line.happyPath(c, n: 1, number: "110101199506011232").prefix(4)).allSatisfy {
                $0.ok
            }
        )
        let reschedule = Line.command(
            "reschedule-batch",
            ("batch", "2024-04"),
            at: "2024-04-12T10:00:00+08:00",
            actor: ("admin-01", "admin"),
            data: "{\"examStartsAt\":\"2024-04-27T09:00:00+08:00\",\"reason\":\"typhoon\"}"
        )
        #expect(t.submit(reschedule).ok)
        #expect(
            try t.view(c).status == .approved
        )
        #expect(t.submit(Line.score(c, "theory", 70, at: "2024-04-27T10:00:00+08:00")).code == "no-ticket")
        #expect(t.submit(Line.ticket(c, number: "T-1b", at: "2024-04-13T10:00:00+08:00")).ok)
        #expect(t.submit(Line.score(c, "theory", 70, at: "2024-04-27T10:00:00+08:00")).ok)
        let again = reschedule.replacingOccurrences(of: "2024-04-12T10", with: "2024-04-28T10")
            .replacingOccurrences(of: "2024-04-27T09", with: "2024-05-04T09")
        #expect(t.submit(again).code == "scores-exist")
    }

    @Test func aTinyCaseCacheDecidesExactlyAsALargeOne() throws {
        // 40 cases through a cache of 16: most decisions read their case back from the log,
        // some while other cases' events are still in flight.
        var small = DocketStore.Options()
        small.caseCacheCapacity = 16
        let tiny = try TemporaryStore(options: small)
        let large = try TemporaryStore()
        var lines = [Self.april]
        for n in 0..<40 {
            let number = "1101011995060" + String(format: "%04d", 1000 + n)
            let body = Array(number.utf8).prefix(17)
            let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
            let sum = zip(body, weights).reduce(0) { $0 + Int($1.0 - 48) * $1.1 }
            let id = String(decoding: body, as: UTF8.self) + String(Array("10X98765432")[sum % 11])
            lines += Line.happyPath(String(format: "2024-04-%06d", n), n: n, number: id)
        }
        // Interleave: every case's first step, then every case's second step, and so on.
        let steps = 6
        var interleaved = [lines[0]]
        for step in 0..<steps {
            for n in 0..<40 { interleaved.append(lines[1 + n * steps + step]) }
        }
        let a = tiny.submit(interleaved)
        let b = large.submit(interleaved)
        #expect(a.map(\.code) == b.map(\.code))
        #expect(a.map(\.events) == b.map(\.events))
        #expect(a.filter(\.ok).count == interleaved.count)
    }

    @Test func concurrentSubmittersCannotOpenTwoCasesForOnePerson() throws {
        let t = try TemporaryStore()
        t.submit(Self.april)
        let store = t.store
        let results = Outcomes(count: 8)
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            results.set(i, store.submitAndWait(Array(Line.apply("2024-04-00000\(i)").utf8)))
        }
        let outcomes = results.wait()
        #expect(outcomes.filter(\.ok).count == 1)
        #expect(outcomes.filter { $0.code == "duplicate-application" }.count == 7)
        #expect(t.store.log.lastPosition == 2)
    }
}

/// A failed sync stops the store: the command whose sync failed and every later one get
/// `store-failed`, nothing is acknowledged that is not durable, and a reopened store carries on.
@Suite struct StoreFailureTests {
    @Test func aFailedSyncAcknowledgesNothingAndStopsTheWriteSide() throws {
        let t = try TemporaryStore()
        #expect(t.submit(Line.schedule("2024-04", examStartsAt: "2024-04-20T09:00:00+08:00")).ok)
        FaultInjection.failNextSyncs(1, under: t.path)
        let failed = t.submit(Line.apply("2024-04-000001"))
        #expect(failed.code == "store-failed" && failed.events.isEmpty)
        let after = t.submit(Line.apply("2024-04-000002", number: "110101200803020018"))
        #expect(after.code == "store-failed")
        // Reopened: the log holds what was acknowledged, and commands are decided again.
        try t.reopen()
        let acknowledged = t.store.log.lastPosition
        #expect(acknowledged >= 1)
        let retried = t.submit(Line.apply("2024-04-000002", number: "110101200803020018"))
        #expect(retried.ok && retried.events.first?.position == acknowledged + 1)
    }
}
