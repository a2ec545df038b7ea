/// An occupation the body certifies, with its level, batches and fees (SPEC §1; notice §一, 附件2).
public enum Occupation: String, Sendable, CaseIterable {
    /// 区块链应用操作员, level 4 (四级/中级).
    case blockchainOperator = "blockchain-operator"
    /// 人工智能训练师, level 5 (五级/初级).
    case aiTrainer = "ai-trainer"

    /// The one level certified for the occupation.
    public var level: Int {
        switch self {
        case .blockchainOperator: return 4
        case .aiTrainer: return 5
        }
    }

    /// The name in the notice.
    public var chineseName: String {
        switch self {
        case .blockchainOperator: return "区块链应用操作员"
        case .aiTrainer: return "人工智能训练师"
        }
    }

    /// The months batches are held in (认定月份).
    public var batchMonths: Set<Int> { [4, 7, 11] }

    /// The fee for one subject, in yuan.
    public var feePerSubjectYuan: Int { 80 }

    /// Related occupations for eligibility (附件1 ①). The notice ends the list with 等 (etc.):
    /// `other` with a description is accepted for a registrar to confirm.
    public var relatedOccupations: Set<String> {
        switch self {
        case .blockchainOperator:
            return [
                "ict-network-operations-administrator", "network-security-administrator",
                "ict-information-system-administrator", "information-security-tester", "computer-programmer",
                "software-tester", "software-engineer", "network-engineer", "cloud-computing-engineer",
                "blockchain-engineer",
            ]
        case .aiTrainer:
            return ["ai-engineer", "call-center-agent", "e-commerce-specialist"]
        }
    }
}

/// The two subjects of every sitting (理论知识 and 技能考核).
public enum Subject: String, Sendable, CaseIterable, Comparable {
    case theory
    case skill

    public static func < (lhs: Subject, rhs: Subject) -> Bool { lhs.rawValue > rhs.rawValue }

    /// The lowest passing score (decision: 60 of 100).
    public static let passMark = 60
}
