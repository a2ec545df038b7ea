import Chronology

/// Whether a recorded event would pass the rules today: the event taken as the command that
/// made it (``RecordedCommand``), its recorded role checked against the command's, its time
/// against the stream's previous event, and the decision re-run against the state before it.
///
/// The caller supplies the decision (the state, batches and cross-case look-ups as they stood
/// before the event), so the write side's verifier and the audit read model share one rule.
public enum RecordedRules {
    /// Why the rules would have refused a recorded case event, or `nil`.
    public static func check(
        _ event: CaseEvent,
        actorID: String,
        role: String,
        at: Timestamp,
        previousAt: Timestamp?,
        decide: (CaseCommand, Actor) -> Result<CaseDecider.Decision, Rejection>
    ) -> Rejection? {
        guard let recordedRole = Actor.Role(rawValue: role) else {
            return Rejection(.roleNotAllowed, "the actor's role \(role) is not a Docket role")
        }
        let command = RecordedCommand.command(for: event)
        guard recordedRole == command.name.role else {
            return Rejection(
                .roleNotAllowed,
                "\(command.name.rawValue) is for \(command.name.role.rawValue), not \(role)"
            )
        }
        if let previousAt, at < previousAt {
            return Rejection(.outOfOrder, "at \(at) is earlier than the previous event (\(previousAt))")
        }
        // The rules an event's erased fields fed (a name's presence, a note's length) cannot be
        // re-run once they are gone; the chain still proves what was recorded.
        guard event.erasedGroups.isEmpty else { return nil }
        switch decide(command, Actor(id: actorID, role: recordedRole)) {
        case .failure(let rejection): return rejection
        case .success(let decision) where decision.events.isEmpty:
            return Rejection(.paymentRefReused, "the payment reference was already recorded on this case")
        case .success: return nil
        }
    }

    /// Why the rules would have refused a recorded batch event, or `nil`.
    public static func check(
        _ event: BatchEvent,
        actorID: String,
        role: String,
        at: Timestamp,
        previousAt: Timestamp?,
        decide: (BatchCommand, Actor) -> Result<[BatchEvent], Rejection>
    ) -> Rejection? {
        guard let recordedRole = Actor.Role(rawValue: role) else {
            return Rejection(.roleNotAllowed, "the actor's role \(role) is not a Docket role")
        }
        if let previousAt, at < previousAt {
            return Rejection(.outOfOrder, "at \(at) is earlier than the previous event (\(previousAt))")
        }
        if case .failure(let rejection) = decide(
            RecordedCommand.command(for: event),
            Actor(id: actorID, role: recordedRole)
        ) {
            return rejection
        }
        return nil
    }
}
