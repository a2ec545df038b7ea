import Certification
import CertificationWire
import Chronology
import DocketJSON
import DocketStore
import Hummingbird
import Projections

/// `GET /v1/cases/{id}` (`?asOf=`, `?atVersion=`), `/timeline` and `/replay`: the case view, who
/// did what and when, and each event with the state it produced — as `docket case`, `timeline`
/// and `replay --json` print them. Identity numbers are masked except for registrars and
/// auditors.
struct CaseRoutes: Sendable {
    let store: DocketStore
    let projector: Projector

    func register(on router: Router<DocketRequestContext>) {
        router.get("/v1/cases/{id}") { request, context in try view(request, context) }
        router.get("/v1/cases/{id}/timeline") { request, context in try timeline(request, context) }
        router.get("/v1/cases/{id}/replay") { request, context in
            try await Blocking.run { try replay(request, context) }
        }
    }

    func view(_ request: Request, _ context: DocketRequestContext) throws -> Response {
        let holder = try context.require(Access.caseReaders)
        let id = try Self.caseID(context)
        let query = request.uri.queryParameters
        let asOf = try query.get("asOf").map { (text: String) throws(APIError) -> Timestamp in
            guard let t = RFC3339.parse(text) else {
                throw APIError.badQuery(
                    "asOf",
                    "asOf \(text) is not an RFC 3339 time; write it like 2024-05-01T00:00:00+08:00"
                )
            }
            return t
        }
        let atVersion = try query.get("atVersion").map { (text: String) throws(APIError) -> UInt64 in
            guard let n = UInt64(text), n >= 1 else {
                throw APIError.badQuery("atVersion", "atVersion must be a version number, 1 or more")
            }
            return n
        }
        if asOf != nil, atVersion != nil {
            throw APIError.badQuery("asOf", "give asOf or atVersion, not both")
        }
        let full = Access.seesFullIdentity(holder.role)
        let now = Timestamp.now()
        if asOf == nil, atVersion == nil, !full, var projected = try? projector.currentCaseViewJSON(id, now: now) {
            projected.append(0x0A)
            return JSONBody.response(bytes: projected, contentType: "application/json")
        }
        let history = try Self.history(id, store)
        let cut: CaseView.Cut =
            if let asOf { .asOf(asOf) } else if let atVersion { .atVersion(atVersion) } else { .now(now) }
        do {
            return JSONBody.response(try CaseView.make(history, at: cut).json(fullIdentity: full))
        } catch {
            throw APIError(
                .unprocessableContent,
                "invalid-query",
                error.message,
                field: asOf != nil ? "asOf" : "atVersion"
            )
        }
    }

    func timeline(_ request: Request, _ context: DocketRequestContext) throws -> Response {
        let holder = try context.require(Access.caseReaders)
        let id = try Self.caseID(context)
        var out: [UInt8] = [0x5B]
        func add(_ event: InterchangeEvent, _ summary: String, first: Bool) {
            if !first { out.append(0x2C) }
            event.write(into: &out, extra: [("summary", .string(summary))])
        }
        if !Access.seesFullIdentity(holder.role), let entries = try? projector.currentTimeline(id) {
            for (i, e) in entries.enumerated() { add(e.event, e.summary, first: i == 0) }
        } else {
            let full = Access.seesFullIdentity(holder.role)
            for (i, entry) in try Self.history(id, store).entries.enumerated() {
                add(entry.line(fullIdentity: full), EventSummary.summary(of: entry.event), first: i == 0)
            }
        }
        out.append(0x5D)
        out.append(0x0A)
        return JSONBody.response(bytes: out, contentType: "application/json")
    }

    func replay(_ request: Request, _ context: DocketRequestContext) throws -> Response {
        let holder = try context.require(Access.caseReaders)
        let id = try Self.caseID(context)
        let full = Access.seesFullIdentity(holder.role)
        let history = try Self.history(id, store)
        var out: [UInt8] = []
        for (n, entry) in history.entries.enumerated() {
            let view: CaseView
            do { view = try CaseView.make(history, at: .atVersion(UInt64(n + 1))) } catch {
                throw APIError(.internalServerError, "replay-failed", error.message)
            }
            out.append(contentsOf: Array("{\"event\":".utf8))
            entry.line(fullIdentity: full).write(into: &out)
            out.append(contentsOf: Array(",\"state\":".utf8))
            JSONWriter.write(view.json(fullIdentity: full), into: &out)
            out.append(contentsOf: Array("}\n".utf8))
        }
        return JSONBody.response(bytes: out, contentType: "application/x-ndjson")
    }

    static func caseID(_ context: DocketRequestContext) throws(APIError) -> String {
        guard let id = context.parameters.get("id"), StreamName.isValidID(id) else {
            throw APIError(.badRequest, "invalid-field", "a case id is 1 to 64 of A-Z a-z 0-9 . _ -", field: "id")
        }
        return id
    }

    static func history(_ id: String, _ store: DocketStore) throws(APIError) -> CaseHistory {
        do {
            return try CaseHistory.load(id, from: store.log)
        } catch {
            if error.code == .notFound { throw APIError.notFound("no case \(id)") }
            throw APIError(.internalServerError, "store-failed", error.message)
        }
    }
}
