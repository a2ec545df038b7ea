import Certification
import CertificationWire
import DocketApplication
import DocketJSON
import DocketStore
import Hummingbird

/// `GET /v1/cases/{id}` (`?asOf=`, `?knownAt=`, `?atVersion=`), `/timeline` and `/replay`, and
/// `GET /v1/batches/{id}`: the case view, who did what and when (with the batch events that
/// changed the case), each event with the state it produced, and a batch's history — as
/// `docket case`, `timeline`, `replay --json` and `batch --json` print them. Identity numbers
/// are masked and birth dates shown to the year except for registrars and auditors.
struct CaseRoutes: Sendable {
    let service: DocketService

    func register(on router: Router<DocketRequestContext>) {
        router.get("/v1/cases/{id}") { request, context in
            // The masked view of now is a read of one row (the hop would cost more than the
            // read); anything else folds the case from the log, off the cooperative pool.
            let plain = request.uri.query == nil && context.holder.map { Disclosure.of($0.role) } != .full
            return plain ? try view(request, context) : try await Blocking.run { try view(request, context) }
        }
        router.get("/v1/cases/{id}/timeline") { request, context in
            try await Blocking.run { try timeline(request, context) }
        }
        router.get("/v1/cases/{id}/replay") { request, context in
            try await Blocking.run { try replay(request, context) }
        }
        router.get("/v1/cases/{id}/access") { request, context in
            try await Blocking.run { try access(request, context) }
        }
        router.get("/v1/batches/{id}") { request, context in
            try await Blocking.run { try batch(request, context) }
        }
    }

    func view(_ request: Request, _ context: DocketRequestContext) throws -> Response {
        let holder = try context.require(Access.caseReaders)
        let id = try Self.caseID(context)
        let query = request.uri.queryParameters
        let cut = try Self.cut(request)
        let atVersion = try query.get("atVersion").map { (text: String) throws(APIError) -> UInt64 in
            guard let n = UInt64(text), n >= 1 else {
                throw APIError.badQuery("atVersion", "atVersion must be a version number, 1 or more")
            }
            return n
        }
        let disclosure = Disclosure.of(holder.role)
        let purpose = try PurposeParameter.of(request, holder)
        let tag = Conditional.tag(position: service.logPosition, reader: disclosure == .full ? "full" : "masked")
        if let unchanged = Conditional.notModified(request, tag: tag) { return unchanged }
        let answer = try APIError.answer { () throws(DocketError) in
            try service.caseView(id, cut: cut, atVersion: atVersion, disclosure: disclosure, purpose: purpose)
        }
        var body = answer.json
        body.append(0x0A)
        return Conditional.tagged(JSONBody.response(bytes: body, contentType: "application/json"), tag: tag)
    }

    func timeline(_ request: Request, _ context: DocketRequestContext) throws -> Response {
        let holder = try context.require(Access.caseReaders)
        let id = try Self.caseID(context)
        let cut = try Self.cut(request)
        let disclosure = Disclosure.of(holder.role)
        let purpose = try PurposeParameter.of(request, holder)
        let tag = Conditional.tag(position: service.logPosition, reader: disclosure == .full ? "full" : "masked")
        if let unchanged = Conditional.notModified(request, tag: tag) { return unchanged }
        let entries = try APIError.answer { () throws(DocketError) in
            try service.timeline(id, cut: cut, disclosure: disclosure, purpose: purpose)
        }
        var out: [UInt8] = [0x5B]
        for (i, entry) in entries.enumerated() {
            if i > 0 { out.append(0x2C) }
            entry.write(into: &out)
        }
        out.append(0x5D)
        out.append(0x0A)
        return Conditional.tagged(JSONBody.response(bytes: out, contentType: "application/json"), tag: tag)
    }

    func replay(_ request: Request, _ context: DocketRequestContext) throws -> Response {
        let holder = try context.require(Access.caseReaders)
        let id = try Self.caseID(context)
        let cut = try Self.cut(request)
        let purpose = try PurposeParameter.of(request, holder)
        let steps = try APIError.answer { () throws(DocketError) in
            try service.replay(id, cut: cut, disclosure: Disclosure.of(holder.role), purpose: purpose)
        }
        var out: [UInt8] = []
        for step in steps {
            step.write(into: &out)
            out.append(0x0A)
        }
        return JSONBody.response(bytes: out, contentType: "application/x-ndjson")
    }

    /// `GET /v1/cases/{id}/access`: who read the case's personal data, when and why (JSON
    /// Lines, oldest first), for auditors and privacy officers.
    func access(_ request: Request, _ context: DocketRequestContext) throws -> Response {
        _ = try context.require(Access.accessAuditors)
        let id = try Self.caseID(context)
        let records = try APIError.answer { () throws(DocketError) in try service.accessRecords(of: id) }
        var out: [UInt8] = []
        for record in records {
            JSONWriter.write(record.json, into: &out)
            out.append(0x0A)
        }
        return JSONBody.response(bytes: out, contentType: "application/x-ndjson")
    }

    func batch(_ request: Request, _ context: DocketRequestContext) throws -> Response {
        _ = try context.require(Access.caseReaders)
        let id = try Self.caseID(context, what: "batch")
        let cut = try Self.cut(request)
        let answer = try APIError.answer { () throws(DocketError) in try service.batch(id, cut: cut) }
        return JSONBody.response(answer.json)
    }

    /// The `{id}` path parameter, checked as a case or batch id.
    static func caseID(_ context: DocketRequestContext, what: String = "case") throws(APIError) -> String {
        guard let id = context.parameters.get("id"), StreamName.isValidID(id) else {
            throw APIError(.badRequest, "invalid-field", "a \(what) id is 1 to 64 of A-Z a-z 0-9 . _ -", field: "id")
        }
        return id
    }

    /// The `asOf` / `knownAt` query parameters as a cut.
    static func cut(_ request: Request) throws(APIError) -> TimeCut {
        let query = request.uri.queryParameters
        return try APIError.answer { () throws(DocketError) in
            try TimeCut.parse(
                asOf: query.get("asOf"),
                knownAt: query.get("knownAt"),
                asOfName: "asOf",
                knownAtName: "knownAt"
            )
        }
    }
}
