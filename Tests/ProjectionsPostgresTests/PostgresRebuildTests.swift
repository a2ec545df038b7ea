import DocketStore
import DocketTestSupport
import DocketWorkload
import Foundation
import Projections
import Testing

@testable import ProjectionsPostgres

/// A rebuild swaps a model's schema in one transaction: a reader asking again and again while
/// rebuilds run sees the whole report every time, never an empty or half-loaded one, and no
/// error; other stores' rows survive the swap.
@Suite(.enabled(if: PostgresTestDatabase.available, "needs DOCKET_TEST_POSTGRES_URL (bash Tools/postgres start)"))
struct PostgresRebuildTests {
    final class Reads: @unchecked Sendable {
        let lock = NSLock()
        var count = 0
        var wrong: [String] = []
        var stop = false
    }

    @Test func reportsReadDuringRebuildSwapsAreAlwaysWhole() async throws {
        try await offThePool { try Self.reportsReadDuringRebuildSwapsAreAlwaysWholeBody() }
    }

    static func reportsReadDuringRebuildSwapsAreAlwaysWholeBody() throws {
        let (db, s, projector, target) = try PostgresParityTests.fedTarget(
            PostgresParityTests.history(cases: 120, seed: 21)
        )
        // A second store in the same database, whose rows must come through every swap.
        let other = try TemporaryStore()
        other.submit(PostgresParityTests.history(cases: 30, seed: 22))
        let otherTarget = try PostgresTarget(url: db.url, storeID: "body-b", models: [], storeRoot: other.path)
        try otherTarget.catchUp(projector: PostgresParityTests.projector(other))
        let otherPrints = try otherTarget.fingerprints("cases")

        try projector.catchUp()
        let expected = try Report.run("revenue", filters: Report.Filters(), projector: projector, today: "2025-01-01")
        let expectedCases = try Report.run(
            "cases",
            filters: Report.Filters(),
            projector: projector,
            today: "2025-01-01"
        )
        #expect(expected.rows.count > 10)
        let reads = Reads()
        let url = db.url
        let root = s.path
        let reader = Thread {
            // A reader of its own, as an analyst's tool would be.
            guard
                let mine = try? PostgresTarget(
                    url: url,
                    storeID: "body-a",
                    models: [],
                    storeRoot: root
                )
            else { return }
            while !reads.lock.withLock({ reads.stop }) {
                do {
                    let revenue = try mine.report("revenue", filters: Report.Filters(), today: "2025-01-01")
                    let cases = try mine.report("cases", filters: Report.Filters(), today: "2025-01-01")
                    reads.lock.withLock {
                        reads.count += 1
                        if revenue.rows != expected.rows { reads.wrong.append("revenue: \(revenue.rows.count) rows") }
                        if cases.rows != expectedCases.rows { reads.wrong.append("cases: \(cases.rows.count) rows") }
                    }
                } catch {
                    reads.lock.withLock { reads.wrong.append("\(error)") }
                }
            }
        }
        reader.start()
        for _ in 0..<3 { try target.rebuild(["revenue", "cases"], projector: projector) }
        reads.lock.withLock { reads.stop = true }
        while !reader.isFinished { usleep(10_000) }
        #expect(reads.count > 0)
        #expect(reads.wrong.isEmpty, "\(reads.wrong.prefix(5))")
        #expect(try otherTarget.fingerprints("cases").map(\.fingerprint) == otherPrints.map(\.fingerprint))
        try PostgresParityTests.assertSameFingerprints(projector, target)
    }

    @Test func grantsOnTheModelsSchemasSurviveASwapAndAStoreCanLeaveWithItsRows() async throws {
        try await offThePool { try Self.grantsOnTheModelsSchemasSurviveASwapAndAStoreCanLeaveWithItsRowsBody() }
    }

    static func grantsOnTheModelsSchemasSurviveASwapAndAStoreCanLeaveWithItsRowsBody() throws {
        let (db, s, projector, target) = try PostgresParityTests.fedTarget(
            PostgresParityTests.history(cases: 20, seed: 23)
        )
        let session = try db.session()
        let role = "docket_test_reader_" + UUID().uuidString.prefix(8).lowercased()
        try session.execute("CREATE ROLE \(role)")
        defer { _ = try? session.execute("DROP OWNED BY \(role); DROP ROLE \(role)") }
        try session.execute("GRANT USAGE ON SCHEMA docket_revenue TO \(role)")
        try session.execute("GRANT SELECT ON docket_revenue.revenue TO \(role)")
        func allowed() throws -> [[PostgresValue]] {
            try session.execute(
                "SELECT has_schema_privilege('\(role)', 'docket_revenue', 'USAGE'), has_table_privilege('\(role)', 'docket_revenue.revenue', 'SELECT'), has_table_privilege('\(role)', 'docket_revenue.revenue_cases', 'SELECT')"
            )
        }
        #expect(try allowed() == [[.int(1), .int(1), .int(0)]])
        try target.rebuild(["revenue"], projector: projector)
        #expect(try allowed() == [[.int(1), .int(1), .int(0)]])
        // Leaving: no row of the store stays behind, in any model.
        #expect(try !target.stores().isEmpty)
        try target.dropRows()
        #expect(try target.stores().isEmpty)
        #expect(try session.execute("SELECT count(*) FROM docket_timelines.timeline") == [[.int(0)]])
    }

    @Test func aTargetKeepsNoRowsOfAnErasedPersonOnceFed() async throws {
        try await offThePool { try Self.aTargetKeepsNoRowsOfAnErasedPersonOnceFedBody() }
    }

    static func aTargetKeepsNoRowsOfAnErasedPersonOnceFedBody() throws {
        let db = try PostgresTestDatabase()
        let s = try TemporaryStore()
        let id = "2024-04-000001"
        let lines =
            [Line.schedule("2024-04", examStartsAt: "2024-04-20T09:00:00+08:00")]
            + Line.happyPath(id, n: 1, number: "110101199506011232")
            + [Line.publish("2024-04"), Line.certify(id, number: "Z-1")]
        #expect(s.submit(lines).allSatisfy { $0.code == nil })
        let projector = PostgresParityTests.projector(s)
        let target = try PostgresTarget(url: db.url, storeID: "body-a", models: [], storeRoot: s.path)
        try target.catchUp(projector: projector)
        let session = try db.session()
        let name = try session.execute("SELECT name FROM docket_search.candidates WHERE case_id = '\(id)'")
        #expect(name.first?.first.map { $0 != .text("") } == true)
        let erased = s.submit(Line.erase(id))
        #expect(erased.code == nil, "\(erased)")
        try target.catchUp(projector: projector)
        #expect(
            try session.execute("SELECT name FROM docket_search.candidates WHERE case_id = '\(id)'") == [[.text("")]]
        )
        #expect(
            try session.execute("SELECT holder FROM docket_certificates.certificates WHERE case_id = '\(id)'")
                == [[.text("[erased]")]]
        )
        try projector.catchUp()
        try PostgresParityTests.assertSameFingerprints(projector, target)
    }
}
