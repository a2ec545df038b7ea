import ArgumentParser
import Certification
import DocketApplication
import DocketJSON
import DocketStore

/// `docket erase CASE --reason TEXT --basis TEXT [--scope all|details]`.
struct EraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a closed case's personal data for good (its facts stay).",
        discussion: """
            Records a PersonalDataErased event (who, why, the legal basis, which fields) and then destroys the case's keys: every view, timeline, search, report, export and rebuilt read model shows the case's facts (status, scores, dates, money, certificate number) with the personal fields erased. `docket verify` stays clean: the log still holds the sealed fields as it recorded them, which no one can open any more.

            --scope all (the default) erases the name, birth date, identity number, eligibility references, contact, photo and every free text; --scope details erases the contact, photo and free text and keeps the identity with the certificate record.

            Refused (exit 1) unless the case is closed (rejected, withdrawn, certified or failed; case-not-closed), and while anything holds it (erasure-held): an open legal hold (`docket hold`), an open complaint, or a refund still due. Erasure is per case: each case has its own keys; find a person's other cases with `docket search`.

            The store must not be served: when it is, send the erase-personal-data command to the server with a privacy-officer token.

            Examples:
              docket erase 2024-04-000001 --reason "candidate's request of 2026-11-30" --basis "PIPL art. 47"
              docket erase 2024-04-000002 --scope details --reason "retention" --basis "retention policy"
            """
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: "The case id.")
    var caseID: String

    @Option(help: ArgumentHelp("Why the data is erased (kept in clear: no personal data here).", valueName: "text"))
    var reason: String

    @Option(help: ArgumentHelp("The legal basis, such as \"PIPL art. 47\".", valueName: "text"))
    var basis: String

    @Option(help: ArgumentHelp("all, or details (contact, photo and free text).", valueName: "scope"))
    var scope = "all"

    @OptionGroup var officer: OfficerOption

    func validate() throws {
        guard scope == "all" || scope == "details" else { throw ValidationError("--scope is all or details") }
    }

    func run() throws {
        let service = try PrivacyCommandSupport.writer(options)
        defer { try? service.store.close() }
        let outcome = service.submit(
            .erasePersonalData,
            caseID: caseID,
            data: JSONObject([("scope", .string(scope)), ("reason", .string(reason)), ("basis", .string(basis))]),
            actor: PrivacyCommandSupport.officer(officer.actor),
            commandID: officer.commandID
        )
        try PrivacyCommandSupport.report(
            outcome,
            json: officer.json,
            done:
                "erased the \(scope == "all" ? "personal data" : "contact, photo and free text") of case \(caseID); its keys are destroyed"
        )
    }
}
