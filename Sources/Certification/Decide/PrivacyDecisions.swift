/// Erasure of personal data and legal holds (issue 17). A case's personal data is erased only
/// once the case is closed and nothing still needs it: no open hold, no open complaint, no
/// refund still due. The facts of the case (status, scores, dates, money, certificate number)
/// stay; the store destroys the erased groups' keys once the erasure is durable.
public enum PrivacyDecisions {
    /// `erase-personal-data`: `all`, or `details` (contact, photo and free text; the identity
    /// kept for the certificate record).
    public static func erase(
        _ erased: CaseEvent.PersonalDataErased,
        state: CaseState,
        context: CaseContext
    ) -> Result<[CaseEvent], Rejection> {
        if let r = EarlyStepDecisions.common(state, context, command: "erase-personal-data", role: .privacyOfficer) {
            return .failure(r)
        }
        if let r = LaterStepDecisions.blank(erased.reason, "say why the data is erased", field: "data.reason") {
            return .failure(r)
        }
        if let r = LaterStepDecisions.blank(erased.basis, "give the legal basis", field: "data.basis") {
            return .failure(r)
        }
        guard context.status.isClosed else {
            return .failure(
                Rejection(
                    .caseNotClosed,
                    "the case is \(context.status.rawValue); personal data is erased only from a closed case (withdraw or reject it first)",
                    field: "case"
                )
            )
        }
        guard !state.erasedByEvent.isSuperset(of: erased.groups) else {
            return .failure(
                Rejection(
                    .alreadyErased,
                    "the case's \(erased.groups.names.joined(separator: " and ")) data is already erased",
                    field: "data.scope"
                )
            )
        }
        if let reason = holdReason(state) {
            return .failure(Rejection(.erasureHeld, reason, field: "case"))
        }
        return .success([.personalDataErased(erased)])
    }

    /// Why the case's personal data must be kept, or `nil`: an open legal hold, an open
    /// complaint, or a refund still due.
    public static func holdReason(_ state: CaseState) -> String? {
        if let hold = state.openHolds.first {
            return "legal hold \(hold.id) is open (\(hold.reason)); release it first"
        }
        if let complaint = state.complaints.first(where: \.isOpen) {
            return "complaint \(complaint.id) is open; resolve it first"
        }
        if state.hasRefundDue {
            return "a refund is still due on this case; refund it first"
        }
        return nil
    }

    /// `place-hold`: a hold id not yet used on this case, and a reason.
    public static func placeHold(
        _ placed: CaseEvent.HoldPlaced,
        state: CaseState,
        context: CaseContext
    ) -> Result<[CaseEvent], Rejection> {
        if let r = EarlyStepDecisions.common(state, context, command: "place-hold", role: .privacyOfficer) {
            return .failure(r)
        }
        if let r = LaterStepDecisions.blank(placed.holdID, "give the hold an id", field: "data.holdId") {
            return .failure(r)
        }
        if let r = LaterStepDecisions.blank(placed.reason, "say why the case is held", field: "data.reason") {
            return .failure(r)
        }
        if state.holds.contains(where: { $0.id == placed.holdID }) {
            return .failure(
                Rejection(.holdExists, "hold \(placed.holdID) is already on this case", field: "data.holdId")
            )
        }
        return .success([.holdPlaced(placed)])
    }

    /// `release-hold`: an open hold of this case.
    public static func releaseHold(
        _ released: CaseEvent.HoldReleased,
        state: CaseState,
        context: CaseContext
    ) -> Result<[CaseEvent], Rejection> {
        if let r = EarlyStepDecisions.common(state, context, command: "release-hold", role: .privacyOfficer) {
            return .failure(r)
        }
        if let r = LaterStepDecisions.blank(released.holdID, "give the hold's id", field: "data.holdId") {
            return .failure(r)
        }
        if let r = LaterStepDecisions.blank(released.reason, "say why the hold ends", field: "data.reason") {
            return .failure(r)
        }
        guard state.openHolds.contains(where: { $0.id == released.holdID }) else {
            return .failure(
                Rejection(.holdNotFound, "no open hold \(released.holdID) on this case", field: "data.holdId")
            )
        }
        return .success([.holdReleased(released)])
    }
}
