import DocketJSON
import DocketStore
import DocketTestSupport
import DocketWorkload
import EventLog
import Foundation
import Testing

/// The PostgreSQL target through `docket`: fed by `docket projections update` killed with
/// SIGKILL at random moments (nothing lost, nothing applied twice), two stores in one
/// database, and a store that went back or diverged refused.
@Suite(.enabled(if: PostgresTestDatabase.available, "needs DOCKET_TEST_POSTGRES_URL (bash Tools/postgres start)"))
struct PostgresTargetCommandLineTests {
    typealias CLI = DocketCommandLineTests
    typealias Crash = ProjectionCrashTests

    static func status(_ store: String) throws -> JSONValue {
        try JSONParser.parse(try CLI.run(["projections", "status", "--store", store, "--json"]).output)
    }

    /// Each model's fingerprints in SQLite and in the target, by model name.
    static func fingerprints(_ store: String) throws -> (sqlite: [String: JSONValue], postgres: [String: JSONValue]) {
        let status = try Self.status(store)
        var sqlite: [String: JSONValue] = [:]
        var postgres: [String: JSONValue] = [:]
        for model in status["projections"]?.arrayValue ?? [] {
            sqlite[model["name"]?.stringValue ?? ""] = model["fingerprints"]
        }
        for model in status["postgres"]?["models"]?.arrayValue ?? [] {
            postgres[model["name"]?.stringValue ?? ""] = model["fingerprints"]
        }
        return (sqlite, postgres)
    }

    static func submit(_ store: String, _ lines: some Sequence<[UInt8]>) throws {
        let opened = try DocketStore.open(at: store)
        for line in lines { _ = opened.submitAndWait(line) }
        try opened.close()
    }

    @Test func anUpdateFeedingTheTargetKilledAtAnyMomentLosesNothingAndAppliesNothingTwice() async throws {
        try await offThePool {
            try Self.anUpdateFeedingTheTargetKilledAtAnyMomentLosesNothingAndAppliesNothingTwiceBody()
        }
    }

    static func anUpdateFeedingTheTargetKilledAtAnyMomentLosesNothingAndAppliesNothingTwiceBody() throws {
        let database = try PostgresTestDatabase()
        try CLI.withStorePath { (store: String) throws in
            _ = try CLI.run(["init", "--store", store])
            let lines = Array(CommandWorkload(cases: 300, seed: 5))
            try Self.submit(store, lines.prefix(lines.count / 6))
            let add = try CLI.run(["projections", "target", "add", "postgres", database.urlText, "--store", store])
            #expect(add.status == 0, "\(add.error)")
            try Self.submit(store, lines.dropFirst(lines.count / 6))
            // The SQLite models first, so the kills land in the target's feed.
            #expect(try CLI.run(["projections", "update", "--sqlite-only", "--store", store]).status == 0)
            // (Not timed on a copy, as the SQLite crash test does: a copy would feed the same
            // database. A full run takes about 4 s here in a debug build.)
            let update = ["projections", "update", "--events-per-transaction", "25"]
            var random = SeededGenerator(seed: 7)
            var kills = 0
            var positions: [Int] = []
            for _ in 0..<Crash.rounds {
                if try Crash.killed(update + ["--store", store], after: Int.random(in: 150...1_200, using: &random)) {
                    kills += 1
                }
                let models = try Self.status(store)["postgres"]?["models"]?.arrayValue ?? []
                #expect(models.count == 9)
                positions.append(models.compactMap { $0["position"]?.intValue }.min() ?? -1)
            }
            #expect(kills > 0, "no update was interrupted: make the store larger")
            #expect(positions == positions.sorted(), "the target went backwards: \(positions)")
            let finish = try CLI.run(["projections", "update", "--store", store])
            #expect(finish.status == 0, "\(finish.error)")
            let (sqlite, postgres) = try Self.fingerprints(store)
            #expect(postgres.count == 9)
            for (name, prints) in postgres { #expect(prints == sqlite[name], "\(name)") }
        }
    }

    @Test func twoStoresShareOneDatabaseAndAnswerForThemselvesOrTogether() async throws {
        try await offThePool { try Self.twoStoresShareOneDatabaseAndAnswerForThemselvesOrTogetherBody() }
    }

    static func twoStoresShareOneDatabaseAndAnswerForThemselvesOrTogetherBody() throws {
        let database = try PostgresTestDatabase()
        try CLI.withStorePath { (a: String) throws in
            let b = a + "-b"
            defer { try? FileManager.default.removeItem(atPath: b) }
            for (store, seed, id) in [(a, UInt64(3), "body-a"), (b, UInt64(4), "body-b")] {
                _ = try CLI.run(["init", "--store", store])
                try Self.submit(store, CommandWorkload(cases: 60, seed: seed))
                let add = try CLI.run([
                    "projections", "target", "add", "postgres", database.urlText, "--store-id", id, "--store", store,
                ])
                #expect(add.status == 0, "\(add.error)")
            }
            // More events for a: b's rows are untouched by a's feed.
            try Self.submit(a, CommandWorkload(cases: 90, seed: 3).dropFirst(400).prefix(200))
            for store in [a, b] { #expect(try CLI.run(["projections", "update", "--store", store]).status == 0) }
            for store in [a, b] {
                let (sqlite, postgres) = try Self.fingerprints(store)
                for (name, prints) in postgres { #expect(prints == sqlite[name], "\(store) \(name)") }
            }
            // b's report read from a's side, by id, is b's own report from SQLite.
            let own = try CLI.run(["report", "revenue", "--output", "csv", "--store", b])
            let viaA = try CLI.run([
                "report", "revenue", "--target", "postgres", "--target-store", "body-b", "--output", "csv", "--store",
                a,
            ])
            #expect(viaA.status == 0, "\(viaA.error)")
            #expect(own.output == viaA.output)
            #expect(own.output.split(separator: "\n").count > 3)
            // Every store: a leading store column, rows of both.
            let all = try CLI.run([
                "report", "batches", "--target", "postgres", "--target-store", "all", "--output", "csv", "--store", a,
            ])
            let stores = Set(all.output.split(separator: "\n").dropFirst().map { $0.split(separator: ",").first ?? "" })
            #expect(stores.contains("body-a") && stores.contains("body-b"), "\(all.output)")
            let status = try Self.status(a)
            #expect(status["postgres"]?["stores"]?.arrayValue?.count == 2)
            let unknown = try CLI.run([
                "report", "cases", "--target", "postgres", "--target-store", "nosuch", "--store", a,
            ])
            #expect(unknown.status == 1)
            #expect(unknown.error.contains("holds no store nosuch"), "\(unknown.error)")
            // A third store under a's id is refused, and nothing of it is saved.
            let c = a + "-c"
            defer { try? FileManager.default.removeItem(atPath: c) }
            _ = try CLI.run(["init", "--store", c])
            try Self.submit(c, CommandWorkload(cases: 30, seed: 77))
            let clash = try CLI.run([
                "projections", "target", "add", "postgres", database.urlText, "--store-id", "body-a", "--store", c,
            ])
            #expect(clash.status == 1)
            #expect(clash.error.contains("another store uses the id body-a"), "\(clash.error)")
            #expect(!FileManager.default.fileExists(atPath: c + "/projections/targets.json"))
        }
    }

    @Test func aStoreRestoredFromAnOlderBackupOrDivergedIsRefused() async throws {
        try await offThePool { try Self.aStoreRestoredFromAnOlderBackupOrDivergedIsRefusedBody() }
    }

    static func aStoreRestoredFromAnOlderBackupOrDivergedIsRefusedBody() throws {
        let database = try PostgresTestDatabase()
        try CLI.withStorePath { (store: String) throws in
            let backup = store + "-backup"
            defer { try? FileManager.default.removeItem(atPath: backup) }
            _ = try CLI.run(["init", "--store", store])
            let lines = Array(CommandWorkload(cases: 80, seed: 8))
            try Self.submit(store, lines.prefix(300))
            #expect(
                try CLI.run([
                    "projections", "target", "add", "postgres", database.urlText, "--store-id", "x", "--store", store,
                ])
                .status == 0
            )
            // A backup taken now, then the store goes on and the target follows it.
            try FileManager.default.copyItem(atPath: store, toPath: backup)
            try Self.submit(store, lines.dropFirst(300))
            #expect(try CLI.run(["projections", "update", "--store", store]).status == 0)
            // The backup, older than what the target holds: refused, naming why.
            let older = try CLI.run(["projections", "update", "--store", backup])
            #expect(older.status == 1)
            #expect(older.error.contains("restored from an older backup"), "\(older.error)")
            // The backup going on with other events, past what the target holds: diverged.
            try Self.submit(backup, CommandWorkload(cases: 200, seed: 99))
            let diverged = try CLI.run(["projections", "update", "--store", backup])
            #expect(diverged.status == 1)
            #expect(diverged.error.contains("differs at position"), "\(diverged.error)")
            let refused = try CLI.run(["projections", "status", "--store", backup])
            #expect(refused.status == 1)
            #expect(refused.output.contains("refused"))
            // Its reports from the target would be another log's rows: refused too.
            let report = try CLI.run(["report", "cases", "--target", "postgres", "--store", backup])
            #expect(report.status == 1)
            #expect(report.error.contains("differs at position"), "\(report.error)")
            // The store itself still feeds; the backup is loaded afresh only when asked.
            #expect(try CLI.run(["projections", "update", "--store", store]).status == 0)
            let rebuilt = try CLI.run(["rebuild", "--target", "postgres", "--store", backup])
            #expect(rebuilt.status == 0, "\(rebuilt.error)")
            #expect(try CLI.run(["projections", "update", "--store", backup]).status == 0)
            let (sqlite, postgres) = try Self.fingerprints(backup)
            for (name, prints) in postgres { #expect(prints == sqlite[name], "\(name)") }
        }
    }

    @Test func targetCommandsRefuseBadInputNamingTheField() async throws {
        try await offThePool { try Self.targetCommandsRefuseBadInputNamingTheFieldBody() }
    }

    static func targetCommandsRefuseBadInputNamingTheFieldBody() throws {
        try CLI.withStorePath { (store: String) throws in
            _ = try CLI.run(["init", "--store", store])
            let wrongKind = try CLI.run(["projections", "target", "add", "mysql", "x", "--store", store])
            #expect(wrongKind.status == 64)
            let badURL = try CLI.run(["projections", "target", "add", "postgres", "http://x/y", "--store", store])
            #expect(badURL.status == 1)
            #expect(badURL.error.contains("not a PostgreSQL URL"))
            let badID = try CLI.run([
                "projections", "target", "add", "postgres", "postgres://u@h/d", "--store-id", "A B", "--store", store,
            ])
            #expect(badID.status == 64)
            #expect(badID.error.contains("--store-id"))
            // Nobody listens there: refused before anything is saved, the password never shown.
            let unreachable = try CLI.run([
                "projections", "target", "add", "postgres", "postgres://u:hunter2@127.0.0.1:1/d?sslmode=disable",
                "--store",
                store,
            ])
            #expect(unreachable.status == 2)
            #expect(unreachable.error.contains("cannot connect"))
            #expect(!unreachable.error.contains("hunter2"))
            #expect(!FileManager.default.fileExists(atPath: store + "/projections/targets.json"))
            let none = try CLI.run(["report", "cases", "--target", "postgres", "--store", store])
            #expect(none.status == 1)
            #expect(none.error.contains("no PostgreSQL target"))
        }
    }
}
