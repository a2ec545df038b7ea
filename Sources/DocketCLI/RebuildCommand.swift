import ArgumentParser
import CertificationWire
import Chronology
import DocketApplication
import Projections

/// `docket rebuild [NAME…]`: read models rebuilt from the log, blue/green.
struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild read models from the log into new files and swap them in atomically.",
        discussion: """
            Each projection is built into <store>/projections/NAME.sqlite.building and renamed over the live file only when complete and synced: readers never see a half-built model, and a crash leaves the old one serving. With no NAME, every projection is rebuilt.

            --known-at T builds a separate file as the store held it at T (what did the reports show on date T?): <store>/projections/NAME.known-POSITION.sqlite, POSITION being the last event recorded by T. --as-of T builds one from the events whose business time is by T: NAME.asof-T.sqlite. The live model is untouched; `docket report NAME --as-of/--known-at T` reads these (and builds them itself when missing).

            --target postgres rebuilds the models in the store's PostgreSQL target instead (blue/green there too: built, copied by COPY into a new schema with the other stores' rows, swapped in one transaction); it also loads afresh a store the target refused as diverged.

            Projections: \(Projector.names.joined(separator: ", ")).

            Examples:
              docket rebuild
              docket rebuild revenue complaints
              docket rebuild revenue --known-at 2024-05-01
              docket rebuild cases --as-of 2024-05-01T00:00:00+08:00
              docket rebuild --target postgres
            """
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: "Projections to rebuild (default: all).")
    var names: [String] = []

    @OptionGroup var cut: CutOptions

    @Option(
        help: ArgumentHelp(
            "Where: sqlite (the store's files, the default) or postgres (its target).",
            valueName: "target"
        )
    )
    var target: String = "sqlite"

    func validate() throws {
        guard ["sqlite", "postgres"].contains(target) else {
            throw ValidationError("--target is sqlite or postgres, not \(target)")
        }
        if target == "postgres" && (cut.asOf != nil || cut.knownAt != nil) {
            throw ValidationError(
                "--target postgres rebuilds the live models; --as-of and --known-at build SQLite files"
            )
        }
        let unknown = names.filter { !Projector.names.contains($0) }
        if !unknown.isEmpty {
            throw ValidationError(
                "no projection \(unknown.joined(separator: ", ")); the projections are \(Projector.names.joined(separator: ", "))"
            )
        }
    }

    func run() throws {
        do {
            let service = try DocketService.open(at: options.path, readOnly: true)
            let selected = names.isEmpty ? Projector.names : names
            let cut = try self.cut.cut
            if cut != .now {
                for name in selected {
                    guard let file = try service.snapshot(name, cut: cut) else { continue }
                    print("built \(name) \(cut.phrase): \(file)")
                }
                return
            }
            let last = service.logPosition
            if target == "postgres" {
                guard cut == .now else {
                    throw DocketError(
                        .invalidParameter,
                        "--target postgres rebuilds the live models only",
                        field: "target"
                    )
                }
                try service.rebuildTarget(names) { step, position in
                    Terminal.progress("\(step): \(position) of \(last) events…")
                }
                Terminal.endProgress()
                for name in selected { print("rebuilt \(name) in postgres through position \(last)") }
                return
            }
            try service.rebuild(names) { name, position in
                Terminal.progress("rebuilding \(name): \(position) of \(last) events…")
            }
            Terminal.endProgress()
            for name in selected { print("rebuilt \(name) through position \(last)") }
        } catch {
            throw Terminal.fail(error)
        }
    }
}
