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

    deinit { try? connection.close().wait() }

    /// Runs one statement; returns its rows.
    @discardableResult
    public func execute(_ sql: String) throws(ProjectionError) -> [[PostgresValue]] {
        do {
            let result = try connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).wait()
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
            throw ProjectionError(.target, "\(url.redacted): \(Self.describe(error)) in: \(Self.excerpt(sql))")
        }
    }

    /// Runs one statement, handing each row to `body` as it arrives (a table of any size in
    /// bounded memory).
    func stream(_ sql: String, _ body: @escaping @Sendable ([PostgresValue]) throws -> Void) throws(ProjectionError) {
        do {
            _ = try connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) { row in
                var values: [PostgresValue] = []
                for cell in row { values.append(try PostgresValue(cell)) }
                try body(values)
            }.wait()
        } catch {
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
            _ = try? execute("ROLLBACK")
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
