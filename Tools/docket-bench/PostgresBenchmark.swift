import ArgumentParser
import CertificationWire
import Chronology
import DocketStore
import EventLog
import Foundation
import Projections
import ProjectionsPostgres

/// `docket-bench postgres`: the read models in PostgreSQL.
struct PostgresBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postgres",
        abstract: "PostgreSQL target: rebuildEventsPerSec (COPY), catchUpLagP99Millis, reportMillis.",
        discussion: """
            Against the store in --directory (made by `docket-bench submit --directory DIR`) and the database at --url (a fresh one: `bash Tools/postgres start` prints a server's URL; the benchmark makes and drops a database `docket_bench` there): rebuilds every model into PostgreSQL (one pass over the log into scratch SQLite files, then COPY into new schemas and a swap), and the same rebuild into SQLite alone for the ratio; then, while one thread submits --commands more commands at --rate per second, another brings the SQLite models and the target up to date again and again, and each batch's lag from durable to visible in PostgreSQL is recorded; then times every report from PostgreSQL and from SQLite.

            Example:
              docket-bench submit --cases 100000 --directory /tmp/b
              docket-bench postgres --directory /tmp/b --url "$(bash Tools/postgres start | tail -1)"
            """
    )

    @Option(help: "A directory holding `store` from `docket-bench submit`.")
    var directory: String

    @Option(help: "A PostgreSQL server's URL (any database: the benchmark makes its own).")
    var url: String

    @Option(help: "Commands submitted while measuring catch-up lag.")
    var commands = 6_000

    @Option(help: "Commands per submitted batch during the lag measurement.")
    var batch = 20

    @Option(help: "Commands per second submitted during the lag measurement (a steady load).")
    var rate = 500

    func run() throws {
        let server = try PostgresURL(url)
        let admin = try PostgresSession(server)
        try admin.execute("DROP DATABASE IF EXISTS docket_bench WITH (FORCE)")
        try admin.execute("CREATE DATABASE docket_bench")
        var benchURL = server
        benchURL.database = "docket_bench"

        let storePath = directory + "/store"
        let store = try DocketStore.open(at: storePath)
        let projector = Projector(storeRoot: storePath, log: store.log, keys: store.personalKeys)
        let events = store.log.lastPosition
        let target = try PostgresTarget(url: benchURL, storeID: "bench", models: [], storeRoot: storePath)
        try target.prepare()

        Bench.progress("rebuilding \(Projector.names.count) models into PostgreSQL over \(events) events …")
        var phases: [String: Double] = [:]
        var phaseStart = ContinuousClock.now
        var phase = ""
        let postgresSeconds = try Bench.seconds {
            try target.rebuild(projector: projector) { step, _ in
                let now = ContinuousClock.now
                if !phase.isEmpty { phases[phase, default: 0] += (now - phaseStart).seconds }
                phase = step.hasPrefix("building") ? "build" : "copy"
                phaseStart = now
            }
        }
        phases[phase, default: 0] += (ContinuousClock.now - phaseStart).seconds
        Bench.progress("rebuilding the same models into SQLite alone …")
        let sqliteSeconds = try Bench.seconds { try projector.rebuild() }

        Bench.progress("catch-up lag in PostgreSQL under a steady submit load …")
        try store.prepareForCommands()
        let lags = try measureLag(store, storePath, target)

        var reports: [(String, Any)] = []
        let today = Timestamp.now().localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset).description
        try projector.catchUp()
        for name in Report.names {
            var filters = Report.Filters()
            if name == "timelines" { filters.caseID = "2024-04-000001" }
            var postgres = Double.infinity
            var sqlite = Double.infinity
            for _ in 0..<3 {
                postgres = min(
                    postgres,
                    try Bench.seconds { _ = try target.report(name, filters: filters, today: today) }
                )
                sqlite = min(
                    sqlite,
                    try Bench.seconds { _ = try Report.run(name, filters: filters, projector: projector, today: today) }
                )
            }
            reports.append(("reportMillisPostgres_\(name)", postgres * 1000))
            reports.append(("reportMillisSQLite_\(name)", sqlite * 1000))
        }
        try store.close()
        Bench.printJSON(
            [
                ("events", events), ("models", Projector.names.count),
                ("rebuildSecondsPostgres", postgresSeconds),
                ("rebuildEventsPerSecPostgres", Double(events) / postgresSeconds),
                ("rebuildBuildSeconds", phases["build"] ?? 0), ("rebuildCopySeconds", phases["copy"] ?? 0),
                ("rebuildSecondsSQLite", sqliteSeconds),
                ("rebuildEventsPerSecSQLite", Double(events) / sqliteSeconds),
                ("lagSamples", lags.count), ("submitCommandsPerSec", rate),
                ("catchUpLagP50Millis", Bench.percentile(lags, 0.5) * 1000),
                ("catchUpLagP99Millis", Bench.percentile(lags, 0.99) * 1000),
                ("catchUpLagMaxMillis", (lags.max() ?? 0) * 1000),
            ] + reports
        )
        _ = try? admin.execute("DROP DATABASE IF EXISTS docket_bench WITH (FORCE)")
    }

    /// As `docket-bench rebuild` measures lag, with the PostgreSQL target fed after the SQLite
    /// models (as `docket serve` does): a batch is visible once the target holds it.
    func measureLag(_ store: DocketStore, _ storePath: String, _ target: PostgresTarget) throws -> [Double] {
        let follower = Projector(storeRoot: storePath, log: store.log, keys: store.personalKeys)
        return try RebuildBenchmark.measureLag(store, commands: commands, batch: batch, rate: rate) {
            try follower.catchUp()
            try target.catchUp(projector: follower)
        }
    }
}
