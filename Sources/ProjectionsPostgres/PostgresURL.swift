import Foundation
import NIOSSL
import PostgresNIO
import Projections

/// Where a PostgreSQL target is: a libpq-style URL,
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require|verify-full]`.
///
/// `sslmode` means what it means to libpq: `prefer` (the default) and `require` encrypt without
/// checking the server's certificate, `verify-full` checks it and its name (`verify-ca` is
/// taken as `verify-full`: the stricter check), `disable` sends in clear (fine on loopback). The password is never shown: ``redacted`` stands in for the URL in
/// every message and status.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    /// Parses `text`; the error names what is wrong and never repeats the password.
    public init(_ text: String) throws(ProjectionError) {
        guard let components = URLComponents(string: text),
            components.scheme == "postgres" || components.scheme == "postgresql"
        else {
            throw ProjectionError(
                .target,
                "not a PostgreSQL URL: expected postgres://USER:PASSWORD@HOST:PORT/DATABASE"
            )
        }
        guard let host = components.host, !host.isEmpty else {
            throw ProjectionError(.target, "the PostgreSQL URL names no host")
        }
        guard let user = components.user, !user.isEmpty else {
            throw ProjectionError(.target, "the PostgreSQL URL names no user")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw ProjectionError(.target, "the PostgreSQL URL names no database (…/DATABASE)")
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else {
            throw ProjectionError(.target, "the PostgreSQL URL's port \(port) is not between 1 and 65535")
        }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                let value = item.value ?? ""
                switch value {
                case "verify-ca": tls = .verifyFull
                default:
                    guard let mode = TLSMode(rawValue: value) else {
                        throw ProjectionError(
                            .target,
                            "sslmode \(value) is not one of disable, prefer, require, verify-full"
                        )
                    }
                    tls = mode
                }
            default:
                throw ProjectionError(
                    .target,
                    "the PostgreSQL URL's parameter \(item.name) is not known (only sslmode)"
                )
            }
        }
        self.host = host
        self.port = port
        self.user = user
        password = components.password
        self.database = database
        self.tls = tls
    }

    /// The URL without its password (for messages, status and logs).
    public var redacted: String {
        "postgres://\(user)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
            + (tls == .prefer ? "" : "?sslmode=\(tls.rawValue)")
    }

    public var description: String { redacted }

    /// The connection's configuration.
    func configuration() throws(ProjectionError) -> PostgresConnection.Configuration {
        let mode: PostgresConnection.Configuration.TLS
        do {
            switch tls {
            case .disable:
                mode = .disable
            case .prefer, .require:
                var config = TLSConfiguration.makeClientConfiguration()
                config.certificateVerification = .none
                let context = try NIOSSLContext(configuration: config)
                mode = tls == .prefer ? .prefer(context) : .require(context)
            case .verifyFull:
                mode = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            throw ProjectionError(.target, "cannot set up TLS for \(redacted): \(error)")
        }
        var configuration = PostgresConnection.Configuration(
            host: host,
            port: port,
            username: user,
            password: password,
            database: database,
            tls: mode
        )
        configuration.options.connectTimeout = .seconds(10)
        // Named in pg_stat_activity, so a database's operator sees whose connections these are.
        configuration.options.additionalStartupParameters = [("application_name", "docket")]
        return configuration
    }
}
