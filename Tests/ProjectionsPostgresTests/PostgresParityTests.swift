import DocketApplication
import DocketStore
import DocketTestSupport
import DocketWorkload
import EventLog
import Foundation
import Projections
import Testing

@testable import ProjectionsPostgres

/// The read models in PostgreSQL hold the same rows as in SQLite: every table's fingerprint
/// and every report agree, whether the target was fed event by event or loaded by COPY.
@Suite(.enabled(if: PostgresTestDatabase.available, "needs DOCKET_TEST_POSTGRES_URL (bash Tools/postgres start)"))
struct PostgresParityTests {
    static func history(cases: Int, seed: UInt64) -> [String] {
        Array(CommandWorkload(cases: cases, seed: seed)).map { String(decoding: $0, as: UTF8.self) }
    }

    static func projector(_ s: TemporaryStore) -> Projector {
        Projector(storeRoot: s.path, log: s.store.log, keys: s.store.personalKeys)
    }

    /// How most of these tests begin: a test database, a store holding `lines`, its projector,
    /// and a target (store id `body-a`, every model) brought up to date. The database and the
    /// store are cleaned up when the caller lets go of them.
    static func fedTarget(
        _ lines: [String]
    ) throws -> (db: PostgresTestDatabase, store: TemporaryStore, projector: Projector, target: PostgresTarget) {
        let db = try PostgresTestDatabase()
        let s = try TemporaryStore()
        s.submit(lines)
        let projector = Self.projector(s)
        let target = try PostgresTarget(url: db.url, storeID: "body-a", models: [], storeRoot: s.path)
        try target.catchUp(projector: projector)
        return (db, s, projector, target)
    }

    /// Every table's fingerprint in SQLite (brought up to date) and in the target.
    static func assertSameFingerprints(_ projector: Projector, _ target: PostgresTarget) throws {
        try projector.catchUp()
        let live = try projector.status()
        let held = try target.status(log: projector.log)
        for model in held {
            let sqlite = try #require(live.first { $0.name == model.name })
            #expect(model.position == sqlite.position, "\(model.name)")
            #expect(model.divergence == nil)
            #expect(
                model.fingerprints.map(\.fingerprint) == sqlite.fingerprints.map(\.fingerprint),
                "\(model.name): \(model.fingerprints) vs \(sqlite.fingerprints)"
            )
            #expect(!model.fingerprints.isEmpty)
        }
    }

    @Test func aTargetFedInChunksHoldsTheSameRowsAsSQLite() async throws {
        try await offThePool { try Self.aTargetFedInChunksHoldsTheSameRowsAsSQLiteBody() }
    }

    static func aTargetFedInChunksHoldsTheSameRowsAsSQLiteBody() throws {
        let db = try PostgresTestDatabase()
        let s = try TemporaryStore()
        let lines = Self.history(cases: 60, seed: 5)
        let target = try PostgresTarget(url: db.url, storeID: "body-a", models: [], storeRoot: s.path)
        // The first catch-up loads (COPY), the later ones feed event by event.
        let third = lines.count / 3
        for chunk in [lines[..<third], lines[third..<(2 * third)], lines[(2 * third)...]] {
            s.submit(Array(chunk))
            try target.catchUp(projector: Self.projector(s))
        }
        try Self.assertSameFingerprints(Self.projector(s), target)
        // Fed only event by event (a target added before the first event).
        let fresh = try PostgresTestDatabase()
        let t = try TemporaryStore()
        let fed = try PostgresTarget(url: fresh.url, storeID: "body-b", models: [], storeRoot: t.path)
        try fed.catchUp(projector: Self.projector(t))
        for chunk in stride(from: 0, to: lines.count, by: 97).map({ lines[$0..<min($0 + 97, lines.count)] }) {
            t.submit(Array(chunk))
            try fed.catchUp(projector: Self.projector(t))
        }
        try Self.assertSameFingerprints(Self.projector(t), fed)
    }

    @Test func everyReportAnswersTheSameFromPostgreSQLAsFromSQLite() async throws {
        try await offThePool { try Self.everyReportAnswersTheSameFromPostgreSQLAsFromSQLiteBody() }
    }

    static func everyReportAnswersTheSameFromPostgreSQLAsFromSQLiteBody() throws {
        let fed = try Self.fedTarget(Self.history(cases: 80, seed: 9))
        defer { withExtendedLifetime(fed) {} }  // the database and the store live to the end
        let (projector, target) = (fed.projector, fed.target)
        try projector.catchUp()
        var filters = Report.Filters()
        for name in Report.names {
            for today in ["2024-06-01", "2025-05-01"] {
                let sqlite = try Report.run(name, filters: filters, projector: projector, today: today)
                let postgres = try target.report(name, filters: filters, today: today)
                #expect(sqlite.columns == postgres.columns)
                #expect(sqlite.rows == postgres.rows, "\(name) at \(today)")
                for (a, b) in zip(sqlite.rows, postgres.rows) where a != b {
                    Issue.record("\(name): sqlite \(a) postgres \(b)")
                    break
                }
                #expect(sqlite.rows.count > 0, "\(name)")
                #expect(sqlite.totals?.map(\.value) == postgres.totals?.map(\.value))
            }
        }
        // Filter values are values, whatever they hold: no rows, as from SQLite, and no error.
        var hostile = Report.Filters()
        hostile.caseID = "x' FROM cases WHERE '1' = '1"
        #expect(try target.report("cases", filters: hostile, today: "2024-06-01").rows.isEmpty)
        #expect(try Report.run("cases", filters: hostile, projector: projector, today: "2024-06-01").rows.isEmpty)
        #expect(throws: ProjectionError.self) {
            try target.report("cases", filters: Report.Filters(), today: "2024-06-01", stores: .store("' OR TRUE --"))
        }
        filters.status = "open"
        #expect(
            try Report.run("complaints", filters: filters, projector: projector, today: "2024-06-01").rows
                == target.report("complaints", filters: filters, today: "2024-06-01").rows
        )
    }
}
