import ArgumentParser
import Certification
import CertificationWire
import DocketApplication
import DocketJSON
import DocketServer
import DocketStore
import Foundation

/// What `erase`, `hold` and `retention apply` share: opening the store for writing (pointing at
/// the server when it holds the store), the privacy officer acting, and printing an outcome.
enum PrivacyCommandSupport {
    /// The store's service, open for writing.
    static func writer(_ options: StoreOptions) throws -> DocketService {
        do {
            let service = try DocketService.open(at: options.path, readOnly: false)
            return service
        } catch let error as DocketError where error.code == .storeLocked {
            Terminal.error(error.message)
            if error.message.contains("(\(DocketServer.lockHolder))") {
                Terminal.error(
                    "the store is being served: send the command to the server (POST /v1/commands) with a privacy-officer token"
                )
            }
            throw ExitStatus.storeFailure
        } catch {
            throw Terminal.fail(error)
        }
    }

    /// The privacy officer the command acts as (`--actor`, default the login name).
    static func officer(_ id: String?) -> Actor {
        Actor(id: id ?? ProcessInfo.processInfo.environment["USER"] ?? "privacy-officer", role: .privacyOfficer)
    }

    /// Prints `outcome` (its result line with `--json`, else a sentence) and exits 1 when it was
    /// refused, 2 when the store failed.
    static func report(_ outcome: CommandOutcome, json: Bool, done: String) throws {
        if json {
            var line: [UInt8] = []
            outcome.writeLine(into: &line)
            Output.write(line)
        }
        if let failure = outcome.storeFailure {
            Terminal.error("the store failed: \(failure)")
            throw ExitStatus.storeFailure
        }
        if let rejection = outcome.rejection {
            Terminal.error(
                "refused: \(rejection.code.rawValue): \(rejection.message)" + (rejection.field.map { " (\($0))" } ?? "")
            )
            throw ExitStatus.problem
        }
        if !json {
            let at = outcome.events.first.map { " (log position \($0.position))" } ?? ""
            print(done + at)
        }
    }
}

/// `--actor` for the privacy officer's commands.
struct OfficerOption: ParsableArguments {
    @Option(help: ArgumentHelp("Who is acting, recorded on the event (default: $USER).", valueName: "id"))
    var actor: String?

    @Option(
        name: .customLong("command-id"),
        help: ArgumentHelp("The command's id, to retry it safely (default: a new one).", valueName: "id")
    )
    var commandID: String?

    @Flag(help: "Print the command's result line (JSON) instead of a sentence.")
    var json = false
}
