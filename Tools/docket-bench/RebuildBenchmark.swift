import ArgumentParser
import CertificationWire
import Chronology
import DocketStore
import DocketWorkload
import EventLog
import Foundation
import Projections

/// `docket-bench rebuild`: every read model rebuilt from an existing log, catch-up lag under a
/// steady submit load, and each report's time.
struct RebuildBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Projections: rebuildEventsPerSec, catchUpLagP99Millis, reportMillis.",
        discussion: """
            Rebuilds every projection of the store in --directory (made by `docket-bench submit --directory DIR`); then, while one thread submits --commands more commands of a fresh workload at --rate per second, another brings the read models up to date again and again, and each batch's lag from durable to visible is recorded; then times every report (best of three).

            Example:
              docket-bench submit --cases 100000 --directory /tmp/b && docket-bench rebuild --directory /tmp/b
            """
    )

    @Option(help: "A directory holding `store` from `docket-bench submit`.")
    var directory: String

    @Option(help: "Commands submitted while measuring catch-up lag.")
    var commands = 6_000

    @Option(help: "Commands per submitted batch during the lag measurement.")
    var batch = 20

    @Option(help: "Commands per second submitted during the lag measurement (a steady load).")
    var rate = 1_000

    @Option(help: "Full rebuilds timed (the best is reported).")
    var runs = 1

    @Flag(help: "Also time each projection rebuilt alone.")
    var alone = false

    func run() throws {
        let storePath = directory + "/store"
        let store = try DocketStore.open(at: storePath)
        let projector = try Projector(storeRoot: storePath, log: store.log, keys: store.personalKeys)
        let events = store.log.lastPosition
        Bench.progress("rebuilding \(Projector.names.count) projections over \(events) events …")
        // All projections in one pass over the log, as `docket rebuild` does (best of --runs).
        var total = Double.infinity
        for _ in 0..<runs { total = min(total, try Bench.seconds { try projector.rebuild() }) }
        var perProjection: [(String, Any)] = []
        if alone {
            for name in Projector.names {
                Bench.progress("rebuilding \(name) alone …")
                perProjection.append(
                    ("rebuildSecondsAlone_\(name)", try Bench.seconds { try projector.rebuild([name]) })
                )
            }
        }

        Bench.progress("catch-up lag under a steady submit load …")
        try store.prepareForCommands()
        let lags = try measureLag(store, storePath)

        var reports: [(String, Any)] = []
        let today = Timestamp.now().localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset).description
        for name in Report.names {
            var filters = Report.Filters()
            if name == "timelines" { filters.caseID = "2024-04-000001" }
            var best = Double.infinity
            for _ in 0..<3 {
                best = min(
                    best,
                    try Bench.seconds { _ = try Report.run(name, filters: filters, projector: projector, today: today) }
                )
            }
            reports.append(("reportMillis_\(name)", best * 1000))
        }
        // What a reporting job usually asks for: one batch's cases, not every case ever.
        var oneBatch = Report.Filters()
        oneBatch.batch = "2024-04"
        let batchSeconds = try Bench.seconds {
            _ = try Report.run("cases", filters: oneBatch, projector: projector, today: today)
        }
        reports.append(("reportMillis_cases_oneBatch", batchSeconds * 1000))
        try store.close()
        Bench.printJSON(
            [
                ("events", events), ("projections", Projector.names.count),
                ("rebuildSeconds", total), ("rebuildEventsPerSec", Double(events) / total),
            ] + perProjection + [
                ("lagSamples", lags.count), ("submitCommandsPerSec", rate),
                ("catchUpLagP50Millis", Bench.percentile(lags, 0.5) * 1000),
                ("catchUpLagP99Millis", Bench.percentile(lags, 0.99) * 1000),
                ("catchUpLagMaxMillis", (lags.max() ?? 0) * 1000),
            ] + reports
        )
    }

    /// One thread submits `--commands` new commands at `--rate` per second in batches of
    /// `--batch`; another brings the read models up to date over and over. Each batch's lag runs
    /// from the moment its last command is durable to the end of the first catch-up that
    /// includes it.
    func measureLag(_ store: DocketStore, _ storePath: String) throws -> [Double] {
        let follower = Projector(storeRoot: storePath, log: store.log, keys: store.personalKeys)
        return try Self.measureLag(store, commands: commands, batch: batch, rate: rate) { try follower.catchUp() }
    }

    /// One thread submits `commands` new commands at `rate` per second in batches of `batch`;
    /// this one runs `catchUp` over and over. Each batch's lag runs from the moment its last
    /// command is durable to the end of the first `catchUp` that began after it.
    static func measureLag(
        _ store: DocketStore,
        commands: Int,
        batch: Int,
        rate: Int,
        catchUp: () throws -> Void
    ) throws -> [Double] {
        let state = LagState()
        let lines = Self.fresh(count: commands)
        let submitter = Thread {
            let interval = Double(batch) / Double(rate)
            var next = ContinuousClock.now
            for start in stride(from: 0, to: lines.count, by: batch) {
                let chunk = Array(lines[start..<min(lines.count, start + batch)])
                let done = DispatchSemaphore(value: 0)
                let counter = Counter(chunk.count)
                let highest = HighestPosition()
                store.submit(chunk) { _, outcome in
                    highest.note(outcome.events.map(\.position).max() ?? 0)
                    if counter.decrement() { done.signal() }
                }
                done.wait()
                state.durable(position: highest.value, at: ContinuousClock.now)
                next = next.advanced(by: .seconds(interval))
                let wait = next - ContinuousClock.now
                if wait > .zero { Thread.sleep(forTimeInterval: wait.seconds) }
            }
            state.finish()
        }
        submitter.start()
        var failure: (any Error)?
        while !state.isFinished || state.hasPending {
            let before = store.log.lastPosition
            do { try catchUp() } catch {
                failure = error
                break
            }
            state.visible(through: before, at: ContinuousClock.now)
            if !state.hasPending { Thread.sleep(forTimeInterval: 0.001) }
        }
        while !state.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        if let failure { throw failure }
        return state.lags
    }

    /// `count` commands of a workload for new cases: a seed of its own for each run (so payment
    /// references, tickets and people are new) and case ids prefixed with it.
    static func fresh(count: Int) -> [[UInt8]] {
        let seed = 1_000 + UInt64(Date().timeIntervalSince1970) % 1_000_000
        let workload = CommandWorkload(cases: max(1, count / 8), seed: seed)
        return workload.prefix(count).map { line in
            Array(
                String(decoding: line, as: UTF8.self)
                    .replacingOccurrences(of: "\"case\":\"", with: "\"case\":\"L\(seed)-").utf8
            )
        }
    }
}

/// Counts down deliveries.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: Int
    init(_ count: Int) { remaining = count }
    /// Returns true when the count reaches zero.
    func decrement() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        remaining -= 1
        return remaining == 0
    }
}

/// The highest position a batch's results name.
final class HighestPosition: @unchecked Sendable {
    private let lock = NSLock()
    private var highest: UInt64 = 0
    func note(_ position: UInt64) { lock.withLock { highest = max(highest, position) } }
    var value: UInt64 { lock.withLock { highest } }
}

/// Batches durable but not yet visible, and the lags of those that became visible.
final class LagState: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [(position: UInt64, at: ContinuousClock.Instant)] = []
    private(set) var lags: [Double] = []
    private var finished = false

    func durable(position: UInt64, at instant: ContinuousClock.Instant) {
        lock.withLock { pending.append((position, instant)) }
    }

    func visible(through position: UInt64, at instant: ContinuousClock.Instant) {
        lock.withLock {
            while let first = pending.first, first.position <= position {
                lags.append((instant - first.at).seconds)
                pending.removeFirst()
            }
        }
    }

    func finish() { lock.withLock { finished = true } }
    var isFinished: Bool { lock.withLock { finished } }
    var hasPending: Bool { lock.withLock { !pending.isEmpty } }
}
