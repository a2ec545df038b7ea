import ArgumentParser
import Chronology
import DocketWorkload
import EventLog
import Foundation
import Logging

/// `docket-bench log`: the event log's figures on a realistic, interleaved history.
struct LogBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Bulk append, group commit, small commits, scan, stream reads, open and verify of the event log."
    )

    @Option(help: "How many events to write (about ten per case).")
    var events = 1_000_000

    @Option(help: "Events per durable batch in the bulk phase.")
    var batch = 1000

    @Option(help: "Concurrent one-event appenders in the group-commit phase.")
    var appenders = 64

    @Option(help: "Block size in bytes (raw).")
    var blockSize = EventLog.Options().blockSize

    @Flag(help: "Run only the bulk-append phase (for profiling).")
    var bulkOnly = false

    @Option(help: "With --directory: reuse its bulk store and run only these phases (scan, read, verify, open).")
    var reuse: String?

    @Flag(help: "Bulk phase without per-batch syncs (one sync at the end), as an import runs.")
    var noSync = false

    @Option(help: "Where to put the stores (default: a new temporary directory, removed after).")
    var directory: String?

    @Option(
        help:
            "The shared peer workload (JSON Lines; ../shared/peers/workload.md): append, scan and read exactly these events."
    )
    var workload: String?

    @Option(help: "With --workload: the streams to read one at a time (one name a line).")
    var sample: String?

    @Option(
        help: """
            With --workload: commits kept in flight by the appending client (1: each waits for the one \
            before; 2: the next is written while the one before syncs). Each is acknowledged only \
            after an fdatasync that began after it was written.
            """
    )
    var inFlight = 2

    mutating func run() async throws {
        let root = directory ?? Bench.temporaryDirectory("log")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { if directory == nil { try? FileManager.default.removeItem(atPath: root) } }
        var options = EventLog.Options()
        options.blockSize = blockSize
        options.logger.logLevel = .warning

        if let workload {
            guard let sample else { throw ValidationError("--workload needs --sample") }
            try runWorkload(workload, sample: sample, root: root, options: options)
            return
        }
        if let reuse, let directory {
            try runReused(
                directory + "/bulk",
                phases: Set(reuse.split(separator: ",").map(String.init)),
                options: options
            )
            return
        }
        Bench.progress("generating \(events) events")
        // About seven events a case: make enough cases, then take the first `events` in time order.
        let history = SampleHistory(cases: max(1, events / 6) + 1)
        let sample = Array(history.prefix(events))
        let caseStreams = Array(Set(sample.map(\.stream).filter { $0.hasPrefix("case-") }))

        // Bulk: batches of `batch` events, each durable.
        let bulkPath = root + "/bulk"
        try EventLog.create(at: bulkPath)
        var bulkOptions = options
        if noSync { bulkOptions.durability = .noSync }
        var log = try EventLog.open(at: bulkPath, options: bulkOptions)
        // Requests are built before the clock starts: the figure is the log's, not the generator's.
        let requests = stride(from: 0, to: sample.count, by: batch).map { i in
            AppendRequest(
                streams: sample[i..<min(i + batch, sample.count)].map {
                    .init(stream: $0.stream, events: [$0.proposed])
                }
            )
        }
        var results: [AppendResult] = []
        results.reserveCapacity(requests.count)
        Bench.progress("bulk append")
        let bulkSeconds = try Bench.seconds {
            for request in requests { results.append(try log.appendAndWait(request)) }
            try log.flush()
        }
        // The Merkle tree over what was appended (grown after appends, as a writer's close or
        // `serve`'s second-by-second catch-up does).
        Bench.progress("Merkle tree")
        let treeSeconds = try Bench.seconds { try log.updateTree() }
        try log.close()
        var rawBytes = 0
        let recordedAt = Timestamp.now()
        for (event, placement) in zip(sample, results.flatMap(\.events)) {
            rawBytes +=
                event.interchangeJSON(position: placement.position, version: placement.version, recordedAt: recordedAt)
                .utf8.count + 1
        }
        let storedBulk = Bench.directorySize(bulkPath + "/log")

        // The same bulk append with the tree maintained beside it, as `serve` does: another
        // thread brings the tree up to the log again and again while the appends run; the
        // clock stops when both are done.
        Bench.progress("bulk append with the Merkle tree maintained")
        let treePath = root + "/bulk-tree"
        try EventLog.create(at: treePath)
        let treeLog = try EventLog.open(at: treePath, options: bulkOptions)
        let appending = ManagedAtomicFlag()
        let withTreeSeconds = try Bench.seconds {
            let follower = Thread {
                while !appending.isSet {
                    try? treeLog.updateTree()
                    usleep(20_000)
                }
                try? treeLog.updateTree()
                appending.signalDone()
            }
            follower.start()
            for request in requests { _ = try treeLog.appendAndWait(request) }
            try treeLog.flush()
            appending.set()
            appending.waitDone()
        }
        guard treeLog.treeSize == treeLog.lastPosition else { throw BenchFailure("the tree did not catch up") }
        try treeLog.close()
        try? FileManager.default.removeItem(atPath: treePath)
        if bulkOnly {
            Bench.printJSON([("events", sample.count), ("bulkAppendEventsPerSec", Double(sample.count) / bulkSeconds)])
            return
        }

        Bench.progress("open with a current index")
        var openTimes: [Double] = []
        for _ in 0..<5 {
            let t = try Bench.seconds { log = try EventLog.open(at: bulkPath, readOnly: true, options: options) }
            openTimes.append(t)
        }

        Bench.progress("scan")
        var scanned = 0
        let scanSeconds = try Bench.seconds {
            var cursor = log.events(from: 1)
            while let event = try cursor.next() {
                scanned += event.payload.count > 0 ? 1 : 0
            }
        }

        Bench.progress("stream reads")
        var generator = SeededGenerator(seed: 7)
        var latencies: [Double] = []
        var eventsRead = 0
        for i in 0..<11_000 {
            let stream = caseStreams[Int.random(in: 0..<caseStreams.count, using: &generator)]
            let start = ContinuousClock.now
            let history = try log.read(stream: stream)
            let elapsed = (ContinuousClock.now - start).seconds
            if i >= 1000 { latencies.append(elapsed) }  // the first 1,000 warm the dictionaries
            eventsRead += history.count
        }

        Bench.progress("verify")
        var verified: UInt64 = 0
        let verifySeconds = Bench.seconds {
            let report = EventLog.verify(at: bulkPath)
            verified = report.events
            if !report.isClean { Bench.progress("verify found problems: \(report.problems.prefix(3))") }
        }

        // Small commits: one event per durable append, in log order.
        let smallCount = min(sample.count, 20_000)
        let smallPath = root + "/small"
        try EventLog.create(at: smallPath)
        log = try EventLog.open(at: smallPath, options: options)
        Bench.progress("small commits (\(smallCount))")
        var smallRaw = 0
        let smallRequests = sample.prefix(smallCount).map { AppendRequest(stream: $0.stream, events: [$0.proposed]) }
        var smallResults: [AppendResult] = []
        let smallSeconds = try Bench.seconds {
            for request in smallRequests { smallResults.append(try log.appendAndWait(request)) }
        }
        for (event, r) in zip(sample, smallResults) {
            smallRaw +=
                event.interchangeJSON(position: r.firstPosition, version: r.events[0].version, recordedAt: recordedAt)
                .utf8.count + 1
        }
        try log.close()
        let storedSmall = Bench.directorySize(smallPath + "/log")

        // Group commit: many concurrent appenders of one event each.
        let groupCount = min(sample.count, 200_000)
        let groupPath = root + "/group"
        try EventLog.create(at: groupPath)
        let groupLog = try EventLog.open(at: groupPath, options: options)
        Bench.progress("group commit (\(appenders) appenders, \(groupCount) events)")
        let perAppender = groupCount / appenders
        let groupEvents = sample.map(\.proposed)
        let groupStreams = sample.map(\.stream)
        let appenderCount = appenders
        let groupSeconds = try await Bench.secondsAsync {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for a in 0..<appenderCount {
                    group.addTask {
                        for k in 0..<perAppender {
                            let i = (a + k * appenderCount) % groupEvents.count
                            _ = try await groupLog.append(
                                AppendRequest(stream: groupStreams[i], events: [groupEvents[i]])
                            )
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        try groupLog.close()

        let n = Double(sample.count)
        Bench.printJSON([
            ("benchmark", "log"),
            ("events", sample.count),
            ("cases", caseStreams.count),
            ("blockSize", blockSize),
            ("rawBytesPerEvent", Double(rawBytes) / n),
            ("storedBytesPerEvent", Double(storedBulk) / n),
            ("storedPercentOfRaw", 100 * Double(storedBulk) / Double(rawBytes)),
            ("smallCommitEvents", smallCount),
            ("smallCommitRawBytesPerEvent", Double(smallRaw) / Double(smallCount)),
            ("smallCommitStoredBytesPerEvent", Double(storedSmall) / Double(smallCount)),
            ("smallCommitStoredPercentOfRaw", 100 * Double(storedSmall) / Double(smallRaw)),
            ("smallCommitsPerSec", Double(smallCount) / smallSeconds),
            ("bulkAppendEventsPerSec", n / bulkSeconds),
            ("treeEventsPerSec", n / treeSeconds),
            ("bulkAppendWithTreeEventsPerSec", n / (bulkSeconds + treeSeconds)),
            ("treeCostPercentOfAppend", 100 * treeSeconds / bulkSeconds),
            ("bulkAppendTreeMaintainedEventsPerSec", n / withTreeSeconds),
            ("treeMaintainedPercentOfAppend", 100 * bulkSeconds / withTreeSeconds),
            ("groupCommitEventsPerSec", Double(perAppender * appenders) / groupSeconds),
            ("scanEventsPerSec", Double(scanned) / scanSeconds),
            ("streamReadP50Micros", Bench.percentile(latencies, 0.5) * 1e6),
            ("streamReadP99Micros", Bench.percentile(latencies, 0.99) * 1e6),
            ("streamReadEventsPerRead", Double(eventsRead) / 11_000),
            ("openMillis", Bench.percentile(openTimes, 0.5) * 1000),
            ("verifyEventsPerSec", Double(verified) / verifySeconds),
        ])
    }

    /// The peer comparison: the shared workload appended in durable batches of `batch` events
    /// (as the SQLite peer commits 1,000 a transaction with synchronous=FULL), scanned from the
    /// first event decoding every envelope, and the sample's streams read one at a time.
    func runWorkload(_ path: String, sample samplePath: String, root: String, options: EventLog.Options) throws {
        Bench.progress("reading the workload …")
        let workload = try PeerWorkload(workload: path, sample: samplePath)
        let n = Double(workload.events.count)
        let storePath = root + "/peer"
        try? FileManager.default.removeItem(atPath: storePath)
        try EventLog.create(at: storePath)
        // How many syncs the appends took (groups may take more than one commit each when the
        // client keeps several in flight): printed beside the rate, so that it is read as such.
        let groups = GroupCounter()
        var appendOptions = options
        appendOptions.onGroupCommitted = { if $0.syncSeconds > 0 { groups.countSync() } }
        var log = try EventLog.open(at: storePath, options: appendOptions)
        let requests = stride(from: 0, to: workload.events.count, by: batch).map { i in
            AppendRequest(
                streams: workload.events[i..<min(i + batch, workload.events.count)].map {
                    .init(stream: $0.stream, events: [$0.proposed])
                }
            )
        }
        Bench.progress("append (\(workload.events.count) events, \(batch) a durable commit) …")
        let appendSeconds = try Bench.seconds {
            try Self.append(requests, to: log, inFlight: max(1, inFlight))
            try log.flush()
        }
        let syncs = groups.synced
        try log.close()
        let logBytes = Bench.directorySize(storePath + "/log")
        let treeBytes = Bench.directorySize(storePath + "/merkle")
        log = try EventLog.open(at: storePath, readOnly: true, options: options)
        defer { try? log.close() }
        Bench.progress("scan …")
        var scanned = 0
        var payloadBytes = 0
        let scanSeconds = try Bench.seconds {
            var cursor = log.events(from: 1)
            while let event = try cursor.next() {
                scanned += 1
                payloadBytes &+= event.payload.count
            }
        }
        guard scanned == workload.events.count else {
            throw BenchFailure("scanned \(scanned) of \(workload.events.count)")
        }
        // The same scan lending each event in place (envelopes decoded, nothing copied): what
        // the peer's fetch-only scan does with its rows.
        var lent = 0
        var lentBytes = 0
        let lentSeconds = try Bench.seconds {
            try log.scan { event in
                lent += 1
                lentBytes &+= event.payload.count
            }
        }
        guard lent == workload.events.count, lentBytes == payloadBytes else {
            throw BenchFailure("the lent scan read other events")
        }
        Bench.progress("one-stream reads …")
        var latencies: [Double] = []
        var eventsRead = 0
        for name in workload.sample {
            let start = ContinuousClock.now
            let history = try log.read(stream: name)
            latencies.append((ContinuousClock.now - start).seconds)
            eventsRead += history.count
        }
        Bench.printJSON([
            ("system", "docket"), ("events", workload.events.count), ("batch", batch),
            ("appendSeconds", appendSeconds), ("appendEventsPerSec", n / appendSeconds),
            ("appendCommits", requests.count), ("appendCommitsInFlight", max(1, inFlight)), ("appendSyncs", syncs),
            ("scanEventsPerSec", n / scanSeconds),
            ("scanInPlaceEventsPerSec", n / lentSeconds),
            ("oneStreamSamples", workload.sample.count),
            ("oneStreamAvgEvents", Double(eventsRead) / Double(max(1, workload.sample.count))),
            ("oneStreamP50Micros", Bench.percentile(latencies, 0.5) * 1e6),
            ("oneStreamP99Micros", Bench.percentile(latencies, 0.99) * 1e6),
            ("logBytesPerEvent", Double(logBytes) / n), ("treeBytesPerEvent", Double(treeBytes) / n),
            ("inputBytesPerEvent", Double(workload.inputBytes) / n), ("checksum", payloadBytes),
        ])
    }

    /// Appends `requests` in order, keeping up to `inFlight` of them queued at once, and waits
    /// for the last; the first failure is thrown.
    static func append(_ requests: [AppendRequest], to log: EventLog, inFlight: Int) throws {
        let window = DispatchSemaphore(value: inFlight)
        let done = DispatchGroup()
        let failure = FailureBox()
        for request in requests {
            window.wait()
            if let error = failure.first { throw error }
            done.enter()
            log.append(request) { result in
                if case .failure(let error) = result { failure.record(error) }
                window.signal()
                done.leave()
            }
        }
        done.wait()
        if let error = failure.first { throw error }
    }

    /// Runs read phases against an existing bulk store (for profiling one phase at a time).
    func runReused(_ path: String, phases: Set<String>, options: EventLog.Options) throws {
        let log = try EventLog.open(at: path, readOnly: true, options: options)
        var figures: [(String, Any)] = [("events", log.lastPosition)]
        if phases.contains("scan") {
            var n = 0
            let t = try Bench.seconds {
                var cursor = log.events(from: 1)
                while try cursor.next() != nil { n += 1 }
            }
            figures.append(("scanEventsPerSec", Double(n) / t))
        }
        if phases.contains("read") {
            var names = Set<String>()
            var cursor = log.events(from: 1)
            while let event = try cursor.next() { if event.stream.hasPrefix("case-") { names.insert(event.stream) } }
            var generator = SeededGenerator(seed: 7)
            let pool = Array(names).sorted()
            let streams = (0..<20_000).map { _ in pool[Int.random(in: 0..<pool.count, using: &generator)] }
            var latencies: [Double] = []
            var byCount: [Int: [Double]] = [:]
            for stream in streams {
                let start = ContinuousClock.now
                let n = try log.read(stream: stream).count
                let t = (ContinuousClock.now - start).seconds
                latencies.append(t)
                byCount[n, default: []].append(t)
            }
            if ProcessInfo.processInfo.environment["BENCH_DETAIL"] != nil {
                for (n, ts) in byCount.sorted(by: { $0.key < $1.key }) {
                    Bench.progress(
                        "events \(n): reads \(ts.count) p50 \(Int(Bench.percentile(ts, 0.5) * 1e6)) p99 \(Int(Bench.percentile(ts, 0.99) * 1e6))"
                    )
                }
            }
            figures.append(("streamReadP50Micros", Bench.percentile(latencies, 0.5) * 1e6))
            figures.append(("streamReadP99Micros", Bench.percentile(latencies, 0.99) * 1e6))
        }
        if phases.contains("verify") {
            var n: UInt64 = 0
            let t = Bench.seconds { n = EventLog.verify(at: path).events }
            figures.append(("verifyEventsPerSec", Double(n) / t))
        }
        Bench.printJSON(figures)
    }
}

/// A flag one thread sets and another polls, and a completion the first waits for.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let condition = NSCondition()
    private var flag = false
    private var done = false

    var isSet: Bool { condition.withLock { flag } }
    func set() { condition.withLock { flag = true } }
    func signalDone() {
        condition.withLock {
            done = true
            condition.broadcast()
        }
    }
    func waitDone() {
        condition.withLock { while !done { condition.wait() } }
    }
}

/// Counts the log's synced groups from its commit reports (which arrive on its threads).
final class GroupCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func countSync() { lock.withLock { count += 1 } }
    var synced: Int { lock.withLock { count } }
}

/// The first error of appends answered on the log's threads.
final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: (any Error)?
    func record(_ e: any Error) { lock.withLock { if error == nil { error = e } } }
    var first: (any Error)? { lock.withLock { error } }
}
