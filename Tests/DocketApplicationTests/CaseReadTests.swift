import Certification
import CertificationWire
import Chronology
import DocketApplication
import DocketJSON
import DocketTestSupport
import Testing

/// Case views, timelines and replays at the two times of a store: given a history, when a
/// moment is asked for, then the answer shows what that moment means.
@Suite struct CaseReadTests {
    static let april = Line.schedule("2024-04", examStartsAt: "2024-04-20T09:00:00+08:00")
    static let c = "2024-04-000001"

    /// A case that applied, was approved, paid and ticketed in March–April 2024; a complaint
    /// about 25 April was entered into the older system only on 1 June.
    static func lateComplaintHistory() throws -> Fixture {
        let lines =
            [april, Line.apply(c), Line.approve(c), Line.pay(c, ref: "P1"), Line.ticket(c, number: "T1")]
            + [Line.complaint(c, id: "K1", at: "2024-04-25T10:00:00+08:00")]
        // Positions: 1 schedule, 2 apply, 3 approve, 4 pay, 5 ticket, 6 complaint.
        let recorded = [
            1: "2024-01-08T09:00:01+08:00", 2: "2024-03-02T10:15:01+08:00", 3: "2024-03-04T10:00:01+08:00",
            4: "2024-03-05T10:00:01+08:00", 5: "2024-04-10T10:00:01+08:00", 6: "2024-06-01T09:00:00+08:00",
        ]
        return try Fixture(lines, recordedAt: { recorded[Int($0)]! })
    }

    @Test func asOfCountsBusinessTimeAndKnownAtCountsRecordedTime() throws {
        let f = try Self.lateComplaintHistory()
        // As of 1 May (business time) the complaint of 25 April had happened…
        let asOf = try f.service.caseView(
            Self.c,
            cut: .asOf(moment("2024-05-01T00:00:00+08:00")),
            disclosure: .masked,
            purpose: .testing
        )
        #expect(asOf.value["complaints"]?.arrayValue?.count == 1)
        #expect(asOf.value["version"]?.intValue == 5)
        // …but the store did not know of it until 1 June.
        let knownAt = try f.service.caseView(
            Self.c,
            cut: .knownAt(moment("2024-05-01T00:00:00+08:00")),
            disclosure: .masked,
            purpose: .testing
        )
        #expect(knownAt.value["complaints"]?.arrayValue?.count == 0)
        #expect(knownAt.value["version"]?.intValue == 4)
        let known = try f.service.caseView(
            Self.c,
            cut: .knownAt(moment("2024-06-01T09:00:00+08:00")),
            disclosure: .masked,
            purpose: .testing
        )
        #expect(known.value["complaints"]?.arrayValue?.count == 1)
        // The status is evaluated at the moment asked for.
        #expect(asOf.value["asOf"]?.stringValue == "2024-05-01T00:00:00+08:00")
    }

    @Test func aMomentBeforeTheLogIsRefusedNamingTheFirstEvent() throws {
        let f = try Self.lateComplaintHistory()
        let business = #expect(throws: DocketError.self) {
            try f.service.caseView(
                Self.c,
                cut: .asOf(moment("2024-01-08T08:59:59+08:00")),
                disclosure: .masked,
                purpose: .testing
            )
        }
        #expect(business?.code == .beforeLog)
        #expect(business?.message.contains("2024-01-08T09:00:00+08:00") == true)
        let recorded = #expect(throws: DocketError.self) {
            try f.service.report("batches", cut: .knownAt(moment("2024-01-08T09:00:00+08:00")))
        }
        #expect(recorded?.code == .beforeLog)
        #expect(recorded?.message.contains("2024-01-08T09:00:01+08:00") == true)
        // At the first event itself, there is something to show.
        #expect(throws: Never.self) {
            try f.service.report("batches", cut: .knownAt(moment("2024-01-08T09:00:01+08:00")))
        }
    }

    @Test func aMomentBeforeTheCaseBeganIsRefusedForThatCase() throws {
        let f = try Self.lateComplaintHistory()
        let error = #expect(throws: DocketError.self) {
            try f.service.caseView(
                Self.c,
                cut: .asOf(moment("2024-03-02T10:14:59+08:00")),
                disclosure: .masked,
                purpose: .testing
            )
        }
        #expect(error?.code == .invalidParameter)
        #expect(error?.message.contains("2024-03-02T10:15:00+08:00") == true)
    }

    @Test(arguments: [
        ("2024-05-01", "2024-05-01T00:00:00+08:00"), ("2024-02-29", "2024-02-29T00:00:00+08:00"),
        ("2024-05-01T09:30:00Z", "2024-05-01T09:30:00Z"),
    ])
    func aPlainDateIsTheStartOfThatDayInShanghai(text: String, expected: String) throws {
        #expect(try Moment.parse(text, name: "--as-of") == moment(expected))
    }

    @Test(arguments: ["2023-02-29", "2024-13-01", "yesterday", "2024-05-01T09:30:00", ""])
    func aMomentThatIsNotOneIsRefusedNamingTheOption(text: String) {
        let error = #expect(throws: DocketError.self) { try Moment.parse(text, name: "--known-at") }
        #expect(error?.code == .invalidParameter)
        #expect(error?.field == "--known-at")
    }

    @Test func bothTimesAtOnceAreRefused() {
        let error = #expect(throws: DocketError.self) { try TimeCut.parse(asOf: "2024-05-01", knownAt: "2024-05-01") }
        #expect(error?.code == .invalidParameter)
    }

    @Test func aVersionShowsTheCaseAfterThatEventAndOthersAreRefused() throws {
        let f = try Fixture([Self.april] + Line.happyPath(Self.c, n: 1, number: "110101199506011232"))
        let statuses = try (1...6).map {
            try f.service.caseView(Self.c, atVersion: UInt64($0), disclosure: .masked, purpose: .testing).value[
                "status"
            ]?.stringValue
        }
        #expect(statuses == ["applied", "approved", "approved", "ticketed", "ticketed", "awaiting-certification"])
        for bad: UInt64 in [0, 7] {
            let error = #expect(throws: DocketError.self) {
                try f.service.caseView(Self.c, atVersion: bad, disclosure: .masked, purpose: .testing)
            }
            #expect(error?.field == "atVersion")
        }
        let missing = #expect(throws: DocketError.self) {
            try f.service.caseView("2024-04-404", disclosure: .masked, purpose: .testing)
        }
        #expect(missing?.code == .caseNotFound)
    }

    @Test func theModelAndTheLogGiveTheSameView() throws {
        let f = try Fixture([Self.april] + Line.happyPath(Self.c, n: 1, number: "110101199506011232"))
        let fromLog = try f.service.caseView(Self.c, disclosure: .masked, purpose: .testing)
        #expect(!fromLog.fromReadModel)
        try f.service.updateReadModels()
        let fromModel = try f.service.caseView(Self.c, disclosure: .masked, purpose: .testing)
        #expect(fromModel.fromReadModel)
        var a = fromLog.value
        var b = fromModel.value
        // The moment differs by the time between the two reads; everything else is the same.
        if case .object(var o) = a {
            o.set("asOf", .null)
            a = .object(o)
        }
        if case .object(var o) = b {
            o.set("asOf", .null)
            b = .object(o)
        }
        #expect(a == b)
    }

    @Test func aTimelineShowsTheRescheduleThatVoidedATicketWithItsReason() throws {
        let reschedule = Line.command(
            "reschedule-batch",
            ("batch", "2024-04"),
            at: "2024-04-12T10:00:00+08:00",
            actor: ("admin-01", "admin"),
            data: #"{"examStartsAt":"2024-04-27T09:00:00+08:00","reason":"typhoon warning"}"#
        )
        let july = Line.schedule("2024-07", examStartsAt: "2024-07-20T09:00:00+08:00")
        let lines =
            [Self.april, july, Line.apply(Self.c), Line.approve(Self.c), Line.pay(Self.c, ref: "P1")]
            + [Line.ticket(Self.c, number: "T1"), reschedule]
            + [Line.ticket(Self.c, number: "T2", at: "2024-04-13T10:00:00+08:00")]
        let f = try Fixture(lines)
        for model in [false, true] {
            if model { try f.service.updateReadModels() }
            let timeline = try f.service.timeline(Self.c, disclosure: .masked, purpose: .testing)
            #expect(
                timeline.map(\.event.type) == [
                    "BatchScheduled", "Applied", "DocumentsVerified", "Paid", "TicketSent", "BatchRescheduled",
                    "TicketSent",
                ]
            )
            #expect(timeline.map(\.source) == [.batch, .case, .case, .case, .case, .batch, .case])
            #expect(timeline[5].summary.contains("typhoon warning"))
            // The July batch, which the case was never in, is not shown.
            #expect(!timeline.contains { $0.event.stream == "batch-2024-07" })
        }
    }

    @Test func aReplayShowsEachStateOnceFoldedInOrder() throws {
        let f = try Fixture([Self.april] + Line.happyPath(Self.c, n: 1, number: "110101199506011232"))
        let steps = try f.service.replay(Self.c, disclosure: .masked, purpose: .testing)
        #expect(steps.map(\.event.version) == [1, 2, 3, 4, 5, 6])
        #expect(steps.map { $0.state["version"]?.intValue } == [1, 2, 3, 4, 5, 6])
        #expect(steps.last?.state["subjects"]?["skill"]?["score"]?.intValue == 60)
        // The replay stops at a moment too.
        let early = try f.service.replay(
            Self.c,
            cut: .asOf(moment("2024-03-04T10:00:00+08:00")),
            disclosure: .masked,
            purpose: .testing
        )
        #expect(early.count == 2)
    }

    @Test func aBatchShowsItsReschedulesAndAnUnknownOneIsNotFound() throws {
        let reschedule = Line.command(
            "reschedule-batch",
            ("batch", "2024-04"),
            at: "2024-04-12T10:00:00+08:00",
            actor: ("admin-01", "admin"),
            data: #"{"examStartsAt":"2024-04-27T09:00:00+08:00","reason":"typhoon warning"}"#
        )
        let f = try Fixture([Self.april, reschedule])
        let batch = try f.service.batch("2024-04")
        #expect(batch.reschedules.map(\.reason) == ["typhoon warning"])
        #expect(batch.json["examStartsAt"]?.stringValue == "2024-04-27T09:00:00+08:00")
        #expect(batch.events.count == 2)
        let missing = #expect(throws: DocketError.self) { try f.service.batch("2024-11") }
        #expect(missing?.code == .batchNotFound)
    }
}
