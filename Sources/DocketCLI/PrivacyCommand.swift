import ArgumentParser
import DocketApplication
import DocketStore
import EventLog
import Foundation

/// `docket privacy status|migrate`: the store's sealing of personal data (issue 17).
struct PrivacyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: "See how a store seals personal data, and copy an older store into a sealed one.",
        subcommands: [Status.self, Migrate.self]
    )

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Whether personal data is sealed, and how many case keys are live and destroyed."
        )
        @OptionGroup var options: StoreOptions

        func run() throws {
            let keyring: PersonalKeyring?
            do {
                guard DocketStore.exists(at: options.path) else {
                    throw DocketStoreError(
                        .storeNotFound,
                        "no store at \(options.path) (create one with `docket init`)"
                    )
                }
                keyring = try PersonalKeyring.open(storeRoot: options.path, readOnly: true)
            } catch {
                throw Terminal.fail(error)
            }
            guard let keyring else {
                print(
                    "personal data is NOT sealed: this store was made before sealing; copy it into a sealed one with `docket privacy migrate --from \(options.path) --store NEW`"
                )
                throw ExitStatus.problem
            }
            let counts = keyring.counts()
            print(
                "personal data is sealed per case (AES-256-GCM) under \(PersonalKeyring.path(storeRoot: options.path))"
            )
            print(
                "\(counts.cases) cases with keys: \(counts.live) keys live, \(counts.destroyed) destroyed by erasures"
            )
        }
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Copy a store made before sealing into a new store that seals personal data.",
            discussion: """
                The log is append-only and its hash chain covers every byte, so personal data already recorded in clear cannot be sealed in place: this makes a new store (--store, which must not exist yet) from the old one's events, sealing each case's personal data under new keys as it goes, and copies the photos. The events keep their times, actors and order; their positions and the chain are new, so checkpoints signed for the old store do not apply to the new one (sign a new one with `docket checkpoint create`).

                Then verify the new store, point clients at it, and delete the old one (with its backups) once you no longer need it.

                Example:
                  docket privacy migrate --from ./docket-data --store ./docket-sealed
                """
        )
        @Option(help: ArgumentHelp("The store to copy (not changed).", valueName: "dir"))
        var from: String
        @OptionGroup var options: StoreOptions

        func run() throws {
            let target = options.path
            do {
                guard !DocketStore.exists(at: target) else {
                    throw DocketStoreError(.invalidRequest, "a store already exists at \(target); give a new directory")
                }
                let source = try DocketStore.open(at: from, readOnly: true)
                defer { try? source.close() }
                try DocketStore.create(at: target)
                let spool = target + "/.migrate-\(getpid()).jsonl"
                defer { unlink(spool) }
                guard
                    let handle = FileHandle(forWritingAtPath: spool)
                        ?? {
                            FileManager.default.createFile(atPath: spool, contents: nil)
                            return FileHandle(forWritingAtPath: spool)
                        }()
                else {
                    throw DocketStoreError(.io, "cannot create \(spool)")
                }
                let total = source.log.lastPosition
                _ = try Exporter.export(source.log, keys: source.personalKeys, write: { handle.write(Data($0)) }) {
                    Terminal.progress("read \($0) of \(total) events…")
                }
                try handle.close()
                let store = try DocketStore.open(at: target, options: ImportCommand.bulk)
                var lines = try LineReader.file(spool)
                defer { lines.close() }
                let copied = try Importer.append(&lines, to: store) {
                    Terminal.progress("sealed \($0) of \(total) events…")
                }
                let photos = try Self.copyPhotos(from: from + "/photos", to: target + "/photos")
                // Completes the copied erasures now (their keys destroyed, their photos gone),
                // not at the next writer's open.
                try store.prepareForCommands()
                try store.close()
                Terminal.endProgress()
                print(
                    "copied \(copied) events and \(photos) photos into \(target), personal data sealed; run `docket verify --store \(target)`"
                )
            } catch {
                throw Terminal.fail(error)
            }
        }

        /// Copies every photo file (the photo store's two-level layout) and syncs.
        static func copyPhotos(from: String, to: String) throws -> Int {
            let fm = FileManager.default
            var copied = 0
            for shard in (try? fm.contentsOfDirectory(atPath: from)) ?? [] {
                try? fm.createDirectory(atPath: to + "/" + shard, withIntermediateDirectories: true)
                for file in (try? fm.contentsOfDirectory(atPath: from + "/" + shard)) ?? [] where file.hasSuffix(".jpg")
                {
                    let destination = to + "/" + shard + "/" + file
                    if fm.fileExists(atPath: destination) { continue }
                    try fm.copyItem(atPath: from + "/" + shard + "/" + file, toPath: destination)
                    copied += 1
                }
            }
            sync()
            return copied
        }
    }
}
