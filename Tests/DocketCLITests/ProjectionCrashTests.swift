import DocketJSON
import DocketStore
import DocketWorkload
import EventLog
import Foundation
import Testing

/// `docket projections update` and `docket rebuild` killed with SIGKILL at random moments: the
/// read models lose nothing and count nothing twice (a finished update equals a fresh rebuild,
/// table by table), and an interrupted rebuild leaves the old models serving.
@Suite struct ProjectionCrashTests {
    typealias CLI = DocketCommandLineTests

    static var rounds: Int { 3 * (Int(ProcessInfo.processInfo.environment["DOCKET_TEST_SCALE"] ?? "") ?? 1) }

    /// A store whose read models are current through the first third of a workload, and whose
    /// log holds the rest (appended without bringing the models up to date).
    static func storeBehindItsLog(_ store: String, cases: Int) throws {
        _ = try CLI.run(["init", "--store", store])
        let lines = Array(CommandWorkload(cases: cases, seed: 5))
        let directory = (store as NSString).deletingLastPathComponent
        let first = directory + "/first.jsonl"
        try Data(lines.prefix(lines.count / 3).flatMap { $0 + [0x0A] }).write(to: URL(fileURLWithPath: first))
        _ = try CLI.run(["submit", "--store", store, first])
        let opened = try DocketStore.open(at: store)
        for line in lines.dropFirst(lines.count / 3) { _ = opened.submitAndWait(line) }
        try opened.close()
    }

    /// Starts `docket` with `arguments` and kills it with SIGKILL after `milliseconds` (if it is
    /// still running); returns whether it was killed.
    static func killed(_ arguments: [String], after milliseconds: Int) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.docket)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(useconds_t(milliseconds * 1000))
        let running = process.isRunning
        if running { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return running && process.terminationReason == .uncaughtSignal
    }

    /// How long `docket` with `arguments` takes on a copy of `store`, in milliseconds (kills are
    /// timed as fractions of it, so they land mid-way on a fast machine or a slow one).
    static func duration(_ arguments: [String], on store: String) throws -> Int {
        let copy = store + "-timing"
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: store, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let start = Date()
        _ = try CLI.run(arguments + ["--store", copy])
        return max(20, Int(Date().timeIntervalSince(start) * 1000))
    }

    static func status(_ store: String) throws -> JSONValue {
        try JSONParser.parse(try CLI.run(["projections", "status", "--store", store, "--json"]).output)
    }

    @Test func anUpdateKilledAtAnyMomentLosesNothingAndCountsNothingTwice() throws {
        try CLI.withStorePath { (store: String) throws in
            try Self.storeBehindItsLog(store, cases: 300)
            let update = ["projections", "update", "--events-per-transaction", "40"]
            let full = try Self.duration(update, on: store)
            var random = SeededGenerator(seed: 41)
            var kills = 0
            var positions: [Int] = []
            for _ in 0..<Self.rounds {
                let wasKilled = try Self.killed(
                    update + ["--store", store],
                    after: Int.random(in: (full / 10)...(full / 2), using: &random)
                )
                if wasKilled { kills += 1 }
                // Whatever was committed is whole: each model opens and reports a position.
                let models = try Self.status(store)["projections"]?.arrayValue ?? []
                #expect(models.count >= 9)
                positions.append(models.compactMap { $0["position"]?.intValue }.min() ?? -1)
            }
            #expect(kills > 0, "no update was interrupted: make the store larger")
            #expect(positions == positions.sorted(), "a model went backwards: \(positions)")
            let finish = try CLI.run(["projections", "update", "--store", store])
            #expect(finish.status == 0, "\(finish.error)")
            let check = try CLI.run(["projections", "status", "--store", store, "--check"])
            #expect(check.status == 0, "\(check.output)")
            #expect(check.output.contains("identical to a fresh rebuild"))
        }
    }

    @Test func aRebuildKilledAtAnyMomentLeavesTheOldModelsServing() throws {
        try CLI.withStorePath { (store: String) throws in
            try Self.storeBehindItsLog(store, cases: 300)
            _ = try CLI.run(["projections", "update", "--store", store])
            let before = try Self.status(store)
            let full = try Self.duration(["rebuild"], on: store)
            var random = SeededGenerator(seed: 43)
            var kills = 0
            for _ in 0..<Self.rounds {
                if try Self.killed(
                    ["rebuild", "--store", store],
                    after: Int.random(in: (full / 10)...(full * 9 / 10), using: &random)
                ) {
                    kills += 1
                }
                // The live models are the old ones, or a finished rebuild of the same log: the
                // same fingerprints either way, never a half-built model.
                let now = try Self.status(store)
                #expect(now["projections"] == before["projections"])
                let view = try CLI.run(["case", CommandWorkload.caseID(0), "--store", store, "--json"])
                #expect(view.status == 0)
            }
            #expect(kills > 0, "no rebuild was interrupted: make the store larger")
            #expect(try CLI.run(["rebuild", "--store", store]).status == 0)
            #expect(try Self.status(store)["projections"] == before["projections"])
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: store + "/projections")
                .filter { $0.hasSuffix(".building") }
            #expect(leftovers.isEmpty, "\(leftovers)")
        }
    }
}
