import Certification
import CertificationWire
import Chronology
import DocketApplication
import DocketJSON
import DocketStore
import EventLog
import Foundation
import Hummingbird
import Projections

/// Read routes for supervisors, reporting jobs and auditors: `GET /v1/search?q=`,
/// `/v1/reports/{name}` (JSON, or CSV for `Accept: text/csv`), `/v1/projections`, `/v1/digest`
/// and `/v1/verify`.
struct ReadRoutes: Sendable {
    let service: DocketService
    var store: DocketStore { service.store }

    func register(on router: Router<DocketRequestContext>) {
        router.get("/v1/search") { request, context in try await Blocking.run { try search(request, context) } }
        router.get("/v1/reports/{name}") { request, context in
            try await Blocking.run { try report(request, context) }
        }
        router.get("/v1/projections") { _, context in try await Blocking.run { try projections(context) } }
        router.get("/v1/digest") { request, context in try await Blocking.run { try digest(request, context) } }
        router.get("/v1/verify") { request, context in try await Blocking.run { try verify(request, context) } }
    }

    func search(_ request: Request, _ context: DocketRequestContext) throws -> Response {
        let holder = try context.require(Access.searchers)
        let query = request.uri.queryParameters
        guard let q = query.get("q"), !q.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw APIError.badQuery("q", "give q: a name fragment or a full identity number")
        }
        let limit = try Self.number(query.get("limit"), "limit", in: 1...DocketService.maximumSearchPage) ?? 50
        let offset = try Self.number(query.get("offset"), "offset", in: 0...100_000_000) ?? 0
        let cut = try CaseRoutes.cut(request)
        let answer = try APIError.answer { () throws(DocketError) in
            try service.search(q, cut: cut, offset: offset, limit: limit, disclosure: Disclosure.of(holder.role))
        }
        var response = JSONBody.response(answer.json)
        if let next = answer.nextOffset {
            response.headers[PageLink.name] = PageLink.next(request, key: "offset", value: String(next))
        }
        return response
    }

    /// An optional whole-number query parameter within `range`.
    static func number(_ text: String?, _ name: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let text else { return nil }
        guard let n = Int(text), range.contains(n) else {
            throw APIError.badQuery(
                name,
                "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)"
            )
        }
        return n
    }

    func report(_ request: Request, _ context: DocketRequestContext) throws -> Response {
        _ = try context.require(Access.reporters)
        let name = context.parameters.get("name") ?? ""
        let query = request.uri.queryParameters
        var filters = Report.Filters()
        filters.batch = query.get("batch")
        filters.occupation = query.get("occupation")
        filters.caseID = query.get("case")
        filters.from = query.get("from")
        filters.to = query.get("to")
        let days = DocketService.maximumFilterDays
        filters.complaintDays = try Self.number(query.get("complaintDays"), "complaintDays", in: 0...days) ?? 15
        filters.expiringWithinDays = try Self.number(query.get("expiringWithin"), "expiringWithin", in: 0...days)
        var today: LocalDate?
        if let text = query.get("today") {
            guard let date = LocalDate(text) else {
                throw APIError.badQuery("today", "today \(text) is not a date; write YYYY-MM-DD")
            }
            today = date
        }
        filters.status = query.get("status")
        let limit = try Self.number(query.get("limit"), "limit", in: 1...1_000_000)
        let offset = try Self.number(query.get("offset"), "offset", in: 0...100_000_000) ?? 0
        let cut = try CaseRoutes.cut(request)
        let csv = (request.headers[.accept] ?? "").contains("text/csv")
        // The model's position, not the log's: a model catching up changes the answer.
        let position = cut == .now ? service.reportPosition(name) : service.logPosition
        let tag = Conditional.tag(position: position, reader: csv ? "csv" : "json")
        if let unchanged = Conditional.notModified(request, tag: tag) { return unchanged }
        let answer = try APIError.answer { () throws(DocketError) in
            try service.report(name, filters: filters, cut: cut, today: today, offset: offset, limit: limit)
        }
        if csv {
            let bom = query.get("bom") == "true"
            let text = answer.report.csvText(byteOrderMark: bom)
            var response = Conditional.tagged(
                JSONBody.response(bytes: Array(text.utf8), contentType: "text/csv; charset=utf-8"),
                tag: tag
            )
            response.vary("Accept")
            return response
        }
        var response = Conditional.tagged(JSONBody.response(answer.json), tag: tag)
        response.vary("Accept")
        if let next = answer.nextOffset {
            response.headers[PageLink.name] = PageLink.next(request, key: "offset", value: String(next))
        }
        return response
    }

    func projections(_ context: DocketRequestContext) throws -> Response {
        _ = try context.require(Access.reporters)
        let status = try APIError.answer { () throws(DocketError) in
            try service.readModelStatus(reuseFingerprintsFor: .seconds(10))
        }
        return JSONBody.response(status.json)
    }

    func digest(_ request: Request, _ context: DocketRequestContext) throws -> Response {
        _ = try context.require(Access.auditors)
        var position: UInt64?
        if let at = request.uri.queryParameters.get("at") {
            guard let p = UInt64(at) else { throw APIError.badQuery("at", "at must be a log position") }
            position = p
        }
        do {
            let digest = try store.log.digest(at: position)
            return JSONBody.response(
                .object(["position": .int(digest.position), "digest": .string(digest.description)])
            )
        } catch {
            guard error.code == .positionOutOfRange else {
                // The log disagrees with itself: there is no digest to vouch for.
                throw APIError(.internalServerError, "log-damaged", error.message)
            }
            throw APIError(.unprocessableContent, "position-out-of-range", error.message, field: "at")
        }
    }

    /// Every frame, chain link, seal and index entry, each `expect`ed digest, then every history
    /// re-run through the rules (long on a large store: auditors call it, not clients). The same
    /// object as `docket verify --output json`.
    func verify(_ request: Request, _ context: DocketRequestContext) throws -> Response {
        _ = try context.require(Access.auditors)
        var digests: [LogDigest] = []
        for text in request.uri.queryParameters.getAll("expect") {
            guard let digest = LogDigest(text) else {
                throw APIError.badQuery(
                    "expect",
                    "expect \(text) is not a digest; it looks like docket-log-v1:<position>:<64 hex digits>"
                )
            }
            digests.append(digest)
        }
        return JSONBody.response(VerifyAnswer.verify(storeAt: store.root, expecting: digests).json)
    }
}
