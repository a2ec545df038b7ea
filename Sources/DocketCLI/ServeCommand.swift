import ArgumentParser
import DocketServer
import DocketStore
import Foundation
import Logging

/// `docket serve`: the HTTP API over the store.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API: commands, case views, search, reports, the event feed, metrics.",
        discussion: """
            Bound to loopback unless --host says otherwise. Every route but /health, /ready and /metrics needs `Authorization: Bearer <token>` (make tokens with `docket token add`, see them with `docket token list`, revoke them with `docket token revoke`; a running server notices within a second). The routes are described in docs/openapi.yaml.

            Limits: a body of at most --max-body bytes, at most --max-lines commands per JSON Lines request, a command body whole within --body-seconds, 16 KiB of headers, 64 command requests at once (429 beyond), idle connections closed after 30 s.

            SIGTERM or SIGINT stops it gracefully: requests in flight finish (an acknowledged command is already durable), live feeds end, and the store is closed. Logs are structured lines on standard error (method, route, status, duration), without personal data or query strings.

            Examples:
              docket serve
              docket serve --port 8080 --store /var/lib/docket
              curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/v1/cases/2024-04-000001
            """
    )

    @OptionGroup var options: StoreOptions

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port (0 picks a free one).")
    var port = 8080

    @Option(help: ArgumentHelp("The largest request body in bytes.", valueName: "bytes"))
    var maxBody = ServerLimits().maxBodyBytes

    @Option(help: ArgumentHelp("The most commands in one application/x-ndjson request.", valueName: "n"))
    var maxLines = ServerLimits().maxLinesPerBatch

    @Option(help: ArgumentHelp("Seconds a command body may take to arrive (408 after).", valueName: "seconds"))
    var bodySeconds = ServerLimits().bodySeconds

    @OptionGroup var clock: ClockSkewOption

    @Option(
        name: .customLong("cors-origin"),
        help: ArgumentHelp(
            "A browser origin allowed to call the API (repeatable), such as https://portal.example.cn.",
            valueName: "origin"
        )
    )
    var corsOrigins: [String] = []

    @Option(
        help: ArgumentHelp(
            "The checkpoint signing key (default: <store>/keys/checkpoint.key, if there is one).",
            valueName: "file"
        )
    )
    var checkpointKey: String?

    @Option(help: ArgumentHelp("Sign a checkpoint once the log grew by this many events.", valueName: "n"))
    var checkpointEvery: UInt64 = 10_000

    @Option(help: ArgumentHelp("…or once this many seconds passed with new events.", valueName: "seconds"))
    var checkpointSeconds = 3_600

    func validate() throws {
        guard checkpointEvery >= 1 else { throw ValidationError("--checkpoint-every must be at least 1") }
        guard checkpointSeconds >= 1 else { throw ValidationError("--checkpoint-seconds must be at least 1") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        guard maxBody >= 1024 else { throw ValidationError("--max-body must be at least 1024") }
        guard maxLines >= 1 else { throw ValidationError("--max-lines must be at least 1") }
        guard bodySeconds >= 1 else { throw ValidationError("--body-seconds must be at least 1") }
        for origin in corsOrigins
        where !(origin.hasPrefix("http://") || origin.hasPrefix("https://")) || origin.hasSuffix("/") {
            throw ValidationError("--cors-origin \(origin) is not an origin; write it like https://portal.example.cn")
        }
    }

    func run() async throws {
        var configuration = DocketServer.Configuration(storePath: options.path)
        configuration.host = host
        configuration.port = port
        configuration.limits.maxBodyBytes = maxBody
        configuration.limits.maxLinesPerBatch = maxLines
        configuration.limits.bodySeconds = bodySeconds
        configuration.clockSkewLimit = clock.limit
        configuration.corsOrigins = corsOrigins
        configuration.checkpointKey = checkpointKey
        configuration.checkpointEvery = checkpointEvery
        configuration.checkpointSeconds = checkpointSeconds
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "docket.server")
        logger.logLevel = .info
        do {
            try await DocketServer.run(configuration, logger: logger) { host, port in
                Terminal.note("serving \(options.path) on http://\(host):\(port) (Ctrl-C to stop)")
            }
        } catch let error as DocketStoreError {
            throw Terminal.fail(error)
        } catch let error as TokenError {
            Terminal.error(error.message)
            throw ExitStatus.problem
        }
    }
}
