import Certification
import DocketJSON
import DocketStore
import DocketWorkload
import EventLog
import Foundation
import Projections
import Testing

@testable import DocketServer

/// The HTTP API as client systems, supervisors, auditors and reporting jobs use it, over a real
/// loopback socket: tokens and roles, commands one or many, statuses for every kind of
/// refusal, limits, masking, reports, the event feed and its live tail, metrics, shutdown.
@Suite struct ServerTests {
    static func schedule(_ id: String, batch: String = "2026-04", at: String = "2026-01-05T09:00:00+08:00") -> String {
        #"{"command":"schedule-batch","commandId":"\#(id)","batch":"\#(batch)","at":"\#(at)","actor":{"id":"intruder","role":"portal"},"data":{"examStartsAt":"\#(batch)-18T09:00:00+08:00","occupations":["ai-trainer"]}}"#
    }

    static func json(_ reply: HTTPTestClient.Reply) -> JSONValue { (try? JSONParser.parse(reply.body)) ?? .null }

    @Test func everyRouteButTheOpenOnesNeedsAKnownToken() async throws {
        let server = try await TestServer()
        let client = server.client
        #expect(try await client.send("GET", "/health").status == 200)
        #expect(try await client.send("GET", "/metrics").status == 200)
        let none = try await client.send("GET", "/v1/cases/2024-04-000001")
        #expect(none.status == 401)
        #expect(Self.json(none)["code"] == .string("unauthenticated"))
        #expect(Self.json(none)["field"] == .string("Authorization"))
        #expect(none.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        #expect(try await client.send("GET", "/v1/cases/2024-04-000001", token: "dkt_not-a-token").status == 401)
        let basic = try await client.send("GET", "/v1/projections", headers: ["Authorization": "Basic abc"])
        #expect(basic.status == 401)
        #expect(
            try await client.send("GET", "/v1/cases/2024-04-000001", token: server.token(.supervisor)).status == 200
        )
        await server.stop()
    }

    @Test func eachRouteAdmitsOnlyTheRolesThatNeedIt() async throws {
        let server = try await TestServer()
        let client = server.client
        func status(_ method: String, _ path: String, _ role: Actor.Role, body: String = "") async throws -> Int {
            try await client.send(
                method,
                path,
                token: server.token(role),
                headers: body.isEmpty ? [:] : ["Content-Type": "application/json"],
                body: Array(body.utf8)
            ).status
        }
        let id = CommandWorkload.caseID(0)
        #expect(try await status("GET", "/v1/cases/\(id)", .reporter) == 403)
        #expect(try await status("GET", "/v1/cases/\(id)", .portal) == 200)
        #expect(try await status("GET", "/v1/reports/revenue", .portal) == 403)
        #expect(try await status("GET", "/v1/reports/revenue", .reporter) == 200)
        #expect(try await status("POST", "/v1/commands", .auditor, body: Self.schedule("r-1")) == 403)
        #expect(try await status("POST", "/v1/commands", .reporter, body: Self.schedule("r-2")) == 403)
        #expect(try await status("GET", "/v1/search?q=a", .portal) == 403)
        #expect(try await status("GET", "/v1/search?q=a", .supervisor) == 200)
        #expect(try await status("GET", "/v1/events", .supervisor) == 403)
        #expect(try await status("GET", "/v1/events", .reporter) == 200)
        #expect(try await status("GET", "/v1/digest", .reporter) == 403)
        #expect(try await status("GET", "/v1/digest", .auditor) == 200)
        let forbidden = try await client.send("GET", "/v1/digest", token: server.token(.portal))
        #expect(Self.json(forbidden)["code"] == .string("forbidden"))
        await server.stop()
    }

    @Test func aCommandIsRecordedAsTheTokensActorWhateverItsBodySays() async throws {
        let server = try await TestServer()
        let client = server.client
        let body = Array(Self.schedule("a-1").utf8)
        let headers = ["Content-Type": "application/json"]
        let accepted = try await client.send(
            "POST",
            "/v1/commands",
            token: server.token(.admin),
            headers: headers,
            body: body
        )
        #expect(accepted.status == 200, "\(accepted.text)")
        let result = Self.json(accepted)
        #expect(result["ok"] == .bool(true))
        let position = result["events"]?.arrayValue?.first?["position"]?.intValue ?? 0
        let page = try await client.send("GET", "/v1/events?from=\(position)&limit=1", token: server.token(.auditor))
        let event = Self.json(HTTPTestClient.Reply(status: 200, headers: [:], body: page.body.dropLast().map { $0 }))
        #expect(event["actor"]?["id"] == .string("admin-test"))
        #expect(event["actor"]?["role"] == .string("admin"))
        // The same command again: its first result, nothing appended.
        let again = try await client.send(
            "POST",
            "/v1/commands",
            token: server.token(.admin),
            headers: headers,
            body: body
        )
        #expect(Self.json(again)["events"] == result["events"])
        await server.stop()
    }

    @Test func refusalsAnswerWithTheirStatusAndCode() async throws {
        let server = try await TestServer()
        let client = server.client
        func post(_ role: Actor.Role, _ line: String) async throws -> (Int, String?) {
            let reply = try await client.send(
                "POST",
                "/v1/commands",
                token: server.token(role),
                headers: ["Content-Type": "application/json"],
                body: Array(line.utf8)
            )
            return (reply.status, Self.json(reply)["code"]?.stringValue)
        }
        #expect(try await post(.admin, "{not json") == (400, "invalid-json"))
        let missing =
            #"{"command":"verify-documents","commandId":"m-1","case":"2099-04-000001","at":"2026-01-05T09:00:00+08:00","data":{"outcome":"approved","checks":{"identityMatches":true,"photoCompliant":true,"eligibilityEvidence":true}}}"#
        #expect(try await post(.registrar, missing) == (404, "case-not-found"))
        #expect(try await post(.admin, Self.schedule("c-1")).0 == 200)
        let reused = Self.schedule("c-1", batch: "2026-07")
        #expect(try await post(.admin, reused) == (409, "command-id-reused"))
        #expect(try await post(.admin, Self.schedule("c-2")) == (409, "batch-exists"))
        // A portal token sending an examiner's command: the token's role decides.
        let score =
            #"{"command":"record-score","commandId":"s-1","case":"\#(CommandWorkload.caseID(0))","at":"2026-01-05T09:00:00+08:00","data":{"subject":"theory","score":70}}"#
        #expect(try await post(.portal, score) == (403, "role-not-allowed"))
        // A rule of the notice: the case is closed (certified or otherwise finished).
        let withdraw =
            #"{"command":"withdraw","commandId":"w-1","case":"\#(CommandWorkload.caseID(0))","at":"2026-01-05T09:00:00+08:00","data":{"reason":"moving"}}"#
        let (status, code) = try await post(.portal, withdraw)
        #expect(status == 422, "\(code ?? "")")
        await server.stop()
    }

    @Test func badRequestsGetAClearErrorNeverAServerError() async throws {
        var limits = ServerLimits()
        limits.maxBodyBytes = 4096
        limits.maxLinesPerBatch = 2
        let server = try await TestServer(limits: limits)
        let client = server.client
        let admin = server.token(.admin)
        let plain = try await client.send(
            "POST",
            "/v1/commands",
            token: admin,
            headers: ["Content-Type": "text/plain"],
            body: [1]
        )
        #expect(plain.status == 415 && Self.json(plain)["field"] == .string("Content-Type"))
        let big = try await client.send(
            "POST",
            "/v1/commands",
            token: admin,
            headers: ["Content-Type": "application/json"],
            body: Array(repeating: 0x20, count: 8192)
        )
        #expect(big.status == 413 && Self.json(big)["code"] == .string("body-too-large"))
        let lines = [Self.schedule("l-1"), Self.schedule("l-2"), Self.schedule("l-3")].joined(separator: "\n")
        let many = try await client.send(
            "POST",
            "/v1/commands",
            token: admin,
            headers: ["Content-Type": "application/x-ndjson"],
            body: Array(lines.utf8)
        )
        #expect(many.status == 413 && Self.json(many)["code"] == .string("too-many-lines"))
        let asOf = try await client.send("GET", "/v1/cases/\(CommandWorkload.caseID(0))?asOf=yesterday", token: admin)
        #expect(asOf.status == 400 && Self.json(asOf)["field"] == .string("asOf"))
        #expect(try await client.send("GET", "/v1/cases/2099-01-000001", token: admin).status == 404)
        #expect(try await client.send("GET", "/v1/cases/bad%20id", token: admin).status == 400)
        #expect(try await client.send("GET", "/v1/reports/nothing", token: admin).status == 404)
        #expect(try await client.send("GET", "/v1/search", token: admin).status == 400)
        #expect(try await client.send("GET", "/v1/events?limit=0", token: admin).status == 400)
        #expect(try await client.send("GET", "/v1/reports/revenue?from=March", token: admin).status == 400)
        let huge = try await client.send(
            "GET",
            "/health",
            headers: ["X-Padding": String(repeating: "a", count: 40_000)]
        )
        #expect((400..<500).contains(huge.status))
        await server.stop()
    }

    /// A client trickling its body is cut off when the body deadline passes, before anything
    /// is decided; one sending at once is not.
    @Test func aBodyThatDoesNotArriveInTimeIs408AndNothingIsDecided() async throws {
        var limits = ServerLimits()
        limits.bodySeconds = 1
        let server = try await TestServer(limits: limits)
        let before = try await server.client.send("GET", "/ready")
        let line = Array(Self.schedule("slow-1", batch: "2027-07").utf8)
        let head = Array(
            """
            POST /v1/commands HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
            Authorization: Bearer \(server.token(.admin))\r\nContent-Type: application/json\r\n\
            Content-Length: \(line.count)\r\n\r\n
            """.utf8
        )
        // Headers and half the body, then nothing.
        let reply = try await server.client.sendRaw(head + line.prefix(line.count / 2), seconds: 10)
        #expect(reply.status == 408)
        #expect(Self.json(reply)["code"] == .string("request-timeout"))
        let after = try await server.client.send("GET", "/ready")
        #expect(Self.json(after)["log"] == Self.json(before)["log"])
        let whole = try await server.client.send(
            "POST",
            "/v1/commands",
            token: server.token(.admin),
            headers: ["Content-Type": "application/json"],
            body: line
        )
        #expect(whole.status == 200)
        await server.stop()
    }

    /// A revoked token is refused by the running server (it looks at the tokens file at most
    /// once a second); the others keep working.
    @Test func aRevokedTokenIsRefusedWithoutARestart() async throws {
        let server = try await TestServer(cases: 2)
        let client = server.client
        #expect(try await client.send("GET", "/v1/digest", token: server.token(.auditor)).status == 200)
        let revoked = try TokenFile.revoke(path: TokenFile.path(storeRoot: server.path)) { $0.role == .auditor }
        #expect(revoked.count == 1)
        var status = 200
        let deadline = Date().addingTimeInterval(5)
        while status == 200, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            status = try await client.send("GET", "/v1/digest", token: server.token(.auditor)).status
        }
        #expect(status == 401)
        #expect(try await client.send("GET", "/v1/digest", token: server.token(.admin)).status == 200)
        await server.stop()
    }

    @Test func manyCommandsAnswerOneLineEachInOrder() async throws {
        let server = try await TestServer()
        let lines = [Self.schedule("n-1"), "not json", Self.schedule("n-3", batch: "2026-07")].joined(separator: "\n")
        let reply = try await server.client.send(
            "POST",
            "/v1/commands",
            token: server.token(.admin),
            headers: ["Content-Type": "application/x-ndjson"],
            body: Array((lines + "\n").utf8)
        )
        #expect(reply.status == 200 && reply.headers["content-type"] == "application/x-ndjson")
        let results = reply.text.split(separator: "\n").map { (try? JSONParser.parse(String($0))) ?? .null }
        #expect(results.map { $0["commandId"] } == [.string("n-1"), .null, .string("n-3")])
        #expect(results.map { $0["ok"] } == [.bool(true), .bool(false), .bool(true)])
        await server.stop()
    }

    @Test func identityNumbersAreMaskedButForRegistrarsAndAuditors() async throws {
        let server = try await TestServer()
        let client = server.client
        let id = CommandWorkload.caseID(0)
        func number(_ role: Actor.Role) async throws -> String {
            Self.json(try await client.send("GET", "/v1/cases/\(id)", token: server.token(role)))["candidate"]?[
                "idDocument"
            ]?[
                "number"
            ]?.stringValue ?? ""
        }
        #expect(try await number(.supervisor).contains("*"))
        #expect(try await number(.portal).contains("*"))
        let full = try await number(.registrar)
        #expect(!full.contains("*") && full.count >= 8)
        #expect(try await number(.auditor) == full)
        let timeline = try await client.send("GET", "/v1/cases/\(id)/timeline", token: server.token(.supervisor))
        #expect(timeline.status == 200 && !timeline.text.contains(full))
        let events = (Self.json(timeline).arrayValue ?? []).filter { $0["source"] == .string("case") }
        #expect(events.first?["summary"]?.stringValue != nil)
        let replay = try await client.send("GET", "/v1/cases/\(id)/replay", token: server.token(.auditor))
        #expect(replay.text.split(separator: "\n").count == events.count)
        let first = try await client.send("GET", "/v1/cases/\(id)?atVersion=1", token: server.token(.supervisor))
        #expect(Self.json(first)["status"] == .string("applied"))
        let page = try await client.send("GET", "/v1/events?limit=10000", token: server.token(.reporter))
        #expect(!page.text.contains(full))
        await server.stop()
    }

    @Test func reportsComeAsJSONOrCSVAndTheReadModelsReportTheirState() async throws {
        let server = try await TestServer()
        let client = server.client
        let reporter = server.token(.reporter)
        let batches = try await client.send("GET", "/v1/reports/batches", token: reporter)
        #expect(batches.status == 200)
        let answer = Self.json(batches)
        #expect((answer["rows"]?.arrayValue ?? []).first?["applied"]?.intValue != nil)
        #expect(answer["report"] == .string("batches") && answer["logPosition"]?.intValue != nil)
        let csv = try await client.send(
            "GET",
            "/v1/reports/revenue?batch=2024-04",
            token: reporter,
            headers: ["Accept": "text/csv"]
        )
        #expect(csv.headers["content-type"]?.hasPrefix("text/csv") == true)
        #expect(csv.text.hasPrefix("batch,occupation,day,paidYuan,refundedYuan,netYuan\n"))
        #expect(csv.text.hasSuffix("\n") && csv.text.split(separator: "\n").last?.hasPrefix("total,") == true)
        let models = Self.json(try await client.send("GET", "/v1/projections", token: reporter))
        #expect(models["projections"]?.arrayValue?.count == 9)
        #expect(models["projections"]?.arrayValue?.allSatisfy { $0["lag"] == .int(0) } == true)
        // Fingerprints describe the position shown, and a second call (kept ones) agrees with
        // what `docket projections status` computes afresh.
        #expect(
            models["projections"]?.arrayValue?.allSatisfy { $0["fingerprintedAt"] == $0["position"] } == true
        )
        let again = Self.json(try await client.send("GET", "/v1/projections", token: reporter))
        #expect(again == models)
        let store = try DocketStore.open(at: server.path, readOnly: true)
        let fresh = try Projector(storeRoot: server.path, log: store.log, keys: store.personalKeys).status()
        try store.close()
        for status in fresh {
            let shown = models["projections"]?.arrayValue?.first { $0["name"] == .string(status.name) }
            for (table, fingerprint) in status.fingerprints {
                #expect(shown?["fingerprints"]?[table] == .string(fingerprint))
            }
        }
        let found = try await client.send(
            "GET",
            "/v1/search?q=\(CommandWorkload.caseID(0).prefix(0))%E7%8E%8B",
            token: server.token(.supervisor)
        )
        #expect(found.status == 200)
        await server.stop()
    }

    @Test func theEventFeedPagesAndItsLiveTailResumesAfterTheLastEventSeen() async throws {
        let server = try await TestServer()
        let client = server.client
        let auditor = server.token(.auditor)
        let page = try await client.send("GET", "/v1/events?from=3&limit=4", token: auditor)
        let lines = page.text.split(separator: "\n").map { (try? JSONParser.parse(String($0))) ?? .null }
        #expect(lines.map { $0["position"]?.intValue } == [3, 4, 5, 6])
        #expect(page.headers["docket-next-from"] == "7")
        // Resuming after event 5 starts at 6; an event appended meanwhile arrives live.
        let admin = server.token(.admin)
        let poster = Task {
            try await Task.sleep(for: .milliseconds(400))
            _ = try await client.send(
                "POST",
                "/v1/commands",
                token: admin,
                headers: ["Content-Type": "application/json"],
                body: Array(Self.schedule("live-1").utf8)
            )
        }
        let stream = try await client.stream("/v1/events/live", token: auditor, headers: ["Last-Event-ID": "5"]) {
            $0.contains("event: BatchScheduled\ndata: {\"position\"") && $0.contains("2026-04")
        }
        _ = try await poster.value
        #expect(stream.contains("text/event-stream"))
        let ids = stream.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("id: ") }.compactMap {
            Int($0.dropFirst(4))
        }
        #expect(ids.first == 6, "\(String(stream.prefix(400)).debugDescription)")
        #expect(ids == ids.sorted())
        #expect(stream.contains("batch-2026-04"))
        await server.stop()
    }

    @Test func metricsCountCommandsByOutcomeAndTheLogsLatency() async throws {
        let server = try await TestServer()
        let client = server.client
        for line in [Self.schedule("m-1"), "{bad"] {
            _ = try await client.send(
                "POST",
                "/v1/commands",
                token: server.token(.admin),
                headers: ["Content-Type": "application/json"],
                body: Array(line.utf8)
            )
        }
        let metrics = try await client.send("GET", "/metrics").text
        #expect(metrics.contains(#"docket_commands_total{outcome="accepted",code=""} 1"#))
        #expect(metrics.contains(#"docket_commands_total{outcome="refused",code="invalid-json"} 1"#))
        #expect(metrics.contains("docket_log_sync_seconds_count"))
        #expect(metrics.contains("docket_projection_lag_events"))
        #expect(!metrics.contains("110101"))
        await server.stop()
    }

    @Test func aStopLetsCommandsInFlightFinishAndLosesNothingAcknowledged() async throws {
        let server = try await TestServer(cases: 3)
        let client = server.client
        let months = ["04", "07", "11"]
        let lines = (0..<150).map { Self.schedule("s-\($0)", batch: "\(2030 + $0 / 3)-\(months[$0 % 3])") }
        let admin = server.token(.admin)
        let request = Task {
            try await client.send(
                "POST",
                "/v1/commands",
                token: admin,
                headers: ["Content-Type": "application/x-ndjson"],
                body: Array(lines.joined(separator: "\n").utf8)
            )
        }
        // Stop once the server is deciding the batch (its first results are counted).
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline,
            !(try await client.send("GET", "/metrics").text.contains(#"docket_commands_total{outcome="accepted""#))
        {
            try await Task.sleep(for: .milliseconds(2))
        }
        await server.stop()
        let reply = try await request.value
        let results = reply.text.split(separator: "\n").map { (try? JSONParser.parse(String($0))) ?? .null }
        #expect(results.count == lines.count, "the request in flight was cut short")
        #expect(results.allSatisfy { $0["ok"] == .bool(true) })
        let store = try DocketStore.open(at: server.path)
        for result in results where result["ok"] == .bool(true) {
            for event in result["events"]?.arrayValue ?? [] {
                let position = UInt64(event["position"]?.intValue ?? 0)
                #expect(try store.log.event(at: position).stream == result["stream"]?.stringValue)
            }
        }
        try store.close()
    }
}
