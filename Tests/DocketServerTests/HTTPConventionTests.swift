import Certification
import DocketJSON
import DocketServer
import DocketWorkload
import Foundation
import Testing

/// The API follows HTTP's own rules: problem details for every error, validators and 304s,
/// CORS for allowed origins, gzip on request, SSE keep-alives, and its document served.
@Suite struct HTTPConventionTests {
    static func json(_ reply: HTTPTestClient.Reply) -> JSONValue { (try? JSONParser.parse(reply.body)) ?? .null }

    @Test func everyRouteAnswersItsErrorsAsProblemDetails() async throws {
        let server = try await TestServer()
        let client = server.client
        let supervisor = server.token(.supervisor)
        let errors: [(String, String, String?, [String: String], [UInt8])] = [
            ("GET", "/v1/cases/\(CommandWorkload.caseID(0))", nil, [:], []),  // no token
            ("GET", "/v1/digest", supervisor, [:], []),  // a role the route does not admit
            ("GET", "/v1/cases/nobody", supervisor, [:], []),
            ("GET", "/v1/cases/\(CommandWorkload.caseID(0))?asOf=soon", supervisor, [:], []),
            ("GET", "/v1/cases/\(CommandWorkload.caseID(0))/timeline?knownAt=2000-01-01", supervisor, [:], []),
            ("GET", "/v1/batches/2099-01", supervisor, [:], []),
            ("GET", "/v1/search?q=", supervisor, [:], []),
            ("GET", "/v1/reports/nope", server.token(.reporter), [:], []),
            ("GET", "/v1/events?limit=0", server.token(.reporter), [:], []),
            ("DELETE", "/v1/commands", supervisor, [:], []),
            ("GET", "/v2/anything", supervisor, [:], []),
            ("POST", "/v1/commands", supervisor, ["Content-Type": "text/plain"], Array("x".utf8)),
            ("POST", "/v1/commands", supervisor, ["Content-Type": "application/json"], Array("{".utf8)),
        ]
        for (method, path, token, headers, body) in errors {
            let reply = try await client.send(method, path, token: token, headers: headers, body: body)
            let problem = Self.json(reply)
            #expect(reply.status >= 400, "\(method) \(path)")
            #expect(reply.headers["content-type"] == "application/problem+json", "\(method) \(path)")
            #expect(problem["status"] == .int(reply.status), "\(method) \(path)")
            let code = problem["code"]?.stringValue ?? ""
            #expect(!code.isEmpty && problem["type"] == .string("urn:docket:problem:" + code), "\(method) \(path)")
            #expect(problem["title"]?.stringValue?.isEmpty == false && problem["detail"]?.stringValue?.isEmpty == false)
        }
        // A refused command carries its result line.
        let refused = try await client.send(
            "POST",
            "/v1/commands",
            token: server.token(.admin),
            headers: ["Content-Type": "application/json"],
            body: Array(
                #"{"command":"schedule-batch","batch":"2024-04","at":"2024-01-08T09:00:00+08:00","actor":{"id":"a","role":"admin"},"data":{"examStartsAt":"2024-04-20T09:00:00+08:00","occupations":["ai-trainer"]}}"#
                    .utf8
            )
        )
        let problem = Self.json(refused)
        #expect(refused.status == 409 && problem["code"] == .string("batch-exists"))
        #expect(problem["result"]?["ok"] == .bool(false) && problem["result"]?["error"]?["code"] == .string("batch-exists"))
        await server.stop()
    }

    @Test func aCaseViewIsNotSentAgainUntilTheLogMoves() async throws {
        let server = try await TestServer()
        let client = server.client
        let supervisor = server.token(.supervisor)
        let path = "/v1/cases/\(CommandWorkload.caseID(0))"
        let first = try await client.send("GET", path, token: supervisor)
        let tag = try #require(first.headers["etag"])
        #expect(tag.hasPrefix("W/\"") && first.headers["cache-control"] == "private, no-cache")
        let again = try await client.send("GET", path, token: supervisor, headers: ["If-None-Match": tag])
        #expect(again.status == 304 && again.body.isEmpty)
        // Another role's tag differs (a cache never hands one role's view to another).
        let registrar = try await client.send("GET", path, token: server.token(.registrar), headers: ["If-None-Match": tag])
        #expect(registrar.status == 200)
        // An append moves the log: the same tag now gets the new answer.
        let note = #"{"command":"add-note","case":"\#(CommandWorkload.caseID(0))","at":"2026-01-05T09:00:00+08:00","actor":{"id":"s","role":"supervisor"},"data":{"text":"called"}}"#
        let added = try await client.send(
            "POST",
            "/v1/commands",
            token: supervisor,
            headers: ["Content-Type": "application/json"],
            body: Array(note.utf8)
        )
        #expect(added.status == 200, "\(added.text)")
        let after = try await client.send("GET", path, token: supervisor, headers: ["If-None-Match": tag])
        #expect(after.status == 200 && after.headers["etag"] != tag)
        await server.stop()
    }

    @Test func anAllowedOriginsPreflightIsAnsweredWithoutAToken() async throws {
        let server = try await TestServer(corsOrigins: ["https://portal.example.cn"])
        let client = server.client
        let preflight = try await client.send(
            "OPTIONS",
            "/v1/cases/x",
            headers: ["Origin": "https://portal.example.cn", "Access-Control-Request-Method": "GET"]
        )
        #expect(preflight.status == 204)
        #expect(preflight.headers["access-control-allow-origin"] == "https://portal.example.cn")
        #expect(preflight.headers["access-control-allow-headers"]?.contains("Authorization") == true)
        let stranger = try await client.send(
            "OPTIONS",
            "/v1/cases/x",
            headers: ["Origin": "https://evil.example", "Access-Control-Request-Method": "GET"]
        )
        #expect(stranger.headers["access-control-allow-origin"] == nil)
        let read = try await client.send(
            "GET",
            "/v1/cases/\(CommandWorkload.caseID(0))",
            token: server.token(.supervisor),
            headers: ["Origin": "https://portal.example.cn"]
        )
        #expect(read.status == 200 && read.headers["access-control-allow-origin"] == "https://portal.example.cn")
        #expect(read.headers["access-control-expose-headers"]?.contains("ETag") == true)
        await server.stop()
    }

    @Test func aClientThatAcceptsGzipGetsALargeAnswerCompressed() async throws {
        let server = try await TestServer()
        let client = server.client
        let reporter = server.token(.reporter)
        let plain = try await client.send("GET", "/v1/reports/timelines", token: reporter)
        let gzipped = try await client.send("GET", "/v1/reports/timelines", token: reporter, headers: ["Accept-Encoding": "gzip"])
        #expect(plain.headers["content-encoding"] == nil)
        #expect(gzipped.headers["content-encoding"] == "gzip" && gzipped.headers["vary"]?.contains("Accept-Encoding") == true)
        #expect(gzipped.body.count < plain.body.count / 2)
        #expect(Array(gzipped.body.prefix(2)) == [0x1F, 0x8B])
        await server.stop()
    }

    @Test func anIdleFeedSendsKeepAlivesAndARetryTime() async throws {
        var limits = ServerLimits()
        limits.heartbeatSeconds = 1
        let server = try await TestServer(limits: limits)
        let text = try await server.client.stream("/v1/events/live?from=999999", token: server.token(.reporter), seconds: 5) {
            $0.contains(": keep-alive")
        }
        #expect(text.contains("retry: 3000") && text.contains(": keep-alive"))
        await server.stop()
    }

    @Test func theDocumentAndItsPageAreServedWithoutAToken() async throws {
        let server = try await TestServer()
        let document = try await server.client.send("GET", "/openapi.yaml")
        #expect(document.status == 200 && document.text.hasPrefix("openapi: 3.1"))
        let page = try await server.client.send("GET", "/reference")
        #expect(page.status == 200 && page.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(page.text.contains("/v1/cases/{id}") && page.text.contains("<table>"))
        await server.stop()
    }
}
