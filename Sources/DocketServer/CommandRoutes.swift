import Certification
import CertificationWire
import DocketJSON
import DocketStore
import Foundation
import Hummingbird
import NIOCore

/// `POST /v1/commands`: one command (`application/json`), answered with its result once
/// durable, or many (`application/x-ndjson`), answered with one result line each, in order, each
/// written as soon as it and those before it are durable.
///
/// The command's actor is the token's: whatever `actor` the body carries is replaced before the
/// store sees it. The body is read whole (up to the limit) before anything is submitted, so a
/// slow client never holds the writer.
struct CommandRoutes: Sendable {
    let store: DocketStore
    let metrics: ServerMetrics
    let limits: ServerLimits
    let admission: Admission

    func register(on router: Router<DocketRequestContext>) {
        router.post("/v1/commands") { request, context in try await submit(request, context) }
    }

    func submit(_ request: Request, _ context: DocketRequestContext) async throws -> Response {
        let holder = try context.require(Access.writers)
        let mediaType = (request.headers[.contentType] ?? "").split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let mediaType, mediaType == "application/json" || mediaType == "application/x-ndjson" else {
            throw APIError(
                .unsupportedMediaType,
                "unsupported-media-type",
                "send one command as application/json or many as application/x-ndjson",
                field: "Content-Type"
            )
        }
        guard admission.enter() else {
            throw APIError(
                .tooManyRequests,
                "too-many-requests",
                "\(limits.maxCommandRequestsInFlight) command requests are already being decided; retry shortly"
            )
        }
        defer { admission.leave() }
        let body = try await Self.collect(request.body, limits)
        let bytes = Array(buffer: body)
        if mediaType == "application/json" {
            let started = ContinuousClock.now
            let outcome = await Self.submitOne(store: store, bytes, Actor(id: holder.actor, role: holder.role))
            metrics.command(code: Self.code(outcome), seconds: ContinuousClock.now - started)
            guard outcome.ok else {
                // A refused command is a problem (RFC 9457) carrying its result line.
                var problem = APIError(
                    Self.status(outcome),
                    Self.code(outcome) ?? "refused",
                    outcome.storeFailure ?? outcome.rejection?.message ?? "the command was refused",
                    field: outcome.rejection?.field
                )
                problem.result = outcome.json
                throw problem
            }
            var out: [UInt8] = []
            outcome.writeLine(into: &out)
            return JSONBody.response(bytes: out, contentType: "application/json")
        }
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: true)
            .filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x0D || $0 == 0x09 } }
        guard lines.count <= limits.maxLinesPerBatch else {
            throw APIError(
                .contentTooLarge,
                "too-many-lines",
                "a batch may hold at most \(limits.maxLinesPerBatch) commands; this one holds \(lines.count)"
            )
        }
        return streamResults(lines.map { Array($0) }, Actor(id: holder.actor, role: holder.role))
    }

    /// The whole body, within the size and time limits (413, 408). Other failures (the client
    /// went away, the request was cancelled) pass through as they are.
    static func collect(_ body: RequestBody, _ limits: ServerLimits) async throws -> ByteBuffer {
        let maxBytes = limits.maxBodyBytes
        return try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                do {
                    return try await body.collect(upTo: maxBytes)
                } catch is NIOTooManyBytesError {
                    throw APIError(
                        .contentTooLarge,
                        "body-too-large",
                        "a request body may hold at most \(maxBytes) bytes; send fewer commands per request"
                    )
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(limits.bodySeconds))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let collected = first else {
                throw APIError(
                    .requestTimeout,
                    "request-timeout",
                    "the body did not arrive within \(limits.bodySeconds) s; send it at once, or fewer commands per request"
                )
            }
            return collected
        }
    }

    /// Submits one line and waits for its result (the API's single command, and the console's
    /// forms).
    static func submitOne(store: DocketStore, _ line: [UInt8], _ actor: Actor) async -> CommandOutcome {
        await withCheckedContinuation { continuation in
            Blocking.start {
                store.submit([line], actor: actor) { _, outcome in continuation.resume(returning: outcome) }
            }
        }
    }

    /// Submits every line and streams the results in order as they become durable.
    private func streamResults(_ lines: [[UInt8]], _ actor: Actor) -> Response {
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
        let ordered = InOrder(count: lines.count)
        let started = ContinuousClock.now
        let metrics = self.metrics
        if lines.isEmpty { continuation.finish() }
        let store = self.store
        Blocking.start {
            store.submit(lines, actor: actor) { index, outcome in
                metrics.command(code: Self.code(outcome), seconds: ContinuousClock.now - started)
                // Delivered under the ordering lock: results released by two threads must reach
                // the stream in the order they were released, and none after it is finished
                // (yielding outside the lock once lost a line under load).
                ordered.add(index, outcome) { ready, done in
                    if !ready.isEmpty {
                        var out: [UInt8] = []
                        for outcome in ready { outcome.writeLine(into: &out) }
                        continuation.yield(ByteBuffer(bytes: out))
                    }
                    if done { continuation.finish() }
                }
            }
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/x-ndjson"],
            body: ResponseBody(asyncSequence: stream)
        )
    }

    static func code(_ outcome: CommandOutcome) -> String? {
        outcome.ok ? nil : (outcome.rejection?.code.rawValue ?? "store-failed")
    }

    /// The HTTP status of a single command's result.
    static func status(_ outcome: CommandOutcome) -> HTTPResponse.Status {
        if outcome.storeFailure != nil { return .serviceUnavailable }
        guard let code = outcome.rejection?.code else { return .ok }
        switch code {
        case .invalidJSON, .unknownCommand, .missingField, .invalidField: return .badRequest
        case .roleNotAllowed: return .forbidden
        case .caseNotFound, .batchNotFound: return .notFound
        case .versionConflict, .commandIDReused, .outOfOrder, .caseExists, .batchExists: return .conflict
        default: return .unprocessableContent
        }
    }
}

/// Counts command requests being decided (429 beyond the limit).
final class Admission: @unchecked Sendable {
    private let lock = NSLock()
    private var inFlight = 0
    let limit: Int
    init(limit: Int) { self.limit = limit }
    func enter() -> Bool {
        lock.withLock {
            guard inFlight < limit else { return false }
            inFlight += 1
            return true
        }
    }
    func leave() { lock.withLock { inFlight -= 1 } }
}

/// Results released in submission order.
final class InOrder: @unchecked Sendable {
    private let lock = NSLock()
    private var waiting: [Int: CommandOutcome] = [:]
    private var next = 0
    private let count: Int
    init(count: Int) { self.count = count }

    /// Adds result `index` and, still holding the lock, hands `deliver` those now releasable in
    /// order and whether all are out: deliveries happen one at a time, in release order.
    func add(_ index: Int, _ outcome: CommandOutcome, deliver: ([CommandOutcome], Bool) -> Void) {
        lock.withLock {
            waiting[index] = outcome
            var ready: [CommandOutcome] = []
            while let o = waiting.removeValue(forKey: next) {
                ready.append(o)
                next += 1
            }
            deliver(ready, next == count)
        }
    }
}
