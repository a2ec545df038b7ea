import ArgumentParser
import Certification
import CertificationWire
import DocketStore
import DocketWorkload
import EventLog
import Foundation

/// `docket-bench submit`: the generated workload through the full path (parse, decide, durable
/// append, result line), then every case folded from the log.
struct SubmitBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Commands end to end (commandsPerSec, eventsPerSec), replay (replayCasesPerSec) and memory.",
        discussion: """
            Writes the seeded workload for N cases to a file first (not timed; reuse it with --workload), then submits it to a fresh store exactly as `docket submit` does, building every result line. Then folds every case from the log.

            Example: swift run -c release docket-bench submit --cases 100000
            """
    )

    @Option(help: "How many cases.")
    var cases = 100_000

    @Option(help: "A workload file written earlier (skips generating one).")
    var workload: String?

    @Option(help: "Where to put the store and workload (default: a temporary directory, removed after).")
    var directory: String?

    @Option(help: "Case states the write side keeps in memory.")
    var cacheCapacity = DocketStore.Options().caseCacheCapacity

    @Flag(
        inversion: .prefixedNo,
        help:
            "Seal personal data per case (the default); --no-sealing measures a store made before sealing, for the overhead."
    )
    var sealing = true

    @Flag(help: "Only replay the store already in --directory (from an earlier run).")
    var replayOnly = false

    @Flag(
        help: """
            Only open the write side of the store already in --directory, as every `docket submit` \
            and server start does, and close it (openSeconds, openPeakAnonMiB; whether it read the \
            cross-case index snapshot or the whole log is in the log's notice).
            """
    )
    var openOnly = false

    func run() throws {
        let directory = self.directory ?? Bench.temporaryDirectory("submit")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if self.directory == nil { try? FileManager.default.removeItem(atPath: directory) } }
        let storePath = directory + "/store"
        if openOnly {
            let memory = MemorySampler()
            var options = DocketStore.Options()
            options.caseCacheCapacity = cacheCapacity
            var store: DocketStore?
            let openSeconds = try Bench.seconds {
                store = try DocketStore.open(at: storePath, options: options)
                try store?.prepareForCommands()
            }
            let closeSeconds = try Bench.seconds { try store?.close() }
            let (anon, _) = memory.stop()
            Bench.printJSON([
                ("events", store?.log.lastPosition ?? 0), ("openSeconds", openSeconds),
                ("closeSeconds", closeSeconds), ("openPeakAnonMiB", anon), ("peakRSSMiB", Self.peakRSSMiB()),
            ])
            return
        }
        if replayOnly {
            let memory = MemorySampler()
            let (cases, events, seconds) = try Self.replay(storePath)
            let (anon, _) = memory.stop()
            Bench.printJSON([
                ("replayedCases", cases), ("replaySeconds", seconds),
                ("replayCasesPerSec", Double(cases) / seconds), ("replayEventsPerSec", Double(events) / seconds),
                ("peakRSSMiB", Self.peakRSSMiB()), ("replayPeakAnonMiB", anon),
            ])
            return
        }
        var file = workload ?? directory + "/commands.jsonl"
        if workload == nil {
            Bench.progress("writing the workload for \(cases) cases to \(file) …")
            _ = FileManager.default.createFile(atPath: file, contents: nil)
            guard let handle = FileHandle(forWritingAtPath: file) else {
                throw ValidationError("cannot write the workload to \(file)")
            }
            var out: [UInt8] = []
            for line in CommandWorkload(cases: cases) {
                out += line
                out.append(0x0A)
                if out.count >= 8 << 20 {
                    handle.write(Data(out))
                    out.removeAll(keepingCapacity: true)
                }
            }
            handle.write(Data(out))
            try handle.close()
        }
        file = (file as NSString).standardizingPath
        let inputBytes = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? UInt64) ?? 0
        try? FileManager.default.removeItem(atPath: storePath)
        try DocketStore.create(at: storePath)
        if !sealing { try FileManager.default.removeItem(atPath: PersonalKeyring.path(storeRoot: storePath)) }
        var storeOptions = DocketStore.Options()
        storeOptions.caseCacheCapacity = cacheCapacity
        // How many group commits the log made (each one `fdatasync`): the writer's share.
        let groups = GroupCounter()
        storeOptions.onGroupCommitted = { if $0.syncSeconds > 0 { groups.countSync() } }
        let store = try DocketStore.open(at: storePath, options: storeOptions)
        try store.prepareForCommands()

        Bench.progress("submitting …")
        let memory = MemorySampler()
        let counts = Counts()
        var lines = try LineReader.file(file)
        let submitSeconds = Bench.seconds {
            var sink: [UInt8] = []
            SubmitPipeline.run(
                &lines,
                into: store,
                emit: { outcome in
                    counts.add(outcome)
                    outcome.writeLine(into: &sink)
                },
                flush: { sink.removeAll(keepingCapacity: true) }
            )
        }
        lines.close()
        try store.close()
        let submitRSS = Self.peakRSSMiB()
        let (submitAnon, submitFile) = memory.stop()
        let (commands, accepted, events) = counts.totals

        Bench.progress("replaying every case from the log …")
        let replayMemory = MemorySampler()
        let (replayedCases, replayedEvents, replaySeconds) = try Self.replay(storePath)
        let (replayAnon, _) = replayMemory.stop()
        Bench.printJSON([
            ("cases", cases),
            ("commands", commands),
            ("accepted", accepted),
            ("events", events),
            ("inputMiB", Double(inputBytes) / 1_048_576),
            ("submitSeconds", submitSeconds),
            ("commandsPerSec", Double(commands) / submitSeconds),
            ("eventsPerSec", Double(events) / submitSeconds),
            ("groupCommits", groups.synced),
            ("replayedCases", replayedCases),
            ("replaySeconds", replaySeconds),
            ("replayCasesPerSec", Double(replayedCases) / replaySeconds),
            ("replayEventsPerSec", Double(replayedEvents) / replaySeconds),
            ("sealing", sealing),
            ("caseCacheCapacity", cacheCapacity),
            ("submitPeakRSSMiB", submitRSS),
            // The write side's own memory, apart from the log's files read through maps.
            ("submitPeakAnonMiB", submitAnon),
            ("submitPeakMappedFileMiB", submitFile),
            ("replayPeakAnonMiB", replayAnon),
            ("peakRSSMiB", Self.peakRSSMiB()),
        ])
    }

    /// Folds every case of the store from its log, three times; the fastest run counts (this VM
    /// varies ±30 % from run to run): (cases, events, seconds).
    static func replay(_ storePath: String) throws -> (Int, Int, Double) {
        var best = (0, 0, Double.infinity)
        for _ in 0..<3 {
            let run = try replayOnce(storePath)
            if run.2 < best.2 { best = run }
        }
        return best
    }

    static func replayOnce(_ storePath: String) throws -> (Int, Int, Double) {
        let log = try EventLog.open(at: storePath, readOnly: true)
        // Sealed personal data is opened as every reader opens it (issue 17).
        let keys = try PersonalKeyring.open(storeRoot: storePath, readOnly: true)
        // Keyed by stream name: a case's stream is its id with a prefix.
        var states: [String: CaseState] = [:]
        states.reserveCapacity(Int(log.lastPosition / 6) + 16)
        var events = 0
        // Every event lent in place (no copy of its envelope or payload), decoded, folded.
        let casePrefix = Array(StreamName.casePrefix.utf8)
        let seconds = try Bench.seconds {
            try log.scan { (recorded) throws(EventLogError) in
                guard recorded.stream.starts(with: casePrefix) else { return }
                let event: DomainEvent
                do throws(EventCoding.DecodingError) {
                    event = try EventCoding.decode(
                        type: recorded.typeName,
                        payload: recorded.payload,
                        stream: recorded.streamName,
                        keys: keys
                    )
                } catch {
                    throw EventLogError(.corruption, "\(error)", position: recorded.position)
                }
                guard case .caseEvent(let e) = event else { return }
                states[recorded.streamName, default: CaseState()].evolve(
                    with: e,
                    at: recorded.occurredAt,
                    position: recorded.position
                )
                events += 1
            }
        }
        return (states.count, events, seconds)
    }

    static func peakRSSMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
