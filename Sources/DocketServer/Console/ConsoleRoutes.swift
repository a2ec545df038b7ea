import Certification
import CertificationWire
import Chronology
import DocketApplication
import DocketStore
import EventLog
import Evidence
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The supervisor console under `/console/`: server-rendered pages over the application layer
/// for people who are not programmers. Sign in with a Docket token; a session cookie then
/// stands for it until sign-out, half an hour idle, eight hours, or the token's revocation.
/// Every page checks the role as the API does (``Access``) and masks as the API masks
/// (``Disclosure``); every form carries the session's CSRF token; complaint work submits the
/// same commands as `POST /v1/commands`.
struct ConsoleRoutes: Sendable {
    let service: DocketService
    let tokens: TokenBook
    let sessions: ConsoleSessions
    let templates: ConsoleTemplates

    /// The largest form body the console reads (a note is at most 2,000 characters).
    static let maxFormBytes = 64 * 1024

    func register(on router: Router<DocketRequestContext>) {
        router.get("/") { _, _ in HTMLResponse.redirect("/console/") }
        router.get("/console") { request, _ in home(request) }
        router.get("/console/assets/console.css") { _, _ in stylesheet() }
        router.post("/console/sign-in") { request, _ in try await signIn(request) }
        router.post("/console/sign-out") { request, _ in try await signOut(request) }
        router.get("/console/search") { request, _ in try await search(request) }
        router.get("/console/cases") { request, _ in openCase(request) }
        router.get("/console/cases/{id}") { request, context in try await casePage(request, context, saved: false) }
        router.get("/console/cases/{id}/saved") { request, context in try await casePage(request, context, saved: true)
        }
        router.get("/console/cases/{id}/evidence") { request, context in try await evidence(request, context) }
        router.post("/console/cases/{id}/{command}") { request, context in try await command(request, context) }
        router.get("/console/reports") { request, _ in try await reports(request) }
        router.get("/console/reports/{file}") { request, context in try await reportCSV(request, context) }
    }

    // MARK: Sessions

    /// The request's live session, if any: known, not expired, and its token not revoked.
    func session(_ request: Request) -> ConsoleSession? {
        guard let id = ConsoleCookies.value(ConsoleCookies.session, in: request),
            let session = sessions.find(id)
        else { return nil }
        guard let holder = tokens.holder(of: session.token), holder == session.holder else {
            sessions.end(id)
            return nil
        }
        return session
    }

    /// Where a browser without a session goes: sign in, then back to this page.
    func signInFirst(_ request: Request) -> Response {
        var target = request.uri.path
        if let query = request.uri.query, request.method == .get { target += "?" + query }
        return HTMLResponse.redirect("/console/?next=" + TimelineFilter.escape(target))
    }

    /// `body` on the blocking pool (the application layer reads files), its failure kept as a
    /// value for the page to show.
    static func offPool<T: Sendable>(
        _ body: @escaping @Sendable () throws(DocketError) -> T
    ) async throws -> Result<T, DocketError> {
        try await Blocking.run {
            do throws(DocketError) { return .success(try body()) } catch { return .failure(error) }
        }
    }

    /// `next` when it is a console page of this server (never another site).
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/console/"), !next.hasPrefix("//"), !next.contains("\\"),
            !next.contains("/console/sign-")
        else { return nil }
        return next
    }

    func home(_ request: Request) -> Response {
        if let session = session(request) { return HTMLResponse.redirect(ConsoleUser(session).home) }
        let next = Self.safeNext(request.uri.queryParameters.get("next"))
        return signInPage(request, message: nil, next: next, status: .ok)
    }

    func signInPage(_ request: Request, message: String?, next: String?, status: HTTPResponse.Status) -> Response {
        let csrf = ConsoleSession.randomToken()
        let html = templates.render(SignInPage(signinCSRF: csrf, message: message, next: next), template: "signin")
        var response = HTMLResponse.page(html, status: status)
        response.headers.append(
            HTTPField(
                name: .setCookie,
                value: ConsoleCookies.set(ConsoleCookies.signIn, csrf, maxAge: 3600, request: request)
            )
        )
        return response
    }

    func signIn(_ request: Request) async throws -> Response {
        guard Self.sameOrigin(request) else { return forbidden(nil, "This form was not sent from this console.") }
        let form = try await Self.form(request)
        guard let expected = ConsoleCookies.value(ConsoleCookies.signIn, in: request),
            ConsoleSession.same(expected, form["csrf"] ?? "")
        else {
            return signInPage(
                request,
                message: "The sign-in form expired; sign in again.",
                next: nil,
                status: .forbidden
            )
        }
        let token = (form["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, token.count <= 512, let holder = tokens.holder(of: token) else {
            return signInPage(
                request,
                message:
                    "That token is not known to this server (it may have been revoked). Ask your administrator for one.",
                next: Self.safeNext(form["next"]),
                status: .unauthorized
            )
        }
        let session = sessions.start(token: token, holder: holder)
        let user = ConsoleUser(session)
        return HTMLResponse.redirect(
            Self.safeNext(form["next"]) ?? user.home,
            cookies: [
                ConsoleCookies.set(ConsoleCookies.session, session.id, maxAge: 8 * 3600, request: request),
                ConsoleCookies.set(ConsoleCookies.signIn, "", maxAge: 0, request: request),
            ]
        )
    }

    func signOut(_ request: Request) async throws -> Response {
        guard let session = session(request) else { return HTMLResponse.redirect("/console/") }
        let form = try await Self.form(request)
        guard Self.sameOrigin(request), ConsoleSession.same(session.csrf, form["csrf"] ?? "") else {
            return forbidden(ConsoleUser(session), "This form was not sent from this console session; reload the page.")
        }
        sessions.end(session.id)
        return HTMLResponse.redirect(
            "/console/",
            cookies: [ConsoleCookies.set(ConsoleCookies.session, "", maxAge: 0, request: request)]
        )
    }

    func stylesheet() -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(string: templates.stylesheet))
        )
    }

    // MARK: Pages

    func search(_ request: Request) async throws -> Response {
        guard let session = session(request) else { return signInFirst(request) }
        let user = ConsoleUser(session)
        guard user.canSearch else {
            return forbidden(user, "Searching candidates is for supervisors, registrars, auditors and administrators.")
        }
        let query = request.uri.queryParameters
        let text = query.get("q") ?? ""
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return page(SearchPage(user: user, query: ""), "search")
        }
        let offset = query.get("offset").map { Int($0) ?? -1 } ?? 0
        let role = session.holder.role
        let service = self.service
        let answer: Result<SearchAnswer, DocketError> = try await Self.offPool { () throws(DocketError) in
            (try service.search(
                text,
                offset: offset,
                limit: SearchPage.pageSize,
                disclosure: Disclosure.of(role)
            ))
        }
        switch answer {
        case .success(let found): return page(SearchPage(user: user, answer: found), "search")
        case .failure(let error) where error.kind == .invalidInput:
            return page(
                SearchPage(user: user, query: String(text.prefix(200)), error: error.message),
                "search",
                status: .badRequest
            )
        case .failure(let error): return failure(user, error)
        }
    }

    func openCase(_ request: Request) -> Response {
        guard let session = session(request) else { return signInFirst(request) }
        let user = ConsoleUser(session)
        guard user.canReadCases else { return forbidden(user, "Case pages are not for the \(user.role) role.") }
        let id = (request.uri.queryParameters.get("id") ?? "").trimmingCharacters(in: .whitespaces)
        if StreamName.isValidID(id) { return HTMLResponse.redirect("/console/cases/\(id)") }
        let error = id.isEmpty ? nil : "A case id is 1 to 64 of A-Z a-z 0-9 . _ -"
        let model = OpenCasePage(user: user, caseID: String(id.prefix(64)), role: user.role, error: error)
        return page(model, "open", status: error == nil ? .ok : .badRequest)
    }

    func casePage(_ request: Request, _ context: DocketRequestContext, saved: Bool) async throws -> Response {
        guard let session = session(request) else { return signInFirst(request) }
        let user = ConsoleUser(session)
        guard user.canReadCases else { return forbidden(user, "Case pages are not for the \(user.role) role.") }
        guard let id = context.parameters.get("id"), StreamName.isValidID(id) else {
            return failure(user, DocketError(.caseNotFound, "a case id is 1 to 64 of A-Z a-z 0-9 . _ -"))
        }
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let filter = TimelineFilter(query: query)
        let done = query["done"].flatMap(CommandForm.done)
        return try await withPurpose(id, request, session, user) { purpose in
            try await renderCase(
                id,
                user: user,
                role: session.holder.role,
                purpose: purpose,
                filter: filter,
                saved: saved,
                done: done
            )
        }
    }

    /// A page that asks for a purpose (with the answer's problem, if one was given).
    struct PurposeQuestion: Error {
        var response: Response
    }

    /// `body`'s page, given why this session reads case `id` (``readPurpose(_:_:_:_:)``), or
    /// the page that asks for it.
    func withPurpose(
        _ id: String,
        _ request: Request,
        _ session: ConsoleSession,
        _ user: ConsoleUser,
        _ body: (ReadPurpose) async throws -> Response
    ) async throws -> Response {
        switch readPurpose(id, request, session, user) {
        case .success(let purpose): return try await body(purpose)
        case .failure(let question): return question.response
        }
    }

    /// Why this session reads case `id`: the `purpose` parameter (then remembered for the
    /// session), or the one given before; otherwise the page that asks.
    func readPurpose(
        _ id: String,
        _ request: Request,
        _ session: ConsoleSession,
        _ user: ConsoleUser
    ) -> Result<ReadPurpose, PurposeQuestion> {
        let given = request.uri.queryParameters.get("purpose")
        let text = given ?? session.purposes[id]
        do throws(DocketError) {
            let purpose = try ReadPurpose(
                text,
                actorID: session.holder.actor,
                role: session.holder.role.rawValue,
                channel: "console"
            )
            if given != nil { sessions.setPurpose(session.id, caseID: id, purpose: purpose.text) }
            return .success(purpose)
        } catch {
            let asked = PurposePage(
                user: user,
                caseID: id,
                action: request.uri.path,
                purpose: String((given ?? "").prefix(200)),
                error: given == nil ? nil : error.message
            )
            return .failure(PurposeQuestion(response: page(asked, "purpose", status: given == nil ? .ok : .badRequest)))
        }
    }

    /// The case page (or its saved view, or the page again with a refused form).
    func renderCase(
        _ id: String,
        user: ConsoleUser,
        role: Actor.Role,
        purpose: ReadPurpose,
        filter: TimelineFilter,
        saved: Bool,
        done: String? = nil,
        posted: (command: String, form: CommandForm.Posted, field: String?, message: String)? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let service = self.service
        let css = templates.stylesheet
        let built: Result<CasePage, DocketError> = try await Self.offPool { () throws(DocketError) in
            // A saved view is stamped with the log position it shows: built again if the
            // log grew while it was being built (so nothing at or before the stamp is missing).
            func build() throws(DocketError) -> CasePage {
                try CasePage(
                    caseID: id,
                    service: service,
                    user: user,
                    role: role,
                    purpose: purpose,
                    filter: filter,
                    posted: posted
                )
            }
            var attempts = 0
            var position = service.logPosition
            var page = try build()
            while saved, attempts < 3, service.logPosition != position {
                attempts += 1
                position = service.logPosition
                page = try build()
            }
            page.done = done
            if saved {
                page.saved = true
                page.forms = nil
                page.inlineCSS = css
                page.user = nil
                page.savedBy = "\(user.actor) (\(user.role))"
                page.savedAt =
                    Timestamp(
                        microseconds: service.clock().microseconds,
                        utcOffsetSeconds: Timestamp.chinaStandardOffset
                    ).description
                page.logPosition = position
                do throws(EventLogError) {
                    page.digest = try service.store.log.digest(at: position).description
                } catch {
                    throw DocketError.from(error)
                }
                for i in page.entries.indices { page.entries[i].state?.open = true }
            }
            return page
        }
        switch built {
        case .success(let model):
            let html = templates.render(model, template: "case")
            guard saved else { return HTMLResponse.page(html, status: status) }
            var response = HTMLResponse.page(html, policy: HTMLResponse.savedPolicy)
            let name = "docket-case-\(id)-p\(model.logPosition).html"
            response.headers[.contentDisposition] = "attachment; filename=\"\(name)\""
            return response
        case .failure(let error):
            return failure(user, error)
        }
    }

    /// The case's evidence bundle (docs/EVIDENCE.md) against the latest checkpoint, masked as
    /// the reader's role is: what a supervisor attaches for someone who wants proof, not a view.
    func evidence(_ request: Request, _ context: DocketRequestContext) async throws -> Response {
        guard let session = session(request) else { return signInFirst(request) }
        let user = ConsoleUser(session)
        guard user.canReadCases else { return forbidden(user, "Case pages are not for the \(user.role) role.") }
        guard let id = context.parameters.get("id"), StreamName.isValidID(id) else {
            return failure(user, DocketError(.caseNotFound, "a case id is 1 to 64 of A-Z a-z 0-9 . _ -"))
        }
        let service = self.service
        let disclosure = Disclosure.of(session.holder.role)
        return try await withPurpose(id, request, session, user) { purpose in
            let made: Result<[UInt8], DocketError> = try await Self.offPool { () throws(DocketError) in
                (try service.evidence(id, disclosure: disclosure, purpose: purpose).json)
            }
            switch made {
            case .success(let bytes):
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "application/json",
                        .contentDisposition: "attachment; filename=\"docket-evidence-\(id).json\"",
                        .cacheControl: "no-store",
                    ],
                    body: .init(byteBuffer: ByteBuffer(bytes: bytes))
                )
            case .failure(let error):
                return failure(user, error)
            }
        }
    }

    func command(_ request: Request, _ context: DocketRequestContext) async throws -> Response {
        guard let session = session(request) else { return signInFirst(request) }
        let user = ConsoleUser(session)
        let form = try await Self.form(request)
        guard Self.sameOrigin(request), ConsoleSession.same(session.csrf, form["csrf"] ?? "") else {
            return forbidden(user, "This form was not sent from this console session; reload the page and try again.")
        }
        guard let id = context.parameters.get("id"), StreamName.isValidID(id),
            let command = context.parameters.get("command"), CommandForm.commands.contains(command)
        else {
            return failure(user, DocketError(.caseNotFound, "no such case or form"))
        }
        guard user.canActOnComplaints else {
            return forbidden(user, "Complaint work is the supervisor's; the \(user.role) role may not do it.")
        }
        let at = Timestamp(microseconds: service.clock().microseconds, utcOffsetSeconds: Timestamp.chinaStandardOffset)
        let line = CommandForm.line(command: command, caseID: id, form: form, actor: session.holder, at: at)
        let outcome = await CommandRoutes.submitOne(
            store: service.store,
            line,
            Actor(id: session.holder.actor, role: session.holder.role)
        )
        if outcome.ok {
            return HTMLResponse.redirect("/console/cases/\(id)?done=\(command)#timeline")
        }
        var message = outcome.storeFailure ?? outcome.rejection?.message ?? "the command was refused"
        if let code = outcome.rejection?.code {
            switch code {
            case .versionConflict:
                message =
                    "The case changed since this page was drawn (someone else acted on it). Look at the page again, then retry."
            case .commandIDReused:
                message = "This form was already sent. Look at the timeline before sending it again."
            default:
                message += " (\(code.rawValue))"
            }
        }
        return try await withPurpose(id, request, session, user) { purpose in
            try await renderCase(
                id,
                user: user,
                role: session.holder.role,
                purpose: purpose,
                filter: TimelineFilter(query: [:]),
                saved: false,
                posted: (command, form, outcome.rejection?.field, message),
                status: CommandRoutes.status(outcome)
            )
        }
    }

    func reports(_ request: Request) async throws -> Response {
        guard let session = session(request) else { return signInFirst(request) }
        let user = ConsoleUser(session)
        guard user.canReport else {
            return forbidden(user, "Reports are for reporters, auditors, supervisors and administrators.")
        }
        switch try await reportTables() {
        case .success(let (pass, revenue, position, generated)):
            return page(
                ReportsPage(
                    user: user,
                    passRates: pass,
                    revenue: revenue,
                    logPosition: position,
                    generatedAt: generated
                ),
                "reports"
            )
        case .failure(let error):
            return failure(user, error)
        }
    }

    func reportCSV(_ request: Request, _ context: DocketRequestContext) async throws -> Response {
        guard let session = session(request) else { return signInFirst(request) }
        let user = ConsoleUser(session)
        guard user.canReport else {
            return forbidden(user, "Reports are for reporters, auditors, supervisors and administrators.")
        }
        let file = context.parameters.get("file") ?? ""
        guard file == "pass-rates.csv" || file == "revenue-by-day.csv" else {
            return failure(
                user,
                DocketError(.unknownReport, "the console's tables are pass-rates.csv and revenue-by-day.csv")
            )
        }
        switch try await reportTables() {
        case .success(let (pass, revenue, position, _)):
            let table = file == "pass-rates.csv" ? pass : revenue
            let name = file.replacingOccurrences(of: ".csv", with: "-p\(position).csv")
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8; header=present",
                    .contentDisposition: "attachment; filename=\"\(name)\"",
                    .cacheControl: "no-store",
                ],
                body: .init(byteBuffer: ByteBuffer(string: table.csv))
            )
        case .failure(let error):
            return failure(user, error)
        }
    }

    /// The two tables of the reports page, and the position and time they reflect.
    func reportTables() async throws -> Result<(ReportsPage.Table, ReportsPage.Table, UInt64, String), DocketError> {
        let service = self.service
        return try await Self.offPool { () throws(DocketError) in
            let batches = try service.report("batches")
            let revenue = try service.report("revenue")
            return
                ((
                    ReportsPage.passRates(batches), ReportsPage.revenueByDay(revenue),
                    min(batches.logPosition, revenue.logPosition), batches.generatedAt.description
                ))
        }
    }

    // MARK: Helpers

    func page(_ model: Any, _ template: String, status: HTTPResponse.Status = .ok) -> Response {
        HTMLResponse.page(templates.render(model, template: template), status: status)
    }

    func forbidden(_ user: ConsoleUser?, _ message: String) -> Response {
        page(
            ErrorPage(title: "Not allowed", user: user, heading: "Not allowed", message: message),
            "error",
            status: .forbidden
        )
    }

    func failure(_ user: ConsoleUser?, _ error: DocketError) -> Response {
        let status: HTTPResponse.Status
        let heading: String
        switch error.kind {
        case .notFound:
            status = .notFound
            heading = "Not found"
        case .invalidInput:
            status = .badRequest
            heading = "That cannot be shown"
        case .unavailable:
            status = .serviceUnavailable
            heading = "Busy"
        case .storeFailure:
            status = .internalServerError
            heading = "The store could not answer"
        }
        return page(
            ErrorPage(title: heading, user: user, heading: heading, message: error.message),
            "error",
            status: status
        )
    }

    /// A form body (`application/x-www-form-urlencoded`), at most ``maxFormBytes``.
    static func form(_ request: Request) async throws -> CommandForm.Posted {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxFormBytes)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "body-too-large", "a console form is at most \(maxFormBytes) bytes")
        }
        return CommandForm.Posted(body: String(buffer: buffer))
    }

    /// Whether a post came from this server's own pages: an `Origin` header, when the browser
    /// sends one, must name the host the request was sent to (with SameSite=Strict cookies and
    /// the CSRF token, a third defence).
    static func sameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin] else { return true }
        guard let host = request.head.authority else { return false }
        let bare =
            origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? ""
        return bare == host
    }
}
