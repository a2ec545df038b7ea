import Certification

/// One complaint-work form as the case page draws it: its fields with what was typed and the
/// refusal's message next to the field it names.
struct FormModel: Sendable {
    struct Option: Sendable {
        var value: String
        var text: String
        var selected: Bool
    }

    struct Field: Sendable {
        var id: String
        var name: String
        var label: String
        var value: String
        var error: String?
        var isText = false
        var isSelect = false
        var isTextarea = false
        var inputType = "text"
        var maxLength: Int?
        var options: [Option] = []
    }

    var command: String
    var title: String
    var button: String
    var caseID: String
    var commandID: String
    var fields: [Field]
    /// A refusal that names no field of this form (a version conflict, a closed complaint).
    var generalError: String?

    /// The forms for a case whose open complaints are `open` (id and category) and all of
    /// whose complaints are `all`; `posted` is the form just refused, with its refusal.
    static func forms(
        caseID: String,
        open: [(id: String, category: String)],
        all: [String],
        posted: (command: String, form: CommandForm.Posted, field: String?, message: String)? = nil
    ) -> [FormModel] {
        func value(_ command: String, _ name: String, _ fallback: String = "") -> String {
            guard let posted, posted.command == command else { return fallback }
            return posted.form[name] ?? fallback
        }
        func error(_ command: String, _ name: String) -> String? {
            guard let posted, posted.command == command, let field = posted.field else { return nil }
            let bare = field.hasPrefix("data.") ? String(field.dropFirst(5)) : field
            return bare == name ? posted.message : nil
        }
        func text(_ command: String, _ name: String, _ label: String, max: Int = 200, type: String = "text") -> Field {
            Field(
                id: "\(command)-\(name)",
                name: name,
                label: label,
                value: value(command, name),
                error: error(command, name),
                isText: true,
                inputType: type,
                maxLength: max
            )
        }
        func area(_ command: String, _ name: String, _ label: String) -> Field {
            Field(
                id: "\(command)-\(name)",
                name: name,
                label: label,
                value: value(command, name),
                error: error(command, name),
                isTextarea: true,
                maxLength: 2000
            )
        }
        func select(_ command: String, _ name: String, _ label: String, _ choices: [(String, String)]) -> Field {
            let chosen = value(command, name, choices.first?.0 ?? "")
            return Field(
                id: "\(command)-\(name)",
                name: name,
                label: label,
                value: chosen,
                error: error(command, name),
                isSelect: true,
                options: choices.map { Option(value: $0.0, text: $0.1, selected: $0.0 == chosen) }
            )
        }
        func plain(_ values: [String]) -> [(String, String)] { values.map { ($0, $0) } }

        var forms: [FormModel] = []
        forms.append(
            FormModel(
                command: "lodge-complaint",
                title: "Lodge a complaint",
                button: "Lodge complaint",
                caseID: caseID,
                commandID: "",
                fields: [
                    text("lodge-complaint", "complaintId", "Complaint id (unique, e.g. CMP-2024-0001)", max: 64),
                    select(
                        "lodge-complaint",
                        "channel",
                        "Channel",
                        plain(CaseEvent.ComplaintLodged.Channel.allCases.map(\.rawValue))
                    ),
                    select(
                        "lodge-complaint",
                        "category",
                        "Category",
                        plain(CaseEvent.ComplaintLodged.Category.allCases.map(\.rawValue))
                    ),
                    area("lodge-complaint", "summary", "What the candidate says"),
                ]
            )
        )
        if !open.isEmpty {
            let openChoices = open.map { ($0.id, "\($0.id) (\($0.category))") }
            forms.append(
                FormModel(
                    command: "resolve-complaint",
                    title: "Resolve a complaint",
                    button: "Resolve complaint",
                    caseID: caseID,
                    commandID: "",
                    fields: [
                        select("resolve-complaint", "complaintId", "Complaint", openChoices),
                        select("resolve-complaint", "outcome", "Outcome", plain(["upheld", "dismissed"])),
                        area("resolve-complaint", "resolution", "Resolution (what was decided and told)"),
                    ]
                )
            )
        }
        let scoreComplaints = open.filter { $0.category == "score" }
        if !scoreComplaints.isEmpty {
            forms.append(
                FormModel(
                    command: "correct-score",
                    title: "Correct a score",
                    button: "Correct score",
                    caseID: caseID,
                    commandID: "",
                    fields: [
                        select(
                            "correct-score",
                            "complaintId",
                            "Under score complaint",
                            plain(scoreComplaints.map(\.id))
                        ),
                        select("correct-score", "subject", "Subject", plain(["theory", "skill"])),
                        text("correct-score", "score", "Corrected score (0–100)", max: 3, type: "number"),
                        area("correct-score", "reason", "Reason"),
                    ]
                )
            )
        }
        forms.append(
            FormModel(
                command: "add-note",
                title: "Add a note",
                button: "Add note",
                caseID: caseID,
                commandID: "",
                fields: [
                    area("add-note", "text", "Note"),
                    select("add-note", "complaintId", "About complaint (optional)", [("", "none")] + plain(all)),
                ]
            )
        )
        // A refusal naming none of the form's fields is shown under the whole form.
        if let posted, let i = forms.firstIndex(where: { $0.command == posted.command }),
            !forms[i].fields.contains(where: { $0.error != nil })
        {
            forms[i].generalError = posted.message
        }
        return forms
    }
}
