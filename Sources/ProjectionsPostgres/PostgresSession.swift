import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Projections

/// One connection to a PostgreSQL target, used from one thread at a time, with blocking calls
/// (public for tools and tests that look at a target directly).
///
/// The feed that writes the read models runs on threads of its own (``Projector``'s feed
/// workers), not on Swift concurrency's pool: it waits for PostgresNIO's futures there (NIO
/// forbids only waiting on an event loop). COPY, which PostgresNIO offers only as an `async`
/// function, is bridged the same way (``blocking(_:)``).
public final class PostgresSession: @unchecked Sendable {
    public let url: PostgresURL
    private let connection: PostgresConnection
    private let logger: Logger
    private static let counter = Counter()
    /// Set once the connection failed (closed by the server, a network error, no answer):
    /// every later call fails at once rather than waiting on a connection that will never
    /// answer (PostgresNIO was seen leaving a query's future pending forever after the server
    /// terminated the connection).
    private var broken: String?
    /// The longest wait for one statement before the connection is given up: a safety net
    /// (statements here take milliseconds; a swap's copy of other stores' rows, minutes).
    static let answerTimeout: TimeInterval = 1_800

    /// Connects; the session's settings make literals and text comparisons behave as the
    /// read models expect (standard strings, UTC, byte order is per column: `COLLATE "C"`).
    public init(_ url: PostgresURL) throws(ProjectionError) {
        self.url = url
        logger = Logger(label: "docket.postgres") { _ in SwiftLogNoOpLogHandler() }
        let configuration = try url.configuration()
        do {
            connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(),
                configuration: configuration,
                id: Self.counter.next(),
                logger: logger
            ).wait()
        } catch {
            throw ProjectionError(.target, "cannot connect to \(url.redacted): \(Self.describe(error))")
        }
        try execute("SET standard_conforming_strings = on")
        try execute("SET TIME ZONE 'UTC'")
        try execute("SET client_min_messages = warning")
    }

    /// Closes the connection, waiting for it a few seconds at most (a broken one may never
    /// answer; PostgresNIO wants a connection closed before it goes).
    deinit {
        let closed = DispatchSemaphore(value: 0)
        connection.close().whenComplete { _ in closed.signal() }
        _ = closed.wait(timeout: .now() + 5)
    }

    /// Runs one statement; returns its rows.
    @discardableResult
    public func execute(_ sql: String) throws(ProjectionError) -> [[PostgresValue]] {
        try requireUsable()
        do {
            let result = try answer(connection.query(PostgresQuery(unsafeSQL: sql), logger: logger))
            var rows: [[PostgresValue]] = []
            for row in result.rows {
                var values: [PostgresValue] = []
                for cell in row { values.append(try PostgresValue(cell)) }
                rows.append(values)
            }
            return rows
        } catch let error as ProjectionError {
            throw error
        } catch {
            noteFailure(error)
            throw ProjectionError(.target, "\(url.redacted): \(Self.describe(error)) in: \(Self.excerpt(sql))")
        }
    }

    /// Whether the connection can still be used (not failed, not closed by the server while
    /// idle): a target opens a new one in its place otherwise.
    var isUsable: Bool { broken == nil && !connection.isClosed }

    /// Fails at once when the connection broke earlier.
    private func requireUsable() throws(ProjectionError) {
        if let broken { throw ProjectionError(.target, "\(url.redacted): the connection was lost (\(broken))") }
    }

    /// Marks the connection broken unless `error` is PostgreSQL refusing a statement on a
    /// connection that goes on (a constraint, a syntax error); closes it if so.
    private func noteFailure(_ error: any Error) {
        if let error = error as? PSQLError, error.code == .server {
            let severity = error.serverInfo?[.severity] ?? ""
            let state = error.serverInfo?[.sqlState] ?? ""
            // FATAL/PANIC end the session; class 08 is a connection exception, 57P an
            // administrator's or the server's shutdown.
            guard severity == "FATAL" || severity == "PANIC" || state.hasPrefix("08") || state.hasPrefix("57P") else {
                return
            }
        }
        broken = Self.describe(error)
        connection.close().whenComplete { _ in }
    }

    /// Waits for `future`, at most ``answerTimeout``, or until the connection closes (a query
    /// sent as the server terminated the connection was seen never to complete); a
    /// connection that does not answer is closed and marked broken.
    private func answer<T: Sendable>(_ future: EventLoopFuture<T>) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        future.whenComplete { result in
            box.set(result)
            done.signal()
        }
        connection.closeFuture.whenComplete { _ in
            box.set(.failure(ConnectionClosed()), onlyIfUnset: true)
            done.signal()
        }
        guard done.wait(timeout: .now() + Self.answerTimeout) == .success, let result = box.result else {
            broken = "no answer within \(Int(Self.answerTimeout)) s"
            connection.close().whenComplete { _ in }
            throw ProjectionError(
                .target,
                "\(url.redacted): no answer within \(Int(Self.answerTimeout)) s; the connection was closed"
            )
        }
        return try result.get()
    }

    /// The connection closed before a statement's answer came.
    private struct ConnectionClosed: Error, CustomStringConvertible {
        var description: String { "the connection was closed (by the server, or the network)" }
    }

    private final class ResultBox<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Result<T, any Error>?
        func set(_ result: Result<T, any Error>, onlyIfUnset: Bool = false) {
            lock.withLock { if !onlyIfUnset || value == nil { value = result } }
        }
        var result: Result<T, any Error>? { lock.withLock { value } }
    }

    /// Runs one statement, handing each row to `body` as it arrives (a table of any size in
    /// bounded memory).
    func stream(_ sql: String, _ body: @escaping @Sendable ([PostgresValue]) throws -> Void) throws(ProjectionError) {
        try requireUsable()
        do {
            _ = try answer(
                connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) { row in
                    var values: [PostgresValue] = []
                    for cell in row { values.append(try PostgresValue(cell)) }
                    try body(values)
                }
            )
        } catch {
            noteFailure(error)
            throw ProjectionError(.target, "\(url.redacted): \(Self.describe(error)) in: \(Self.excerpt(sql))")
        }
    }

    /// `COPY table (columns) FROM STDIN` with the text-format chunks `next` returns until it
    /// returns `nil` (the session's search path names the schema).
    func copy(
        into table: String,
        columns: [String],
        _ next: @escaping @Sendable () throws -> [UInt8]?
    ) throws(ProjectionError) {
        try requireUsable()
        let connection = connection
        let logger = logger
        do {
            try Self.blocking {
                try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                    while let chunk = try next() {
                        try await writer.write(ByteBuffer(bytes: chunk))
                    }
                }
            }
        } catch let error as ProjectionError {
            throw error
        } catch {
            noteFailure(error)
            throw ProjectionError(.target, "\(url.redacted): COPY into \(table): \(Self.describe(error))")
        }
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws(ProjectionError) -> T) throws(ProjectionError) -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            if broken == nil { _ = try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Waits for `body` on the calling thread (never an event loop's: see the type's note).
    /// `body` runs on an executor of its own (a dispatch queue), not on Swift concurrency's
    /// shared pool: a caller blocking one of that pool's threads (two on this machine) could
    /// otherwise leave `body` nowhere to run.
    private static func blocking(_ body: @escaping @Sendable () async throws -> Void) throws {
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        Task(executorPreference: QueueExecutor()) {
            do { try await body() } catch { outcome.set(error) }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }

    /// PostgreSQL's own message for a server error (PostgresNIO's description hides it).
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                let code = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return message + code
            }
            return "\(error.code)"
        }
        return "\(error)"
    }

    /// The start of a statement, for a message: up to its first value (statements carry
    /// candidates' data inlined, which must not reach a log), at most 60 characters.
    static func excerpt(_ sql: String) -> String {
        let head = sql.prefix { $0 != "'" && $0 != "(" && $0 != "$" }.prefix(60)
        return head.count < sql.count ? head.trimmingCharacters(in: .whitespaces) + " …" : String(head)
    }

    /// Runs a task's jobs on a serial dispatch queue.
    private final class QueueExecutor: TaskExecutor, @unchecked Sendable {
        private let queue = DispatchQueue(label: "docket.postgres.copy")

        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
        }
    }

    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var value: (any Error)?
        func set(_ error: any Error) { lock.withLock { value = error } }
        var error: (any Error)? { lock.withLock { value } }
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int {
            lock.withLock {
                value += 1
                return value
            }
        }
    }
}
