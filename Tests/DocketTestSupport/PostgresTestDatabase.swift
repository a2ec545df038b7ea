import Foundation
import Projections
import ProjectionsPostgres

/// A database of its own for one test, in the PostgreSQL that `Tools/test` starts
/// (`DOCKET_TEST_POSTGRES_URL`, printed by `bash Tools/postgres start`); dropped at the end.
public final class PostgresTestDatabase {
    /// Whether a server was given: the suites are skipped otherwise (`Tools/test` always gives one).
    public static let available = ProcessInfo.processInfo.environment["DOCKET_TEST_POSTGRES_URL"] != nil

    public let url: PostgresURL
    private let admin: PostgresSession
    private let name: String
    private var created = false

    public init() throws {
        let server = try PostgresURL(ProcessInfo.processInfo.environment["DOCKET_TEST_POSTGRES_URL"] ?? "")
        admin = try PostgresSession(server)
        name = "docket_test_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        try admin.execute("CREATE DATABASE \(name)")
        created = true
        var url = server
        url.database = name
        self.url = url
    }

    /// A connection of the test's own (to look at what the target wrote).
    public func session() throws -> PostgresSession { try PostgresSession(url) }

    /// The database's URL as text (for `docket projections target add`).
    public var urlText: String {
        "postgres://\(url.user):\(url.password ?? "")@\(url.host):\(url.port)/\(url.database)?sslmode=disable"
    }

    deinit {
        guard created else { return }
        _ = try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }
}
