import Certification
import Crypto

/// Where sealed personal data finds its keys (issue 17): one key per case, group and
/// generation. The store's keyring answers; a verifier without keys passes `nil` and sees every
/// sealed field as erased.
public protocol PersonalDataKeys: Sendable {
    /// The key of `group`, generation `generation`, of case `caseID`; `nil` once destroyed.
    func key(caseID: String, group: PersonalDataGroups, generation: Int) -> SymmetricKey?

    /// The key to seal new data of `group` of case `caseID` under (made when the case has no
    /// live key of the group; `position` is the log position of the first event it seals), or
    /// `nil` when no key can be made (a read-only store).
    func sealingKey(
        caseID: String,
        group: PersonalDataGroups,
        position: UInt64
    ) -> (generation: Int, key: SymmetricKey)?
}
