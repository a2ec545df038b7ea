import ArgumentParser
import DocketApplication
import Foundation

/// `--purpose TEXT` for every command that reads a case's personal data (issue 17): recorded
/// in the store's access log with the login name. `$DOCKET_PURPOSE` gives it to a script.
struct PurposeOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Why you read this personal data: a complaint id, an audit reference or a few words.",
            discussion:
                "Required (or $DOCKET_PURPOSE); recorded with your login name in the store's access log (`docket access CASE`).",
            valueName: "text"
        )
    )
    var purpose: String?

    /// The purpose, read by the login user over the command line.
    func readPurpose() throws(DocketError) -> ReadPurpose {
        let environment = ProcessInfo.processInfo.environment
        return try ReadPurpose(
            purpose ?? environment["DOCKET_PURPOSE"],
            actorID: environment["USER"] ?? "operator",
            role: "operator",
            channel: "cli",
            field: "--purpose"
        )
    }
}
