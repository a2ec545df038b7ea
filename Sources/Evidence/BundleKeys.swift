import Certification
import CertificationWire
import Crypto

/// The personal data keys a full evidence bundle carries, as the verifier opens the case's
/// sealed records with them (``PersonalSeal``). They open only the bundle's own case: a box of
/// another case would not authenticate anyway (its associated data names its stream).
struct BundleKeys: PersonalDataKeys {
    let caseID: String
    let keys: [EvidenceBundle.PersonalDataKey]

    func key(caseID: String, group: PersonalDataGroups, generation: Int) -> SymmetricKey? {
        guard caseID == self.caseID,
            let found = keys.first(where: {
                PersonalDataGroups(name: $0.group) == group && $0.generation == generation
            })
        else { return nil }
        return SymmetricKey(data: found.key)
    }

    func sealingKey(
        caseID: String,
        group: PersonalDataGroups,
        position: UInt64
    ) -> (generation: Int, key: SymmetricKey)? {
        nil
    }
}
