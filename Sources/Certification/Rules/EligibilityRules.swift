/// The eligibility conditions of 附件1 (SPEC §2 "Eligibility" and §5 "Apply").
///
/// Order of checks: a condition the occupation does not offer is `eligibility-condition-invalid`;
/// `other` without a description is `missing-field`; an unrelated occupation or major, too few
/// years, too young, or missing evidence is `eligibility-not-met`. Year thresholds are inclusive.
public enum EligibilityRules {
    /// Related majors by school level (②); technical schools use the secondary-vocational list and
    /// postgraduates the undergraduate one.
    public static func relatedMajors(schoolLevel: String) -> Set<String>? {
        switch schoolLevel {
        case "secondary-vocational", "technical-school":
            return ["manufacturing", "information-technology", "finance-commerce"]
        case "higher-vocational": return ["equipment-manufacturing", "electronics-information", "finance-commerce"]
        case "undergraduate", "postgraduate":
            return ["automation", "electronic-information", "computer", "finance", "economics-trade"]
        default: return nil
        }
    }

    /// The conditions each occupation offers.
    public static func conditions(for occupation: Occupation) -> Set<Eligibility.Condition> {
        switch occupation {
        case .blockchainOperator: return [.work5y, .l5CertPlus3y, .graduate]
        case .aiTrainer: return [.age16Intending, .age16Working]
        }
    }

    /// Checks an eligibility claim for `occupation` by a candidate aged `age` on the application date.
    /// - Returns: `nil` when the claim meets the notice, else the rejection with its field path.
    public static func check(_ claim: Eligibility, occupation: Occupation, age: Int) -> Rejection? {
        let field = "data.eligibility"
        guard conditions(for: occupation).contains(claim.condition) else {
            let offered = conditions(for: occupation).map(\.rawValue).sorted().joined(separator: ", ")
            return Rejection(
                .eligibilityConditionInvalid,
                "\(occupation.rawValue) accepts the conditions \(offered)",
                field: field + ".condition"
            )
        }
        func occupationProblem() -> Rejection? {
            guard let worked = claim.occupation else {
                return Rejection(
                    .missingField,
                    "name the occupation (a related one, this one, or other with a description)",
                    field: field + ".occupation"
                )
            }
            if worked == "other" { return describedOther(field + ".description") }
            guard worked == occupation.rawValue || occupation.relatedOccupations.contains(worked) else {
                return Rejection(
                    .eligibilityNotMet,
                    "\(worked) is not \(occupation.rawValue) or a related occupation; use other with a description for the registrar to confirm",
                    field: field + ".occupation"
                )
            }
            return nil
        }
        func describedOther(_ path: String) -> Rejection? {
            guard let text = claim.description, !text.trimmingWhitespace.isEmpty else {
                return Rejection(.missingField, "other needs a description for the registrar to confirm", field: path)
            }
            return nil
        }
        func needsEvidence(_ kinds: Set<String>, all: Bool = true) -> Rejection? {
            let given = Set(claim.evidence.map(\.kind))
            let ok = all ? kinds.isSubset(of: given) : !kinds.isDisjoint(with: given)
            guard ok else {
                let list = kinds.sorted().joined(separator: all ? " and " : " or ")
                return Rejection(
                    .eligibilityNotMet,
                    "\(claim.condition.rawValue) needs evidence: \(list)",
                    field: field + ".evidence"
                )
            }
            return nil
        }

        switch claim.condition {
        case .work5y:
            if let problem = occupationProblem() { return problem }
            guard let years = claim.yearsOfWork else {
                return Rejection(.missingField, "give the years of work", field: field + ".yearsOfWork")
            }
            guard years.isAtLeast(5) else {
                return Rejection(
                    .eligibilityNotMet,
                    "work-5y needs at least 5 years of work; \(years) given",
                    field: field + ".yearsOfWork"
                )
            }
            return needsEvidence(["work-experience-pledge"])
        case .l5CertPlus3y:
            guard let number = claim.certificateNumber, !number.isEmpty else {
                return Rejection(
                    .missingField,
                    "give the level-5 certificate's number",
                    field: field + ".certificate.number"
                )
            }
            guard let certified = claim.certificateOccupation else {
                return Rejection(
                    .missingField,
                    "give the level-5 certificate's occupation",
                    field: field + ".certificate.occupation"
                )
            }
            if certified == "other" {
                if let problem = describedOther(field + ".description") { return problem }
            } else if !occupation.relatedOccupations.contains(certified) {
                return Rejection(
                    .eligibilityNotMet,
                    "a level-5 certificate in \(certified) is not of a related occupation",
                    field: field + ".certificate.occupation"
                )
            }
            guard let years = claim.yearsSinceCertificate else {
                return Rejection(
                    .missingField,
                    "give the years of work since the certificate",
                    field: field + ".yearsSinceCertificate"
                )
            }
            guard years.isAtLeast(3) else {
                return Rejection(
                    .eligibilityNotMet,
                    "l5-cert-plus-3y needs at least 3 years of work after the certificate; \(years) given",
                    field: field + ".yearsSinceCertificate"
                )
            }
            return needsEvidence(["certificate", "work-experience-pledge"])
        case .graduate:
            guard let level = claim.schoolLevel else {
                return Rejection(.missingField, "give the school level", field: field + ".schoolLevel")
            }
            guard let majors = relatedMajors(schoolLevel: level) else {
                return Rejection(
                    .invalidField,
                    "school levels are technical-school, secondary-vocational, higher-vocational, undergraduate, postgraduate",
                    field: field + ".schoolLevel"
                )
            }
            guard let major = claim.major else {
                return Rejection(.missingField, "give the major", field: field + ".major")
            }
            if major == "other" {
                if let problem = describedOther(field + ".description") { return problem }
            } else if !majors.contains(major) {
                return Rejection(
                    .eligibilityNotMet,
                    "\(major) is not a related major at \(level) level; use other with a description for the registrar to confirm",
                    field: field + ".major"
                )
            }
            return needsEvidence(["diploma", "education-pledge", "chsi-verification-code"], all: false)
        case .age16Intending, .age16Working:
            if let problem = occupationProblem() { return problem }
            guard age >= 16 else {
                return Rejection(
                    .eligibilityNotMet,
                    "\(claim.condition.rawValue) needs the candidate to be 16 or older on the application date (aged \(age))",
                    field: "data.candidate.birthDate"
                )
            }
            return needsEvidence([claim.condition == .age16Intending ? "work-pledge" : "work-experience-pledge"])
        }
    }
}
