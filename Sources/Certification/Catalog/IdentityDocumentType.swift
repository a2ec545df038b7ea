/// Where a candidate is from, which decides the identity documents they may use (notice §三(二)1).
public enum Region: String, Sendable, CaseIterable {
    case mainland
    case hongkong
    case macau
    case taiwan
    case foreign

    /// The documents the notice allows for this region.
    public var allowedDocuments: Set<IdentityDocumentType> {
        switch self {
        case .mainland: return [.residentIDCard, .beijingSocialSecurityCard]
        case .hongkong, .macau: return [.hkmoResidentIDCard, .hkmoResidencePermit, .hkmoTravelPermit, .hkmoPassport]
        case .taiwan: return [.taiwanResidencePermit, .taiwanTravelPermit]
        case .foreign: return [.foreignPermanentResidenceID, .passport]
        }
    }
}

/// An identity document type of SPEC §2.
public enum IdentityDocumentType: String, Sendable, CaseIterable {
    /// 第二代居民身份证.
    case residentIDCard = "resident-id-card"
    /// 北京社保卡.
    case beijingSocialSecurityCard = "beijing-social-security-card"
    /// 港澳居民身份证.
    case hkmoResidentIDCard = "hkmo-resident-id-card"
    /// 港澳居民居住证.
    case hkmoResidencePermit = "hkmo-residence-permit"
    /// 港澳居民往来内地通行证 (as the notice writes it, 往来港澳通行证).
    case hkmoTravelPermit = "hkmo-travel-permit"
    /// 港澳护照.
    case hkmoPassport = "hkmo-passport"
    /// 台湾居民居住证.
    case taiwanResidencePermit = "taiwan-residence-permit"
    /// 台湾居民来往大陆通行证.
    case taiwanTravelPermit = "taiwan-travel-permit"
    /// 外国人永久居留身份证.
    case foreignPermanentResidenceID = "foreign-permanent-residence-id"
    /// 护照.
    case passport
}
