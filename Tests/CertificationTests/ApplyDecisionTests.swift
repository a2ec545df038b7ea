import Chronology
import Testing

@testable import Certification

/// Given an empty case, when `apply` arrives, then `Applied` or the first failing rule's code.
@Suite struct ApplyDecisionTests {
    static func at(_ text: String) -> Timestamp { RFC3339.parse(text)! }
    static let portal = Actor(id: "portal", role: .portal)

    static func batches() -> [String: BatchState] {
        var april = BatchState()
        april.evolve(
            with: .scheduled(
                examStartsAt: at("2024-04-20T09:00:00+08:00"),
                occupations: [.blockchainOperator, .aiTrainer]
            ),
            at: Fold.anyTime,
            position: 1
        )
        var july = BatchState()
        july.evolve(
            with: .scheduled(examStartsAt: at("2024-07-20T09:00:00+08:00"), occupations: [.aiTrainer]),
            at: Fold.anyTime,
            position: 2
        )
        return ["2024-04": april, "2024-07": july]
    }

    static func data(_ configure: (inout ApplyDecision.Data) -> Void = { _ in }) -> ApplyDecision.Data {
        var eligibility = Eligibility(
            condition: .graduate,
            evidence: [.init(kind: "chsi-verification-code", reference: "A1B2C3D4E5F6")]
        )
        eligibility.schoolLevel = "undergraduate"
        eligibility.major = "computer"
        var data = ApplyDecision.Data(
            batch: "2024-04",
            occupation: .blockchainOperator,
            level: 4,
            candidate: Candidate(
                name: "张伟",
                birthDate: LocalDate("1995-06-01")!,
                region: .mainland,
                idDocument: .init(type: .residentIDCard, number: IdentityNumberTests.validNumber()),
                contact: .init(channel: .wechat, address: "wx_zhangwei")
            ),
            photoBase64: JPEGFixture.base64(width: 295, height: 413, size: 52_311),
            eligibility: eligibility
        )
        configure(&data)
        return data
    }

    static func decide(
        _ data: ApplyDecision.Data,
        at moment: String = "2024-03-02T10:15:00+08:00",
        actor: Actor = portal,
        state: CaseState = CaseState(),
        openCase: Bool = false
    ) -> Result<ApplyDecision.Accepted, Rejection> {
        let batches = Self.batches()
        let context = ApplyDecision.Context(
            at: at(moment),
            actor: actor,
            batch: { batches[$0] },
            hasOpenCase: { _, _ in openCase },
            sha256: { "sha-of-\($0.count)-bytes" }
        )
        return ApplyDecision.decide(data, state: state, context: context)
    }

    static func code(_ result: Result<ApplyDecision.Accepted, Rejection>) -> RejectionCode? {
        if case .failure(let rejection) = result { return rejection.code }
        return nil
    }

    @Test func aGoodApplicationIsApplied() throws {
        let accepted = try Self.decide(Self.data()).get()
        guard case .applied(let applied) = accepted.event else { return #expect(Bool(false)) }
        #expect(applied.photo == PhotoRecord(sha256: "sha-of-52311-bytes", widthPx: 295, heightPx: 413, bytes: 52_311))
        #expect(accepted.photoBytes.count == 52_311)
        #expect(applied.batch == "2024-04" && applied.level == 4)
    }

    @Test func aLowerCaseCheckCharacterIsStoredUpperCase() throws {
        let number = "11010519491231002x"
        let accepted = try Self.decide(
            Self.data {
                $0.candidate.idDocument.number = number
                $0.candidate.birthDate = LocalDate("1949-12-31")!
            }
        ).get()
        guard case .applied(let applied) = accepted.event else { return #expect(Bool(false)) }
        #expect(applied.candidate.idDocument.number == "11010519491231002X")
    }

    @Test func registrationClosesSevenDaysBeforeTheExam() {
        #expect(Self.code(Self.decide(Self.data(), at: "2024-04-13T08:59:59+08:00")) == nil)
        #expect(Self.code(Self.decide(Self.data(), at: "2024-04-13T09:00:00+08:00")) == .registrationClosed)
    }

    @Test func onlyThePortalAppliesAndOnlyOnce() {
        #expect(Self.code(Self.decide(Self.data(), actor: Actor(id: "r", role: .registrar))) == .roleNotAllowed)
        let existing = CaseState().evolved(with: EvolveTests.applied, at: Fold.anyTime, position: 1)
        #expect(Self.code(Self.decide(Self.data(), state: existing)) == .caseExists)
    }

    @Test func theBatchMustBeScheduledAndExamineTheOccupation() {
        #expect(Self.code(Self.decide(Self.data { $0.batch = "2024-11" })) == .batchNotFound)
        #expect(Self.code(Self.decide(Self.data { $0.batch = "2024-07" })) == .invalidField)
    }

    @Test func shapesAreCheckedBeforeRules() {
        // Bad base64 and a closed registration: the shape is reported first (SPEC §5).
        #expect(
            Self.code(Self.decide(Self.data { $0.photoBase64 = "!!" }, at: "2024-04-19T00:00:00+08:00"))
                == .invalidField
        )
        #expect(Self.code(Self.decide(Self.data { $0.level = 5 })) == .invalidField)
        #expect(
            Self.code(Self.decide(Self.data { $0.candidate.birthDate = LocalDate("2030-01-01")! })) == .invalidField
        )
        #expect(
            Self.code(Self.decide(Self.data { $0.candidate.contact = .init(channel: .email, address: "no-at-sign") }))
                == .invalidField
        )
        #expect(Self.code(Self.decide(Self.data { $0.candidate.name = " " })) == .missingField)
    }

    @Test func rulesReportInTheSpecsOrder() {
        // A passport for a mainland candidate is refused before its number is looked at.
        #expect(
            Self.code(Self.decide(Self.data { $0.candidate.idDocument = .init(type: .passport, number: "??") }))
                == .idDocumentNotAllowed
        )
        #expect(
            Self.code(Self.decide(Self.data { $0.candidate.idDocument.number = "110101199506011230" }))
                == .idNumberInvalid
        )
        #expect(
            Self.code(Self.decide(Self.data { $0.candidate.birthDate = LocalDate("1995-06-02")! }))
                == .idBirthdateMismatch
        )
        // A bad id number and a bad photo: the id number is reported.
        #expect(
            Self.code(
                Self.decide(
                    Self.data {
                        $0.candidate.idDocument.number = "110101199506011230"
                        $0.photoBase64 = JPEGFixture.base64(width: 50, height: 50, size: 50_000)
                    }
                )
            ) == .idNumberInvalid
        )
        #expect(
            Self.code(
                Self.decide(Self.data { $0.photoBase64 = JPEGFixture.base64(width: 88, height: 413, size: 50_000) })
            ) == .photoTooSmall
        )
        #expect(
            Self.code(
                Self.decide(Self.data { $0.photoBase64 = JPEGFixture.base64(width: 295, height: 413, size: 81_921) })
            ) == .photoSizeOutOfRange
        )
        #expect(
            Self.code(Self.decide(Self.data { $0.eligibility = Eligibility(condition: .age16Working) }))
                == .eligibilityConditionInvalid
        )
        #expect(Self.code(Self.decide(Self.data { $0.eligibility.major = "history" })) == .eligibilityNotMet)
        #expect(Self.code(Self.decide(Self.data(), openCase: true)) == .duplicateApplication)
    }

    @Test func aiTrainersAreSixteenOnTheApplicationDay() {
        func trainee(_ birth: String) -> ApplyDecision.Data {
            Self.data {
                $0.occupation = .aiTrainer
                $0.level = 5
                $0.candidate.birthDate = LocalDate(birth)!
                $0.candidate.idDocument.number = IdentityNumberTests.validNumber(birth: birth.filter { $0 != "-" })
                var claim = Eligibility(
                    condition: .age16Intending,
                    evidence: [.init(kind: "work-pledge", reference: "w")]
                )
                claim.occupation = "ai-trainer"
                $0.eligibility = claim
            }
        }
        #expect(Self.code(Self.decide(trainee("2008-03-02"), at: "2024-03-02T10:00:00+08:00")) == nil)
        #expect(Self.code(Self.decide(trainee("2008-03-03"), at: "2024-03-02T10:00:00+08:00")) == .eligibilityNotMet)
    }
}
