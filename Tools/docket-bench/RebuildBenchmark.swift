import ArgumentParser
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
            Rebuilds every projection of the store in --directory (made by `docket-bench submit --directory DIR`), then submits --commands more commands of a fresh workload in small batches, bringing the read models up to date after each, and times every report.

            Example:
              docket-bench submit --cases 100000 --directory /tmp/b && docket-bench rebuild --directory /tmp/b
            """
    )

    @Option(help: "A directory holding `store` from `docket-bench submit`.")
    var directory: String

    @Option(help: "Commands submitted while measuring catch-up lag.")
    var commands = 5_000

    @Option(help: "Commands per durable batch during the lag measurement.")
    var batch = 50

    func run() throws {
        let storePath = directory + "/store"
        let store = try DocketStore.open(at: storePath)
        let projector = try Projector(storeRoot: storePath, log: store.log)
        let events = store.log.lastPosition
        Bench.progress("rebuilding \(Projector.names.count) projections over \(events) events …")
        // All projections in one pass over the log, as `docket rebuild` does.
        let total = try Bench.seconds { try projector.rebuild() }
        // And the cases model alone, the heaviest.
        let casesOnly = try Bench.seconds { try projector.rebuild(["cases"]) }
        let perProjection: [(String, Any)] = [("rebuildSeconds_casesAlone", casesOnly)]

        Bench.progress("catch-up lag under load …")
        try store.prepareForCommands()
        var lags: [Double] = []
        var generated = 0
        var pending: [[UInt8]] = []
        // New cases: another seed, with case ids prefixed so they do not collide with the store's.
        for line in Self.fresh(count: commands) {
            pending.append(line)
            generated += 1
            if pending.count == batch {
                lags.append(try submitAndCatchUp(pending, store, projector))
                pending.removeAll()
            }
        }
        if !pending.isEmpty { lags.append(try submitAndCatchUp(pending, store, projector)) }

        var reports: [(String, Any)] = []
        let today = Timestamp.now().localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset).description
        for name in Report.names {
            var filters = Report.Filters()
            if name == "timelines" { filters.caseID = "2024-04-000001" }
            let seconds = try Bench.seconds {
                _ = try Report.run(name, filters: filters, projector: projector, today: today)
            }
            reports.append(("reportMillis_\(name)", seconds * 1000))
        }
        try store.close()
        Bench.printJSON(
            [
                ("events", events), ("projections", Projector.names.count),
                ("rebuildSeconds", total), ("rebuildEventsPerSec", Double(events) / total),
            ] + perProjection + [
                ("catchUpBatches", lags.count), ("commandsPerBatch", batch),
                ("catchUpLagP50Millis", Bench.percentile(lags, 0.5) * 1000),
                ("catchUpLagP99Millis", Bench.percentile(lags, 0.99) * 1000),
            ] + reports
        )
    }

    /// `count` commands of a seeded workload for new cases (ids prefixed `L`).
    static func fresh(count: Int) -> [[UInt8]] {
        let workload = CommandWorkload(cases: max(1, count / 8), seed: 77)
        return workload.prefix(count).map { line in
            Array(
                String(decoding: line, as: UTF8.self).replacingOccurrences(of: "\"case\":\"", with: "\"case\":\"L").utf8
            )
        }
    }

    /// Submits `lines` (durable), then times how long until the read models show them.
    func submitAndCatchUp(_ lines: [[UInt8]], _ store: DocketStore, _ projector: Projector) throws -> Double {
        let done = DispatchSemaphore(value: 0)
        let counter = Counter(lines.count)
        store.submit(lines) { _, _ in if counter.decrement() { done.signal() } }
        done.wait()
        return try Bench.seconds { try projector.catchUp() }
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
