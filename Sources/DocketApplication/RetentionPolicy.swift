import Certification
import DocketJSON
import Foundation

/// How long a closed case keeps its personal data (issue 17): `<store>/retention.json`, or the
/// defaults below when the file is absent.
///
/// ```json
/// {"rules":[
///   {"status":"rejected","afterYears":1,"erase":"all"},
///   {"status":"withdrawn","afterYears":1,"erase":"all"},
///   {"status":"failed","afterYears":3,"erase":"all"},
///   {"status":"certified","afterYears":3,"erase":"details"}
/// ]}
/// ```
///
/// A rule applies to cases in a closed `status` whose latest event is at least `afterYears`
/// whole years old (a complaint or a note on a closed case starts the count again). `erase` is
/// `all`, or `details` (contact, photo and free text; the identity kept with the certificate
/// record, which the notice's public look-up of certificates needs).
public struct RetentionPolicy: Sendable, Hashable {
    public struct Rule: Sendable, Hashable {
        public var status: CaseStatus
        public var afterYears: Int
        public var erase: PersonalDataGroups

        public init(status: CaseStatus, afterYears: Int, erase: PersonalDataGroups) {
            self.status = status
            self.afterYears = afterYears
            self.erase = erase
        }

        /// `all` or `details`.
        public var scope: String { erase == .all ? "all" : "details" }
    }

    public var rules: [Rule]

    public init(rules: [Rule]) { self.rules = rules }

    /// The defaults (docs/DECISIONS.md, "Personal data"): a refused or withdrawn application's
    /// data for one year (time for complaints and refunds), a failed one's for three (a retake
    /// or a complaint about scores), a certificate holder's contact, photo and free text for
    /// three, their identity kept with the certificate.
    public static let standard = RetentionPolicy(rules: [
        Rule(status: .rejected, afterYears: 1, erase: .all),
        Rule(status: .withdrawn, afterYears: 1, erase: .all),
        Rule(status: .failed, afterYears: 3, erase: .all),
        Rule(status: .certified, afterYears: 3, erase: .details),
    ])

    /// The policy file of the store at `storeRoot`.
    public static func path(storeRoot: String) -> String { storeRoot + "/retention.json" }

    /// The store's policy: its file, or ``standard`` when it has none.
    /// - Throws: `invalid-parameter`, naming the field, when the file is malformed.
    public static func load(storeRoot: String) throws(DocketError) -> RetentionPolicy {
        try load(file: path(storeRoot: storeRoot), orStandard: true)
    }

    /// The policy in `file` (``standard`` when `orStandard` and the file does not exist).
    public static func load(file: String, orStandard: Bool = false) throws(DocketError) -> RetentionPolicy {
        guard FileManager.default.fileExists(atPath: file) else {
            if orStandard { return standard }
            throw DocketError(.invalidParameter, "no retention policy at \(file)", field: "policy")
        }
        guard let data = FileManager.default.contents(atPath: file), data.count <= 1 << 20 else {
            throw DocketError(.invalidParameter, "cannot read \(file) (at most 1 MiB)", field: "policy")
        }
        return try parse(Array(data), name: file)
    }

    /// Parses a policy document.
    public static func parse(_ bytes: [UInt8], name: String = "the policy") throws(DocketError) -> RetentionPolicy {
        let json: JSONValue
        do throws(JSONParseError) { json = try JSONParser.parse(bytes) } catch {
            throw DocketError(.invalidParameter, "\(name) is not JSON: \(error)", field: "policy")
        }
        guard let items = json["rules"]?.arrayValue, items.count <= 64 else {
            throw DocketError(.invalidParameter, "\(name) needs \"rules\": a list of at most 64 rules", field: "rules")
        }
        var rules: [Rule] = []
        for (i, item) in items.enumerated() {
            let at = "rules[\(i)]"
            guard let text = item["status"]?.stringValue, let status = CaseStatus(rawValue: text), status.isClosed
            else {
                throw DocketError(
                    .invalidParameter,
                    "\(at).status must be a closed status: rejected, withdrawn, certified or failed",
                    field: at + ".status"
                )
            }
            guard let years = item["afterYears"]?.intValue, (0...100).contains(years) else {
                throw DocketError(
                    .invalidParameter,
                    "\(at).afterYears must be a whole number from 0 to 100",
                    field: at + ".afterYears"
                )
            }
            let scope = item["erase"]?.stringValue ?? "all"
            let groups: PersonalDataGroups
            switch scope {
            case "all": groups = .all
            case "details": groups = .details
            default:
                throw DocketError(.invalidParameter, "\(at).erase must be all or details", field: at + ".erase")
            }
            guard !rules.contains(where: { $0.status == status }) else {
                throw DocketError(.invalidParameter, "\(at): status \(text) already has a rule", field: at + ".status")
            }
            rules.append(Rule(status: status, afterYears: years, erase: groups))
        }
        return RetentionPolicy(rules: rules)
    }

    /// The policy as JSON (what `retention plan --output json` echoes).
    public var json: JSONValue {
        .object([
            "rules": .array(
                rules.map {
                    .object([
                        "status": .string($0.status.rawValue), "afterYears": .int($0.afterYears),
                        "erase": .string($0.scope),
                    ])
                }
            )
        ])
    }
}
