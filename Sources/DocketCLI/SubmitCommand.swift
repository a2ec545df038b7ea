import ArgumentParser
import CertificationWire
import DocketApplication
import DocketServer
import DocketStore
import EventLog
import Foundation
import Projections

/// `docket submit [FILE]`: commands as JSON Lines in, one result line out per command.
struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit commands as JSON Lines; print one result line per command once durable.",
        discussion: """
            Reads one command per line from FILE, or from standard input when no FILE is given (or FILE is -). Each result line is printed in input order as soon as the command's events are durable (or at once when it is refused):

              {"ok":true,"commandId":"c-1","stream":"case-2024-04-000001","events":[{"type":"Applied","version":1,"position":7}]}
              {"ok":false,"commandId":"c-2","stream":"case-2024-04-000002","error":{"code":"photo-too-small","message":"…","field":"data.photo.jpegBase64"}}

            A malformed line gets its own error line and the rest go on. Consecutive commands share syncs (group commit); inputs of any size stream through in constant memory.

            Exit status: 0 when every command was accepted, 1 when any was refused (or a line could not be read), 2 when the store failed (the commands from there on are answered store-failed).

            Example:
              docket submit commands.jsonl > results.jsonl
              tail -f commands.jsonl | docket submit
            """
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: ArgumentHelp("The JSON Lines file (default: standard input).", valueName: "file"))
    var file: String?

    @OptionGroup var clock: ClockSkewOption

    func run() throws {
        var lines: LineReader
        let store: DocketStore
        do {
            lines = (file == nil || file == "-") ? .standardInput() : try .file(file!)
            var storeOptions = DocketStore.Options()
            storeOptions.clockSkewLimit = clock.limit
            store = try DocketStore.open(at: options.path, options: storeOptions)
            try store.prepareForCommands()
        } catch let error as DocketStoreError where error.code == .storeLocked {
            Terminal.error(error.message)
            if error.message.contains("(\(DocketServer.lockHolder))") {
                Terminal.error(
                    "the store is being served: send the commands to the server instead, e.g. curl -H 'Authorization: Bearer TOKEN' -H 'Content-Type: application/x-ndjson' --data-binary @commands.jsonl http://HOST:PORT/v1/commands"
                )
            }
            throw ExitStatus.storeFailure
        } catch {
            throw Terminal.fail(error)
        }
        defer { lines.close() }
        let tally = Tally()
        var pending: [UInt8] = []
        // Results go to standard output; on a terminal, progress goes to standard error.
        SubmitPipeline.run(
            &lines,
            into: store,
            emit: { outcome in
                let counted = tally.count(outcome)
                if counted % 10_000 == 0 { Terminal.progress("\(counted) commands decided…") }
                outcome.writeLine(into: &pending)
                if pending.count >= 64 * 1024 {
                    Output.write(pending)
                    pending.removeAll(keepingCapacity: true)
                }
            },
            flush: {
                if !pending.isEmpty {
                    Output.write(pending)
                    pending.removeAll(keepingCapacity: true)
                }
            }
        )
        Terminal.endProgress()
        if let error = lines.error { Terminal.error(error.message) }
        // The read models are current when submit returns.
        var projectionsFailed = false
        let projector = Projector(storeRoot: options.path, log: store.log, keys: store.personalKeys)
        do {
            let last = store.log.lastPosition
            try projector.catchUp { _, position in
                Terminal.progress("bringing the read models up to date: \(position) of \(last) events…")
            }
            Terminal.endProgress()
        } catch {
            Terminal.error("the read models could not be brought up to date: \(error.message) (run `docket rebuild`)")
            projectionsFailed = true
        }
        // And the PostgreSQL target, if the store has one (a target that cannot be reached
        // is reported; the commands are durable whatever it says).
        do {
            let service = DocketService(store: store, projector: projector)
            if let target = try service.postgresTarget(required: false) {
                let last = store.log.lastPosition
                try service.updateTarget(target) { step, position in
                    Terminal.progress(
                        "bringing the PostgreSQL target up to date (\(step)): \(position) of \(last) events…"
                    )
                }
                Terminal.endProgress()
            }
        } catch {
            Terminal.error(
                "the PostgreSQL target could not be brought up to date: \(error) (run `docket projections update`)"
            )
            projectionsFailed = true
        }
        do {
            try store.close()
        } catch {
            throw Terminal.fail(error)
        }
        let (accepted, refused, failed) = tally.totals
        if Terminal.showsProgress {
            Terminal.error("\(accepted) accepted, \(refused) refused" + (failed > 0 ? ", \(failed) failed" : ""))
        }
        // A store failure is the store's (2); a refused command, or a line that could not be read, is 1.
        if failed > 0 { throw ExitStatus.storeFailure }
        if refused > 0 || lines.error != nil || projectionsFailed { throw ExitStatus.problem }
    }
}
