import Certification

/// What an erasure leaves to do once its event is durable (issue 17): delete the case's photo
/// (unless another case of the person keeps it), then destroy the erased groups' keys.
///
/// The order makes a crash at any step safe: the event is durable first, so a crash before the
/// keys are gone leaves the event with its keys, and the store completes the erasure when it
/// is next opened (``DocketStore``); the keys are never destroyed without the event.
struct ErasureTask: Sendable {
    var caseID: String
    var groups: PersonalDataGroups
    /// The erasure event's position: keys first used before it are destroyed.
    var position: UInt64
    /// The photo to delete, when the details are erased and no other case keeps it.
    var photoSHA256: String?
}
