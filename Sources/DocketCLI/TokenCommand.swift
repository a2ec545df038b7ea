import ArgumentParser
import Certification
import DocketServer
import DocketStore

/// `docket token add`: a bearer token for the HTTP API.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage the HTTP API's bearer tokens.",
        subcommands: [Add.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Make a token for an actor in one role and print it (the only time it is shown).",
            discussion: """
                The store keeps only the token's SHA-256 (in <store>/tokens.jsonl, readable by the owner only): keep the printed token safe, and add a new one if it is lost. A running server picks up new tokens without a restart. Commands sent with the token are recorded as this actor in this role, whatever their body says.

                Roles: \(Actor.Role.allCases.map(\.rawValue).joined(separator: ", ")). auditor and reporter are read-only; only registrar and auditor see full identity numbers.

                Examples:
                  docket token add --role portal --actor portal-web
                  docket token add --role reporter --actor nightly-report
                """
        )

        @OptionGroup var options: StoreOptions

        @Option(help: ArgumentHelp("The token's one role.", valueName: "role"))
        var role: String

        @Option(help: ArgumentHelp("The actor the token speaks for (recorded on its commands).", valueName: "id"))
        var actor: String

        func validate() throws {
            guard Actor.Role(rawValue: role) != nil else {
                throw ValidationError(
                    "--role \(role) is not a role; use one of \(Actor.Role.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
        }

        func run() throws {
            guard DocketStore.exists(at: options.path) else {
                Terminal.error("no store at \(options.path) (create one with `docket init`)")
                throw ExitStatus.problem
            }
            do {
                let token = try TokenFile.add(
                    actor: actor,
                    role: Actor.Role(rawValue: role)!,
                    path: TokenFile.path(storeRoot: options.path)
                )
                print(token)
            } catch {
                Terminal.error(error.message)
                throw ExitStatus.problem
            }
        }
    }
}
