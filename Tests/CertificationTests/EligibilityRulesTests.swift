import Testing

@testable import Certification

/// 附件1 on both sides of every edge, with the exact code.
@Suite struct EligibilityRulesTests {
    static func claim(
        _ condition: Eligibility.Condition,
        _ configure: (inout Eligibility) -> Void = { _ in }
    ) -> Eligibility {
        var claim = Eligibility(condition: condition)
        configure(&claim)
        return claim
    }

    static func code(
        _ claim: Eligibility,
        _ occupation: Occupation = .blockchainOperator,
        age: Int = 30
    ) -> RejectionCode? {
        EligibilityRules.check(claim, occupation: occupation, age: age)?.code
    }

    static func work5y(
        years: Years,
        occupation: String = "software-engineer",
        evidence: [String] = ["work-experience-pledge"]
    ) -> Eligibility {
        claim(.work5y) {
            $0.occupation = occupation
            $0.yearsOfWork = years
            $0.evidence = evidence.map { .init(kind: $0, reference: "ref") }
        }
    }

    @Test func eachOccupationOffersItsOwnConditions() {
        #expect(Self.code(Self.claim(.age16Working), .blockchainOperator) == .eligibilityConditionInvalid)
        #expect(Self.code(Self.work5y(years: 6), .aiTrainer) == .eligibilityConditionInvalid)
    }

    @Test(arguments: [
        (4, RejectionCode.eligibilityNotMet as RejectionCode?), (4.5, .eligibilityNotMet), (4.99, .eligibilityNotMet),
        (5, nil), (5.5, nil), (6, nil),
    ] as [(Years, RejectionCode?)])
    func workFiveYearsIsInclusiveAndTakesFractions(years: Years, expected: RejectionCode?) {
        #expect(Self.code(Self.work5y(years: years)) == expected)
    }

    @Test func workedOccupationsMustBeRelatedOrDescribed() {
        #expect(Self.code(Self.work5y(years: 5, occupation: "blockchain-operator")) == nil)
        #expect(Self.code(Self.work5y(years: 5, occupation: "chef")) == .eligibilityNotMet)
        #expect(Self.code(Self.work5y(years: 5, occupation: "other")) == .missingField)
        var described = Self.work5y(years: 5, occupation: "other")
        described.description = "smart-contract auditor"
        #expect(Self.code(described) == nil)
    }

    @Test func evidenceIsRequired() {
        #expect(Self.code(Self.work5y(years: 5, evidence: [])) == .eligibilityNotMet)
        #expect(Self.code(Self.work5y(years: 5, evidence: ["diploma"])) == .eligibilityNotMet)
    }

    @Test(arguments: [
        (2, RejectionCode.eligibilityNotMet as RejectionCode?), (2.5, .eligibilityNotMet), (3, nil), (3.5, nil),
    ] as [(Years, RejectionCode?)])
    func aLevelFiveCertificateNeedsThreeYearsAfterFractionsIncluded(years: Years, expected: RejectionCode?) {
        let claim = Self.claim(.l5CertPlus3y) {
            $0.certificateNumber = "S2019000123"
            $0.certificateOccupation = "computer-programmer"
            $0.yearsSinceCertificate = years
            $0.evidence = [
                .init(kind: "certificate", reference: "S2019000123"),
                .init(kind: "work-experience-pledge", reference: "p"),
            ]
        }
        #expect(Self.code(claim) == expected)
    }

    @Test func aCertificateMustBeOfARelatedOccupationAndBacked() {
        var claim = Self.claim(.l5CertPlus3y) {
            $0.certificateNumber = "S1"
            $0.certificateOccupation = "chef"
            $0.yearsSinceCertificate = 4
            $0.evidence = [
                .init(kind: "certificate", reference: "S1"), .init(kind: "work-experience-pledge", reference: "p"),
            ]
        }
        #expect(Self.code(claim) == .eligibilityNotMet)
        claim.certificateOccupation = "network-engineer"
        #expect(Self.code(claim) == nil)
        claim.evidence.removeFirst()
        #expect(Self.code(claim) == .eligibilityNotMet)
    }

    @Test(arguments: [
        ("undergraduate", "computer", nil as RejectionCode?), ("postgraduate", "finance", nil),
        ("technical-school", "manufacturing", nil),
        ("secondary-vocational", "computer", .eligibilityNotMet), ("higher-vocational", "electronics-information", nil),
        ("undergraduate", "history", .eligibilityNotMet), ("kindergarten", "computer", .invalidField),
    ])
    func graduatesNeedARelatedMajorForTheirSchoolLevel(level: String, major: String, expected: RejectionCode?) {
        let claim = Self.claim(.graduate) {
            $0.schoolLevel = level
            $0.major = major
            $0.evidence = [.init(kind: "chsi-verification-code", reference: "A1B2C3D4E5F6")]
        }
        #expect(Self.code(claim) == expected)
    }

    @Test func graduatesNeedOneOfTheEducationEvidences() {
        var claim = Self.claim(.graduate) {
            $0.schoolLevel = "undergraduate"
            $0.major = "other"
            $0.description = "data science"
            $0.evidence = [.init(kind: "work-pledge", reference: "x")]
        }
        #expect(Self.code(claim) == .eligibilityNotMet)
        claim.evidence = [.init(kind: "diploma", reference: "D-1")]
        #expect(Self.code(claim) == nil)
        claim.description = nil
        #expect(Self.code(claim) == .missingField)
    }

    @Test(arguments: [(15, RejectionCode.eligibilityNotMet as RejectionCode?), (16, nil)])
    func aiTrainersMustBeSixteen(age: Int, expected: RejectionCode?) {
        let intending = Self.claim(.age16Intending) {
            $0.occupation = "call-center-agent"
            $0.evidence = [.init(kind: "work-pledge", reference: "w")]
        }
        #expect(Self.code(intending, .aiTrainer, age: age) == expected)
    }

    @Test func eachAgeConditionHasItsOwnPledge() {
        let working = Self.claim(.age16Working) {
            $0.occupation = "ai-trainer"
            $0.evidence = [.init(kind: "work-pledge", reference: "w")]
        }
        #expect(Self.code(working, .aiTrainer, age: 20) == .eligibilityNotMet)
        var fixed = working
        fixed.evidence = [.init(kind: "work-experience-pledge", reference: "w")]
        #expect(Self.code(fixed, .aiTrainer, age: 20) == nil)
    }
}
