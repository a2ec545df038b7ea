import Certification
import CertificationWire
import DocketApplication
import DocketJSON
import DocketStore
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// The event feed for downstream consumers: `GET /v1/events?from=&limit=` (a page of the
/// interchange format as JSON Lines, with the next page's start in `Docket-Next-From`) and
/// `GET /v1/events/live?from=` (Server-Sent Events: the events from `from`, then each new one
/// as it is appended; a client that reconnects with `Last-Event-ID` resumes after it).
/// Identity numbers are masked except for auditors.
struct EventRoutes: Sendable {
    let service: DocketService
    var store: DocketStore { service.store }
    let limits: ServerLimits
    let tokens: TokenBook
    let streams: StreamAdmission

    static let nextFrom = HTTPField.Name("Docket-Next-From")!
    static let lastEventID = HTTPField.Name("Last-Event-ID")!

    func register(on router: Router<DocketRequestContext>) {
        router.get("/v1/events") { request, context in try await Blocking.run { try page(request, context) } }
        router.get("/v1/events/live") { request, context in try live(request, context) }
    }

    func page(_ request: Request, _ context: DocketRequestContext) throws -> Response {
        let holder = try context.require(Access.feedReaders)
        let purpose = try PurposeParameter.of(request, holder)
        let query = request.uri.queryParameters
        let from = try Self.position(query.get("from"), name: "from") ?? 1
        var limit = 1_000
        if let text = query.get("limit") {
            guard let n = Int(text), n >= 1, n <= limits.maxEventsPerPage else {
                throw APIError.badQuery("limit", "limit must be 1 to \(limits.maxEventsPerPage)")
            }
            limit = n
        }
        try APIError.answer { () throws(DocketError) in
            try service.recordAccess("feed", caseID: "*", disclosure: Disclosure.of(holder.role), purpose: purpose)
        }
        var cursor = store.log.events(from: max(1, from))
        var out: [UInt8] = []
        var next = max(1, from)
        do {
            var count = 0
            while count < limit, let event = try cursor.next() {
                try Self.line(event, Disclosure.of(holder.role), keys: store.personalKeys).write(into: &out)
                out.append(0x0A)
                next = event.position + 1
                count += 1
            }
        } catch let error as APIError {
            throw error
        } catch let error as EventLogError {
            throw APIError(.internalServerError, "store-failed", error.message)
        }
        var response = JSONBody.response(bytes: out, contentType: "application/x-ndjson")
        response.headers[Self.nextFrom] = String(next)
        if next <= store.log.lastPosition {
            response.headers[PageLink.name] = PageLink.next(request, key: "from", value: String(next))
        }
        return response
    }

    func live(_ request: Request, _ context: DocketRequestContext) throws -> Response {
        let holder = try context.require(Access.feedReaders)
        let purpose = try PurposeParameter.of(request, holder)
        var from = try Self.position(request.uri.queryParameters.get("from"), name: "from") ?? 1
        if let last = request.headers[Self.lastEventID] {
            guard let id = UInt64(last.trimmingCharacters(in: .whitespaces)) else {
                throw APIError(
                    .badRequest,
                    "invalid-header",
                    "Last-Event-ID must be an event's position",
                    field: "Last-Event-ID"
                )
            }
            // The last event a client saw may be the last position there can be: nothing follows.
            let (next, overflow) = id.addingReportingOverflow(1)
            guard !overflow else {
                throw APIError(
                    .badRequest,
                    "invalid-header",
                    "Last-Event-ID \(id) is beyond any position the log can reach",
                    field: "Last-Event-ID"
                )
            }
            from = next
        }
        let disclosure = Disclosure.of(holder.role)
        try APIError.answer { () throws(DocketError) in
            try service.recordAccess("feed", caseID: "*", disclosure: disclosure, purpose: purpose)
        }
        let token = context.token ?? ""
        guard let ticket = streams.enter(actor: holder.actor) else {
            throw APIError(
                .tooManyRequests,
                "too-many-streams",
                "at most \(streams.perActor) live feeds per token holder and \(streams.total) in all are open; close one first"
            )
        }
        let tokens = self.tokens
        let heartbeat = Duration.seconds(limits.heartbeatSeconds)
        let feed = store.log.subscribe(from: max(1, from))
        let body = ResponseBody { writer in
            withExtendedLifetime(ticket) {}
            var events = feed.makeAsyncIterator()
            var quiet = ContinuousClock.now
            // Tell the client how soon to reconnect after a drop.
            try await writer.write(ByteBuffer(bytes: Array("retry: 3000\n\n".utf8)))
            // Ends when the client goes away, the server shuts down gracefully, or the token is
            // revoked (looked at once a second, busy or idle).
            var checked = ContinuousClock.now
            while !Task.isShuttingDownGracefully {
                switch try await events.next(idleAfter: .seconds(1)) {
                case .finished:
                    try await writer.finish(nil)
                    return
                case .idle:
                    guard tokens.holder(of: token) != nil else { break }
                    if ContinuousClock.now - quiet >= heartbeat {
                        // A comment line: keeps proxies from closing an idle connection.
                        try await writer.write(ByteBuffer(bytes: Array(": keep-alive\n\n".utf8)))
                        quiet = ContinuousClock.now
                    }
                    continue
                case .event(let event):
                    var out = Array("id: \(event.position)\nevent: \(event.type)\ndata: ".utf8)
                    try Self.line(event, disclosure, keys: store.personalKeys).write(into: &out)
                    out.append(contentsOf: [0x0A, 0x0A])
                    try await writer.write(ByteBuffer(bytes: out))
                    quiet = ContinuousClock.now
                    if quiet - checked >= .seconds(1) {
                        checked = quiet
                        if tokens.holder(of: token) == nil { break }
                    }
                    continue
                }
                break
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
            body: body
        )
    }

    static func position(_ text: String?, name: String) throws(APIError) -> UInt64? {
        guard let text else { return nil }
        guard let p = UInt64(text) else { throw APIError.badQuery(name, "\(name) must be a log position (1, 2, …)") }
        return p
    }

    /// The event in the interchange format, its candidate's identity as `disclosure` allows.
    /// - Throws: when the event cannot be decoded (its data is then withheld, never sent as it
    ///   is: it might hold what the mask hides).
    static func line(
        _ event: RecordedEvent,
        _ disclosure: Disclosure,
        keys: (any PersonalDataKeys)?
    ) throws -> InterchangeEvent {
        do throws(EventLogError) {
            return try RecordedDomainEvent(event, keys: keys).line(disclosure)
        } catch {
            throw APIError(.internalServerError, "undecodable-event", error.message)
        }
    }
}
