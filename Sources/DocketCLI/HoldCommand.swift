import ArgumentParser
import Certification
import DocketApplication
import DocketJSON
import DocketStore

/// `docket hold add|release CASE --hold-id ID --reason TEXT`.
struct HoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold",
        abstract: "Place or release a legal hold on a case (its personal data is then never erased).",
        discussion: """
            A hold is an event in the case's stream (HoldPlaced, HoldReleased), shown in the case view's "holds". While a hold is open, `docket erase` and `docket retention apply` leave the case alone (erasure-held). Open complaints and refunds still due hold a case too, without a hold of their own.

            Examples:
              docket hold add 2024-04-000001 --hold-id audit-2026-07 --reason "provincial audit of batch 2024-04"
              docket hold release 2024-04-000001 --hold-id audit-2026-07 --reason "audit closed"
            """,
        subcommands: [Add.self, Release.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Place a legal hold.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The case id.") var caseID: String
        @Option(
            name: .customLong("hold-id"),
            help: ArgumentHelp("The hold's id (unique on the case).", valueName: "id")
        )
        var holdID: String
        @Option(help: ArgumentHelp("Why the case is held.", valueName: "text")) var reason: String
        @OptionGroup var officer: OfficerOption

        func run() throws {
            try HoldCommand.send(
                .placeHold,
                options,
                caseID,
                holdID,
                reason,
                officer,
                done: "placed hold \(holdID) on case \(caseID)"
            )
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "release", abstract: "Release a legal hold.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The case id.") var caseID: String
        @Option(name: .customLong("hold-id"), help: ArgumentHelp("The open hold's id.", valueName: "id"))
        var holdID: String
        @Option(help: ArgumentHelp("Why the hold ends.", valueName: "text")) var reason: String
        @OptionGroup var officer: OfficerOption

        func run() throws {
            try HoldCommand.send(
                .releaseHold,
                options,
                caseID,
                holdID,
                reason,
                officer,
                done: "released hold \(holdID) on case \(caseID)"
            )
        }
    }

    static func send(
        _ name: CommandName,
        _ options: StoreOptions,
        _ caseID: String,
        _ holdID: String,
        _ reason: String,
        _ officer: OfficerOption,
        done: String
    ) throws {
        let service = try PrivacyCommandSupport.writer(options)
        defer { try? service.store.close() }
        let outcome = service.submit(
            name,
            caseID: caseID,
            data: JSONObject([("holdId", .string(holdID)), ("reason", .string(reason))]),
            actor: PrivacyCommandSupport.officer(officer.actor),
            commandID: officer.commandID
        )
        try PrivacyCommandSupport.report(outcome, json: officer.json, done: done)
    }
}
