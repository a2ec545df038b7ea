import Chronology
import Testing

@testable import Certification

/// Given a batch's events, when a batch command arrives, then these events or this rejection.
@Suite struct BatchDeciderTests {
    static func at(_ text: String) -> Timestamp { RFC3339.parse(text)! }
    static let admin = Actor(id: "admin-01", role: .admin)
    static let examiner = Actor(id: "exam-office", role: .examiner)
    static let examStart = at("2024-04-20T09:00:00+08:00")

    static func scheduled() -> BatchState {
        var state = BatchState()
        state.evolve(
            with: .scheduled(examStartsAt: examStart, occupations: [.blockchainOperator, .aiTrainer]),
            at: Fold.anyTime,
            position: 1
        )
        return state
    }

    static func decide(
        _ command: BatchCommand,
        batch: String = "2024-04",
        state: BatchState = BatchState(),
        actor: Actor = admin,
        at moment: String = "2024-02-01T10:00:00+08:00",
        scores: Bool = false
    ) -> Result<[BatchEvent], Rejection> {
        BatchDecider.decide(
            command,
            batchID: batch,
            state: state,
            context: .init(at: at(moment), actor: actor, batchHasScores: scores)
        )
    }

    static func code(_ result: Result<[BatchEvent], Rejection>) -> RejectionCode? {
        if case .failure(let rejection) = result { return rejection.code }
        return nil
    }

    @Test func scheduleMakesABatchScheduledEvent() throws {
        let events = try Self.decide(.schedule(examStartsAt: Self.examStart, occupations: [.aiTrainer])).get()
        #expect(events == [.scheduled(examStartsAt: Self.examStart, occupations: [.aiTrainer])])
    }

    @Test func eachBatchCommandIsForOneRole() {
        #expect(
            Self.code(
                Self.decide(.schedule(examStartsAt: Self.examStart, occupations: [.aiTrainer]), actor: Self.examiner)
            ) == .roleNotAllowed
        )
        #expect(
            Self.code(
                Self.decide(.publishScores, state: Self.scheduled(), actor: Self.admin, at: "2024-04-21T10:00:00+08:00")
            ) == .roleNotAllowed
        )
        #expect(
            Self.code(
                Self.decide(
                    .reschedule(examStartsAt: Self.examStart, reason: "x"),
                    state: Self.scheduled(),
                    actor: Actor(id: "p", role: .portal)
                )
            ) == .roleNotAllowed
        )
    }

    @Test func aBatchIsScheduledOnce() {
        #expect(
            Self.code(
                Self.decide(.schedule(examStartsAt: Self.examStart, occupations: [.aiTrainer]), state: Self.scheduled())
            ) == .batchExists
        )
    }

    @Test(arguments: [
        ("2024-04", nil as RejectionCode?), ("2024-05", .invalidField), ("2024-4", .invalidField),
        ("24-04-1", .invalidField),
    ])
    func theBatchMonthMustBeABatchMonth(batch: String, expected: RejectionCode?) {
        let start = Self.at(batch == "2024-05" ? "2024-05-18T09:00:00+08:00" : "2024-04-20T09:00:00+08:00")
        #expect(
            Self.code(Self.decide(.schedule(examStartsAt: start, occupations: [.aiTrainer]), batch: batch)) == expected
        )
    }

    @Test func theExamStartsWithinTheBatchMonthInShanghai() {
        // 2024-04-30T23:30+08:00 is in April in Shanghai (and in UTC); 2024-04-30T16:30Z is 1 May in Shanghai.
        #expect(
            Self.code(
                Self.decide(.schedule(examStartsAt: Self.at("2024-04-30T23:30:00+08:00"), occupations: [.aiTrainer]))
            ) == nil
        )
        #expect(
            Self.code(Self.decide(.schedule(examStartsAt: Self.at("2024-04-30T16:30:00Z"), occupations: [.aiTrainer])))
                == .invalidField
        )
        #expect(
            Self.code(
                Self.decide(.schedule(examStartsAt: Self.at("2024-03-31T09:00:00+08:00"), occupations: [.aiTrainer]))
            ) == .invalidField
        )
    }

    @Test func theExamMustStartAfterTheCommand() {
        #expect(
            Self.code(
                Self.decide(
                    .schedule(examStartsAt: Self.examStart, occupations: [.aiTrainer]),
                    at: "2024-04-20T09:00:00+08:00"
                )
            ) == .invalidField
        )
        #expect(
            Self.code(
                Self.decide(
                    .schedule(examStartsAt: Self.examStart, occupations: [.aiTrainer]),
                    at: "2024-04-20T08:59:59+08:00"
                )
            ) == nil
        )
    }

    @Test func occupationsAreNamedOnceAndAtLeastOnce() throws {
        let empty = Self.decide(.schedule(examStartsAt: Self.examStart, occupations: []))
        #expect(Self.code(empty) == .invalidField)
        guard
            case .failure(let twice) = Self.decide(
                .schedule(examStartsAt: Self.examStart, occupations: [.aiTrainer, .aiTrainer])
            )
        else {
            return #expect(Bool(false))
        }
        #expect(twice.code == .invalidField && twice.field == "data.occupations[0]")
    }

    @Test func aRescheduleNeedsABatchAReasonAFutureStartAndNoScores() {
        let move = BatchCommand.reschedule(examStartsAt: Self.at("2024-04-27T09:00:00+08:00"), reason: "typhoon")
        #expect(Self.code(Self.decide(move)) == .batchNotFound)
        #expect(Self.code(Self.decide(move, state: Self.scheduled())) == nil)
        #expect(
            Self.code(
                Self.decide(
                    .reschedule(examStartsAt: Self.at("2024-04-27T09:00:00+08:00"), reason: "  "),
                    state: Self.scheduled()
                )
            ) == .missingField
        )
        #expect(Self.code(Self.decide(move, state: Self.scheduled(), at: "2024-04-27T09:00:00+08:00")) == .invalidField)
        #expect(Self.code(Self.decide(move, state: Self.scheduled(), scores: true)) == .scoresExist)
        // A reschedule may move the exam to another month.
        #expect(
            Self.code(
                Self.decide(
                    .reschedule(examStartsAt: Self.at("2024-05-11T09:00:00+08:00"), reason: "typhoon"),
                    state: Self.scheduled()
                )
            ) == nil
        )
    }

    @Test func scoresArePublishedOnlyOnceTheExamHasStartedAndMayBeRepeated() throws {
        #expect(Self.code(Self.decide(.publishScores, actor: Self.examiner)) == .batchNotFound)
        #expect(
            Self.code(
                Self.decide(
                    .publishScores,
                    state: Self.scheduled(),
                    actor: Self.examiner,
                    at: "2024-04-20T08:59:59+08:00"
                )
            ) == .examNotHeld
        )
        #expect(
            try Self.decide(
                .publishScores,
                state: Self.scheduled(),
                actor: Self.examiner,
                at: "2024-04-20T09:00:00+08:00"
            ).get() == [.scoresPublished]
        )
        var published = Self.scheduled()
        published.evolve(with: .scoresPublished, at: Fold.anyTime, position: 5)
        #expect(
            Self.code(
                Self.decide(.publishScores, state: published, actor: Self.examiner, at: "2024-05-01T09:00:00+08:00")
            ) == nil
        )
    }
}
