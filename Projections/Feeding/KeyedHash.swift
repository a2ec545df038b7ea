import Crypto

/// HMAC-SHA-256 under a store's own key, as lower-case hex: how read models match an identity
/// number without storing it (a plain hash of an 18-character number could be reversed by
/// trying them all; without the key it cannot).
///
/// The keyed state is made once and copied for each text: keying it again per text was most of
/// the hash's cost. It is a value that is only ever copied, never mutated in place.
struct KeyedHash: @unchecked Sendable {
    private let keyed: HMAC<SHA256>

    init(key: SymmetricKey) { keyed = HMAC<SHA256>(key: key) }

    func hex(_ text: String) -> String {
        var hmac = keyed
        hmac.update(data: Array(text.utf8))
        return Hex.of(hmac.finalize())
    }
}
