/// Complaints (投诉监督, notice §四(五)): a supervisor lodges one on a case, open or closed, and
/// later resolves it. Complaint ids are unique across cases.
public enum ComplaintDecisions {
    /// `lodge-complaint`.
    public static func lodge(
        _ lodged: CaseEvent.ComplaintLodged,
        state: CaseState,
        context: CaseContext
    ) -> Result<[CaseEvent], Rejection> {
        if let r = EarlyStepDecisions.common(state, context, command: "lodge-complaint", role: .supervisor) {
            return .failure(r)
        }
        if let r = LaterStepDecisions.blank(lodged.complaintID, "give the complaint id", field: "data.complaintId") {
            return .failure(r)
        }
        if let r = LaterStepDecisions.blank(lodged.summary, "summarise the complaint", field: "data.summary") {
            return .failure(r)
        }
        if state.complaints.contains(where: { $0.id == lodged.complaintID })
            || context.caseWithComplaintID(lodged.complaintID) != nil
        {
            return .failure(
                Rejection(
                    .complaintExists,
                    "complaint id \(lodged.complaintID) is already used",
                    field: "data.complaintId"
                )
            )
        }
        return .success([.complaintLodged(lodged)])
    }

    /// `resolve-complaint`: `upheld` or `dismissed`, with a resolution text, once.
    public static func resolve(
        _ resolved: CaseEvent.ComplaintResolved,
        state: CaseState,
        context: CaseContext
    ) -> Result<[CaseEvent], Rejection> {
        if let r = EarlyStepDecisions.common(state, context, command: "resolve-complaint", role: .supervisor) {
            return .failure(r)
        }
        if let r = LaterStepDecisions.blank(resolved.complaintID, "give the complaint id", field: "data.complaintId") {
            return .failure(r)
        }
        if let r = LaterStepDecisions.blank(
            resolved.resolution,
            "say how the complaint was resolved",
            field: "data.resolution"
        ) {
            return .failure(r)
        }
        guard let complaint = state.complaints.last(where: { $0.id == resolved.complaintID }) else {
            return .failure(
                Rejection(
                    .complaintNotFound,
                    "no complaint \(resolved.complaintID) on this case",
                    field: "data.complaintId"
                )
            )
        }
        guard complaint.isOpen else {
            return .failure(
                Rejection(
                    .complaintClosed,
                    "complaint \(resolved.complaintID) was already \(complaint.outcome!.rawValue)",
                    field: "data.complaintId"
                )
            )
        }
        return .success([.complaintResolved(resolved)])
    }

    /// `add-note`: a supervisor's note, 1 to 2,000 characters, on any case (open or closed),
    /// about one of its complaints when `complaintId` is given.
    public static func addNote(
        _ note: CaseEvent.NoteAdded,
        state: CaseState,
        context: CaseContext
    ) -> Result<[CaseEvent], Rejection> {
        if let r = EarlyStepDecisions.common(state, context, command: "add-note", role: .supervisor) {
            return .failure(r)
        }
        if let r = LaterStepDecisions.blank(note.text, "write the note's text", field: "data.text") {
            return .failure(r)
        }
        guard note.text.count <= CaseEvent.NoteAdded.maximumCharacters else {
            return .failure(
                Rejection(
                    .invalidField,
                    "a note is at most 2,000 characters; this one has \(note.text.count)",
                    field: "data.text"
                )
            )
        }
        if let id = note.complaintID, !state.complaints.contains(where: { $0.id == id }) {
            return .failure(
                Rejection(.complaintNotFound, "no complaint \(id) on this case", field: "data.complaintId")
            )
        }
        return .success([.noteAdded(note)])
    }
}
