import ArgumentParser
import Certification
import DocketJSON
import DocketServer
import DocketStore

/// `docket token add|list|revoke`: the HTTP API's bearer tokens.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage the HTTP API's bearer tokens.",
        subcommands: [Add.self, List.self, Revoke.self]
    )

    /// The tokens file of `options`' store, or exit 1 with a message when there is no store.
    static func path(_ options: StoreOptions) throws -> String {
        guard DocketStore.exists(at: options.path) else {
            Terminal.error("no store at \(options.path) (create one with `docket init`)")
            throw ExitStatus.problem
        }
        return TokenFile.path(storeRoot: options.path)
    }

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

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the tokens: id, actor, role, when made (never the tokens themselves).",
            discussion: """
                The id is the first 12 hex digits of the token's SHA-256: a name for it that grants nothing, for `docket token revoke --id`.

                Examples:
                  docket token list
                  docket token list --output jsonl
                """
        )

        @OptionGroup var options: StoreOptions

        @OptionGroup var output: OutputOptions

        func run() throws {
            let path = try TokenCommand.path(options)
            do {
                let entries = try TokenFile(path: path).entries
                let listing = Listing(
                    columns: ["id", "actor", "role", "createdAt"],
                    rows: entries.map {
                        [.string($0.id), .string($0.actor), .string($0.role.rawValue), .string($0.createdAt)]
                    }
                )
                Output.write(listing.rendered(output.format, csvBOM: output.csvBOM))
            } catch {
                Terminal.error(error.message)
                throw ExitStatus.problem
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke",
            abstract: "Revoke tokens by id or by actor; a running server refuses them within a second.",
            discussion: """
                Exits 1 if nothing matched (a script revoking a token that is already gone learns it).

                Examples:
                  docket token revoke --id 3f9a0c1d22b7
                  docket token revoke --actor portal-web
                """
        )

        @OptionGroup var options: StoreOptions

        @Option(help: ArgumentHelp("The token's id (from `docket token list`).", valueName: "id"))
        var id: String?

        @Option(help: ArgumentHelp("Revoke every token of this actor.", valueName: "id"))
        var actor: String?

        func validate() throws {
            guard (id == nil) != (actor == nil) else { throw ValidationError("give --id or --actor (one of them)") }
            if let id, id.count < 8 || !id.allSatisfy(\.isHexDigit) {
                throw ValidationError("--id is at least 8 hex digits of a token's id (see `docket token list`)")
            }
        }

        func run() throws {
            let path = try TokenCommand.path(options)
            do {
                let id = self.id?.lowercased()
                let actor = self.actor
                let revoked = try TokenFile.revoke(path: path) { entry in
                    if let id { return entry.id.hasPrefix(id) }
                    return entry.actor == actor
                }
                guard !revoked.isEmpty else {
                    Terminal.error("no token matched; `docket token list` shows them")
                    throw ExitStatus.problem
                }
                for e in revoked { print("revoked \(e.id) (\(e.actor), \(e.role.rawValue))") }
            } catch let error as TokenError {
                Terminal.error(error.message)
                throw ExitStatus.problem
            }
        }
    }
}
