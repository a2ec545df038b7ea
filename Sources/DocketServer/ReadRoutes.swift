import Certification
import Chronology
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
    let store: DocketStore
    let projector: Projector

    func register(on router: Router<DocketRequestContext>) {
        router.get("/v1/search") { request, context in try await Blocking.run { try search(request, context) } }
        router.get("/v1/reports/{name}") { request, context in
            try await Blocking.run { try report(request, context) }
        }
        router.get("/v1/projections") { _, context in try await Blocking.run { try projections(context) } }
        router.get("/v1/digest") { request, context in try digest(request, context) }
        router.get("/v1/verify") { _, context in try await Blocking.run { try verify(context) } }
    }

    func search(_ request: Request, _ context: DocketRequestContext) throws -> Response {
        _ = try context.require(Access.searchers)
        guard let q = request.uri.queryParameters.get("q"), !q.trimmingCharacters(in: .whitespaces).isEmpty
        else {
            throw APIError.badQuery("q", "give q: a name fragment or a full identity number")
        }
        do {
            return JSONBody.response(.array(try projector.searchCandidates(q).map(\.json)))
        } catch {
            throw APIError(.internalServerError, "projection-failed", error.message)
        }
    }

    func report(_ request: Request, _ context: DocketRequestContext) throws -> Response {
        _ = try context.require(Access.reporters)
        guard let name = context.parameters.get("name"), Report.names.contains(name) else {
            throw APIError.notFound("no such report; the reports are \(Report.names.joined(separator: ", "))")
        }
        let query = request.uri.queryParameters
        var filters = Report.Filters()
        filters.batch = query.get("batch")
        filters.occupation = query.get("occupation")
        filters.caseID = query.get("case")
        for (key, value) in [("from", query.get("from")), ("to", query.get("to")), ("today", query.get("today"))] {
            if let value, LocalDate(value) == nil {
                throw APIError.badQuery(key, "\(key) \(value) is not a date; write YYYY-MM-DD")
            }
        }
        filters.from = query.get("from")
        filters.to = query.get("to")
        if let days = query.get("complaintDays") {
            guard let n = Int(days), n >= 0 else {
                throw APIError.badQuery("complaintDays", "complaintDays must be 0 or more")
            }
            filters.complaintDays = n
        }
        if let days = query.get("expiringWithin") {
            guard let n = Int(days), n >= 0 else {
                throw APIError.badQuery("expiringWithin", "expiringWithin must be 0 or more")
            }
            filters.expiringWithinDays = n
        }
        let today =
            query.get("today")
            ?? Timestamp.now().localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset).description
        let report: Report
        do {
            report = try Report.run(name, filters: filters, projector: projector, today: today)
        } catch {
            throw APIError(.internalServerError, "projection-failed", error.message)
        }
        if (request.headers[.accept] ?? "").contains("text/csv") {
            return JSONBody.response(bytes: Array(report.csv.utf8), contentType: "text/csv; charset=utf-8")
        }
        return JSONBody.response(report.json)
    }

    func projections(_ context: DocketRequestContext) throws -> Response {
        _ = try context.require(Access.reporters)
        let statuses: [Projector.Status]
        do { statuses = try projector.servedStatus(reuseFingerprintsFor: .seconds(10)) } catch {
            throw APIError(.internalServerError, "projection-failed", error.message)
        }
        let items: [JSONValue] = statuses.map { s in
            .object([
                "name": .string(s.name), "summary": .string(s.summary), "position": .int(s.position),
                "lag": .int(s.lag), "fingerprintedAt": .int(s.fingerprintedAt),
                "fingerprints": .object(
                    JSONObject(s.fingerprints.map { (key: $0.table, value: .string($0.fingerprint)) })
                ),
            ])
        }
        return JSONBody.response(.object(["log": .int(store.log.lastPosition), "projections": .array(items)]))
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
            throw APIError(.unprocessableContent, "position-out-of-range", error.message, field: "at")
        }
    }

    /// Every frame, chain link, seal and index entry, then every history re-run through the
    /// rules (long on a large store: auditors call it, not clients).
    func verify(_ context: DocketRequestContext) throws -> Response {
        _ = try context.require(Access.auditors)
        let report = EventLog.verify(at: store.root)
        let rules = try? HistoryVerifier.verify(store.log)
        let findings: [JSONValue] = (rules?.findings ?? []).map { f in
            .object([
                "stream": .string(f.stream), "version": .int(f.version), "position": .int(f.position),
                "type": .string(f.type), "code": .string(f.code), "message": .string(f.message),
            ])
        }
        let problems: [JSONValue] = report.problems.map { p in
            .object([
                "kind": .string(p.kind), "message": .string(p.message), "file": .optional(p.file),
                "offset": p.offset.map { .int($0) } ?? .null, "position": p.position.map { .int($0) } ?? .null,
            ])
        }
        let clean = report.problems.isEmpty && findings.isEmpty && rules != nil
        return JSONBody.response(
            .object([
                "clean": .bool(clean), "events": .int(report.events), "streams": .int(report.streams),
                "digest": .string(report.head.description), "problems": .array(problems),
                "rules": .object(["checked": .bool(rules != nil), "findings": .array(findings)]),
            ])
        )
    }
}
