import Chronology
import Testing

@testable import Certification

/// Ticket, score, correction, retake and certificate rules (SPEC §2, §5), each on both sides of
/// its edge with the exact code.
@Suite struct LaterStepDecisionsTests {
    static func at(_ text: String) -> Timestamp { RFC3339.parse(text)! }
    static let examiner = Actor(id: "exam-office", role: .examiner)
    static let supervisor = Actor(id: "sup-1", role: .supervisor)
    static let portal = Actor(id: "portal", role: .portal)
    static let certifier = Actor(id: "cert", role: .certifier)

    static let paid = CaseEvent.paid(.init(paymentRef: "P1", amountYuan: 160, subjects: [.theory, .skill]))
    static let ticket = CaseEvent.ticketSent(.init(ticketNumber: "T1", channel: .wechat, batch: "2024-04", late: false))
    static func scored(_ subject: Subject, _ score: Int, _ batch: String = "2024-04") -> CaseEvent {
        .scored(.init(subject: subject, score: score, batch: batch))
    }
    static let ready: [CaseEvent] = [EvolveTests.applied, EvolveTests.approved, paid]
    static let sat: [CaseEvent] = ready + [ticket]

    static func state(_ events: [CaseEvent]) -> CaseState { EvolveTests.fold(events) }

    /// Each test's own batches: 2024-04 (exam 2024-04-20 09:00) and 2024-07 (2024-07-20 09:00),
    /// scores of April published unless told otherwise.
    static func context(
        _ actor: Actor,
        at moment: String,
        events: [CaseEvent],
        published: Bool = true,
        ticketOwner: String? = nil,
        certificateOwner: String? = nil,
        complaintOwner: String? = nil
    ) -> CaseContext {
        var batches = CaseStatusTests.batches()
        if published { batches["2024-04"]!.evolve(with: .scoresPublished, at: Fold.anyTime, position: 3) }
        let moment = at(moment)
        let s = state(events)
        return CaseContext(
            at: moment,
            actor: actor,
            status: CaseStatus.of(s, batch: { batches[$0] }, at: moment),
            caseID: "2024-04-000001",
            batch: { batches[$0] },
            caseWithTicketNumber: { _ in ticketOwner },
            caseWithCertificateNumber: { _ in certificateOwner },
            caseWithComplaintID: { _ in complaintOwner }
        )
    }

    static func code(_ result: Result<[CaseEvent], Rejection>) -> RejectionCode? {
        if case .failure(let r) = result { return r.code }
        return nil
    }

    static func sendTicket(
        _ events: [CaseEvent],
        at moment: String,
        number: String = "T1",
        owner: String? = nil
    )
        -> Result<[CaseEvent], Rejection>
    {
        LaterStepDecisions.sendTicket(
            ticketNumber: number,
            channel: .wechat,
            state: state(events),
            context: context(examiner, at: moment, events: events, ticketOwner: owner)
        )
    }

    // MARK: send-ticket

    @Test func aTicketExactlySevenDaysBeforeIsOnTimeAndASecondLaterIsLateButAccepted() throws {
        let onTime = try Self.sendTicket(Self.ready, at: "2024-04-13T09:00:00+08:00").get()
        #expect(onTime == [.ticketSent(.init(ticketNumber: "T1", channel: .wechat, batch: "2024-04", late: false))])
        let late = try Self.sendTicket(Self.ready, at: "2024-04-13T09:00:01+08:00").get()
        #expect(late == [.ticketSent(.init(ticketNumber: "T1", channel: .wechat, batch: "2024-04", late: true))])
    }

    @Test func aTicketNeedsApprovedDocumentsPaymentAndAnExamNotStarted() {
        let t = "2024-04-10T09:00:00+08:00"
        #expect(Self.code(Self.sendTicket([EvolveTests.applied, Self.paid], at: t)) == .notVerified)
        #expect(Self.code(Self.sendTicket([EvolveTests.applied, EvolveTests.approved], at: t)) == .notPaid)
        let rejected = CaseEvent.documentsVerified(
            .init(
                outcome: .rejected,
                identityMatches: false,
                photoCompliant: true,
                eligibilityEvidence: true,
                reasons: ["x"]
            )
        )
        #expect(Self.code(Self.sendTicket([EvolveTests.applied, rejected], at: t)) == .documentsRejected)
        #expect(Self.code(Self.sendTicket(Self.ready, at: "2024-04-20T08:59:59+08:00")) == nil)
        #expect(Self.code(Self.sendTicket(Self.ready, at: "2024-04-20T09:00:00+08:00")) == .examStarted)
    }

    @Test func ticketNumbersAreUniqueAcrossCasesAndGoToTheCandidatesChannel() {
        let t = "2024-04-10T09:00:00+08:00"
        #expect(Self.code(Self.sendTicket(Self.ready, at: t, owner: "2024-04-000002")) == .ticketNumberTaken)
        #expect(Self.code(Self.sendTicket(Self.ready, at: t, owner: "2024-04-000001")) == nil)
        let email = LaterStepDecisions.sendTicket(
            ticketNumber: "T1",
            channel: .email,
            state: Self.state(Self.ready),
            context: Self.context(Self.examiner, at: t, events: Self.ready)
        )
        guard case .failure(let r) = email else {
            Issue.record("a ticket to another channel was accepted")
            return
        }
        #expect(r.code == .invalidField && r.field == "data.channel")
    }

    // MARK: record-score

    static func score(
        _ events: [CaseEvent],
        _ subject: Subject,
        _ value: Int,
        at moment: String
    ) -> Result<
        [CaseEvent], Rejection
    > {
        LaterStepDecisions.recordScore(
            subject: subject,
            score: value,
            state: state(events),
            context: context(examiner, at: moment, events: events)
        )
    }

    @Test func aScoreIsRecordedAtOrAfterTheExamStartOnlyForATicketedSitting() {
        #expect(Self.code(Self.score(Self.sat, .theory, 70, at: "2024-04-20T08:59:59+08:00")) == .examNotHeld)
        #expect(Self.code(Self.score(Self.sat, .theory, 70, at: "2024-04-20T09:00:00+08:00")) == nil)
        #expect(Self.code(Self.score(Self.ready, .theory, 70, at: "2024-04-21T09:00:00+08:00")) == .noTicket)
    }

    @Test(arguments: [
        (-1, RejectionCode.scoreOutOfRange as RejectionCode?), (0, nil), (100, nil), (101, .scoreOutOfRange),
    ])
    func scoresRunFromZeroToAHundred(score: Int, expected: RejectionCode?) {
        #expect(Self.code(Self.score(Self.sat, .skill, score, at: "2024-04-21T09:00:00+08:00")) == expected)
    }

    @Test func oneScorePerSubjectPerSittingAndOnlyForSubjectsSat() throws {
        let scored = Self.sat + [Self.scored(.theory, 70)]
        #expect(Self.code(Self.score(scored, .theory, 71, at: "2024-04-21T09:00:00+08:00")) == .alreadyScored)
        #expect(Self.code(Self.score(scored, .skill, 71, at: "2024-04-21T09:00:00+08:00")) == nil)
        // A retake of theory in July: skill (kept) is not sat again.
        let retake: [CaseEvent] =
            Self.sat + [
                Self.scored(.theory, 50), Self.scored(.skill, 80),
                .retakeRequested(.init(subject: .theory, batch: "2024-07")),
                .paid(.init(paymentRef: "P2", amountYuan: 80, subjects: [.theory])),
                .ticketSent(.init(ticketNumber: "T2", channel: .wechat, batch: "2024-07", late: false)),
            ]
        #expect(Self.code(Self.score(retake, .skill, 90, at: "2024-07-21T09:00:00+08:00")) == .subjectNotSat)
        #expect(
            try Self.score(retake, .theory, 65, at: "2024-07-21T09:00:00+08:00").get() == [
                Self.scored(.theory, 65, "2024-07")
            ]
        )
    }

    // MARK: correct-score

    static let complained: [CaseEvent] =
        sat + [
            scored(.theory, 58), scored(.skill, 70),
            .complaintLodged(.init(complaintID: "C1", channel: .phone, category: .score, summary: "re-mark please")),
        ]

    static func correct(
        _ events: [CaseEvent],
        complaint: String = "C1",
        score: Int = 60
    ) -> Result<
        [CaseEvent], Rejection
    > {
        LaterStepDecisions.correctScore(
            .init(subject: .theory, score: score, complaintID: complaint, reason: "re-marked"),
            state: state(events),
            context: context(supervisor, at: "2024-05-10T09:00:00+08:00", events: events)
        )
    }

    @Test func aScoreIsCorrectedOnlyWhileAScoreComplaintIsOpen() throws {
        #expect(try Self.correct(Self.complained).get().count == 1)
        #expect(Self.code(Self.correct(Array(Self.complained.dropLast()))) == .noOpenScoreComplaint)
        let fee =
            Array(Self.complained.dropLast()) + [
                .complaintLodged(.init(complaintID: "C2", channel: .web, category: .fee, summary: "fee"))
            ]
        #expect(Self.code(Self.correct(fee, complaint: "C2")) == .noOpenScoreComplaint)
        let resolved =
            Self.complained + [.complaintResolved(.init(complaintID: "C1", outcome: .dismissed, resolution: "ok"))]
        #expect(Self.code(Self.correct(resolved)) == .noOpenScoreComplaint)
        #expect(Self.code(Self.correct(Self.complained, complaint: "C9")) == .complaintNotFound)
        #expect(Self.code(Self.correct(Self.complained, score: 101)) == .scoreOutOfRange)
    }

    @Test func aCorrectionNeedsASupervisorAScoreAndNoCertificate() {
        let wrongRole = LaterStepDecisions.correctScore(
            .init(subject: .theory, score: 60, complaintID: "C1", reason: "r"),
            state: Self.state(Self.complained),
            context: Self.context(Self.examiner, at: "2024-05-10T09:00:00+08:00", events: Self.complained)
        )
        #expect(Self.code(wrongRole) == .roleNotAllowed)
        let unscored: [CaseEvent] =
            Self.sat + [.complaintLodged(.init(complaintID: "C1", channel: .phone, category: .score, summary: "s"))]
        #expect(Self.code(Self.correct(unscored)) == .subjectNotSat)
        let certified: [CaseEvent] =
            Self.sat + [
                Self.scored(.theory, 70), Self.scored(.skill, 70),
                .complaintLodged(.init(complaintID: "C1", channel: .phone, category: .score, summary: "s")),
                .certified(.init(certificateNumber: "Z1", channel: .wechat)),
            ]
        #expect(Self.code(Self.correct(certified)) == .alreadyCertified)
    }

    // MARK: request-retake

    static let oneFailed: [CaseEvent] = sat + [scored(.theory, 50), scored(.skill, 80)]

    static func retake(
        _ events: [CaseEvent],
        _ subject: Subject = .theory,
        batch: String = "2024-07",
        at moment: String = "2024-05-10T09:00:00+08:00"
    ) -> Result<[CaseEvent], Rejection> {
        LaterStepDecisions.requestRetake(
            .init(subject: subject, batch: batch),
            state: state(events),
            context: context(portal, at: moment, events: events)
        )
    }

    @Test func aRetakeIsOfTheFailedSubjectWhileTheOtherPassIsKept() throws {
        #expect(try Self.retake(Self.oneFailed).get() == [.retakeRequested(.init(subject: .theory, batch: "2024-07"))])
        #expect(Self.code(Self.retake(Self.oneFailed, .skill)) == .retakeNotApplicable)
        let bothFailed = Self.sat + [Self.scored(.theory, 50), Self.scored(.skill, 40)]
        #expect(Self.code(Self.retake(bothFailed)) == .retakeNotApplicable)
        let used = Self.oneFailed + [.retakeRequested(.init(subject: .theory, batch: "2024-07"))]
        #expect(Self.code(Self.retake(used)) == .retakeAlreadyUsed)
    }

    @Test func theRetakeWindowsLastDayIsAcceptedAndTheDayAfterIsNot() {
        // The skill pass of 2024-04-20 is kept until 2025-04-20 inclusive; a batch examining
        // then must exist. Use 2024-07 (in the window) and the request's own date.
        #expect(Self.code(Self.retake(Self.oneFailed, at: "2024-07-12T23:59:59+08:00")) == nil)
        #expect(Self.code(Self.retake(Self.oneFailed, at: "2024-07-13T09:00:00+08:00")) == .registrationClosed)
        var batches = CaseStatusTests.batches()
        var lastDay = BatchState()
        lastDay.evolve(
            with: .scheduled(examStartsAt: Self.at("2025-04-20T09:00:00+08:00"), occupations: [.blockchainOperator]),
            at: Fold.anyTime,
            position: 4
        )
        var dayAfter = BatchState()
        dayAfter.evolve(
            with: .scheduled(examStartsAt: Self.at("2025-04-21T09:00:00+08:00"), occupations: [.blockchainOperator]),
            at: Fold.anyTime,
            position: 5
        )
        batches["2025-04"] = lastDay
        batches["2025-05"] = dayAfter
        func request(_ batch: String, at moment: String) -> RejectionCode? {
            let s = Self.state(Self.oneFailed)
            let context = CaseContext(
                at: Self.at(moment),
                actor: Self.portal,
                status: CaseStatus.of(s, batch: { batches[$0] }, at: Self.at(moment)),
                caseID: "2024-04-000001",
                batch: { batches[$0] }
            )
            return Self.code(
                LaterStepDecisions.requestRetake(.init(subject: .theory, batch: batch), state: s, context: context)
            )
        }
        #expect(request("2025-04", at: "2025-01-10T09:00:00+08:00") == nil)
        #expect(request("2025-05", at: "2025-01-10T09:00:00+08:00") == .retakeWindowExpired)
        // Asked after the pass lapsed: the day after 2025-04-20.
        #expect(request("2025-04", at: "2025-04-21T00:00:00+08:00") == .retakeWindowExpired)
    }

    // MARK: certify

    static func certify(
        _ events: [CaseEvent],
        published: Bool = true,
        owner: String? = nil
    ) -> Result<
        [CaseEvent], Rejection
    > {
        LaterStepDecisions.certify(
            certificateNumber: "Z1",
            state: state(events),
            context: context(
                certifier,
                at: "2024-05-20T09:00:00+08:00",
                events: events,
                published: published,
                certificateOwner: owner
            )
        )
    }

    static let bothPassed: [CaseEvent] = sat + [scored(.theory, 60), scored(.skill, 75)]

    @Test func aCertificateNeedsBothPassesPublishedScoresAndAUniqueNumber() throws {
        #expect(
            try Self.certify(Self.bothPassed).get() == [.certified(.init(certificateNumber: "Z1", channel: .wechat))]
        )
        #expect(Self.code(Self.certify(Self.oneFailed)) == .notPassed)
        #expect(Self.code(Self.certify(Self.bothPassed, published: false)) == .scoresNotPublished)
        #expect(Self.code(Self.certify(Self.bothPassed, owner: "2024-04-000009")) == .certificateNumberTaken)
        let certified = Self.bothPassed + [.certified(.init(certificateNumber: "Z1", channel: .wechat))]
        #expect(Self.code(Self.certify(certified)) == .alreadyCertified)
    }

    @Test func aScoreOf59IsNotAPassAnd60Is() {
        #expect(Self.code(Self.certify(Self.sat + [Self.scored(.theory, 59), Self.scored(.skill, 75)])) == .notPassed)
        #expect(Self.code(Self.certify(Self.sat + [Self.scored(.theory, 60), Self.scored(.skill, 75)])) == nil)
    }

    // MARK: complaints

    @Test func complaintIdsAreUniqueAndAComplaintIsResolvedOnce() throws {
        let lodge = CaseEvent.ComplaintLodged(complaintID: "C1", channel: .phone, category: .score, summary: "s")
        #expect(
            try ComplaintDecisions.lodge(
                lodge,
                state: Self.state(Self.ready),
                context: Self.context(Self.supervisor, at: "2024-05-01T09:00:00+08:00", events: Self.ready)
            ).get().count == 1
        )
        #expect(
            Self.code(
                ComplaintDecisions.lodge(
                    lodge,
                    state: Self.state(Self.ready),
                    context: Self.context(
                        Self.supervisor,
                        at: "2024-05-01T09:00:00+08:00",
                        events: Self.ready,
                        complaintOwner: "2024-04-000002"
                    )
                )
            ) == .complaintExists
        )
        func resolve(_ events: [CaseEvent], _ id: String) -> RejectionCode? {
            Self.code(
                ComplaintDecisions.resolve(
                    .init(complaintID: id, outcome: .upheld, resolution: "fixed"),
                    state: Self.state(events),
                    context: Self.context(Self.supervisor, at: "2024-05-02T09:00:00+08:00", events: events)
                )
            )
        }
        let open = Self.ready + [.complaintLodged(lodge)]
        #expect(resolve(open, "C1") == nil)
        #expect(resolve(open, "C2") == .complaintNotFound)
        #expect(
            resolve(open + [.complaintResolved(.init(complaintID: "C1", outcome: .dismissed, resolution: "r"))], "C1")
                == .complaintClosed
        )
    }

    @Test func complaintsMayBeLodgedOnClosedCases() throws {
        let withdrawn = Self.ready + [.withdrawn(.init(reason: "moved"))]
        let result = ComplaintDecisions.lodge(
            .init(complaintID: "C1", channel: .email, category: .fee, summary: "refund late"),
            state: Self.state(withdrawn),
            context: Self.context(Self.supervisor, at: "2024-05-01T09:00:00+08:00", events: withdrawn)
        )
        #expect(try result.get().count == 1)
    }
}
