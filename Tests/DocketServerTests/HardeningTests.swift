import Certification
import DocketJSON
import DocketServer
import Foundation
import Testing

@testable import EventLog

/// What an attacker or a failing disk tried against the server, each once a way to crash it,
/// stop its writer, or read what the mask hides.
@Suite struct HardeningTests {
    static func json(_ reply: HTTPTestClient.Reply) -> JSONValue { (try? JSONParser.parse(reply.body)) ?? .null }

    static func schedule(_ id: String, batch: String) -> String {
        #"{"command":"schedule-batch","commandId":"\#(id)","batch":"\#(batch)","at":"2026-01-05T09:00:00+08:00","actor":{"id":"a","role":"admin"},"data":{"examStartsAt":"\#(batch)-18T09:00:00+08:00","occupations":["ai-trainer"]}}"#
    }

    @Test func numbersAtTheEdgeOfTheirTypeAreRefusedNotTrapped() async throws {
        let server = try await TestServer()
        let client = server.client
        let auditor = server.token(.auditor)
        let last = try await client.send(
            "GET",
            "/v1/events/live",
            token: auditor,
            headers: ["Last-Event-ID": "18446744073709551615"]
        )
        #expect(last.status == 400 && Self.json(last)["field"] == .string("Last-Event-ID"))
        let days = try await client.send("GET", "/v1/reports/retakes?expiringWithin=9223372036854775807", token: auditor)
        #expect(days.status == 400 && Self.json(days)["field"] == .string("expiringWithin"))
        let offset = try await client.send("GET", "/v1/search?q=a&offset=99999999999999999999", token: auditor)
        #expect(offset.status == 400)
        // And the server is still there.
        #expect(try await client.send("GET", "/health").status == 200)
        await server.stop()
    }

    @Test func aCommandTheLogCouldNotTakeIsRefusedWithItsFieldAndTheWriterGoesOn() async throws {
        let server = try await TestServer()
        let client = server.client
        let admin = server.token(.admin)
        func post(_ line: String) async throws -> HTTPTestClient.Reply {
            try await client.send(
                "POST",
                "/v1/commands",
                token: admin,
                headers: ["Content-Type": "application/json"],
                body: Array(line.utf8)
            )
        }
        // 64 four-byte characters: 64 characters, 256 bytes, one past the log's key limit.
        let wide = String(repeating: "𝄞", count: 64)
        let key = try await post(Self.schedule(wide, batch: "2026-04"))
        #expect(key.status == 400 && Self.json(key)["field"] == .string("commandId"))
        // A 10 MB reason.
        let huge = #"{"command":"reschedule-batch","batch":"2024-04","at":"2026-01-06T09:00:00+08:00","actor":{"id":"a","role":"admin"},"data":{"examStartsAt":"2026-04-30T09:00:00+08:00","reason":""#
            + String(repeating: "x", count: 10_000_000) + #""}}"#
        let big = try await post(huge)
        #expect(big.status == 400 && Self.json(big)["field"] == .string("data.reason"))
        // Nothing stopped: the next command is accepted, and the server is ready.
        #expect(try await post(Self.schedule("after", batch: "2026-07")).status == 200)
        #expect(try await client.send("GET", "/ready").status == 200)
        await server.stop()
    }

    @Test func aFailedWriteMakesTheServerUnreadyAndSaysWhy() async throws {
        let server = try await TestServer()
        let client = server.client
        FaultInjection.script([(.sync, 1, .ioError)], under: server.path)
        defer { FaultInjection.clear(under: server.path) }
        let failed = try await client.send(
            "POST",
            "/v1/commands",
            token: server.token(.admin),
            headers: ["Content-Type": "application/json"],
            body: Array(Self.schedule("s1", batch: "2026-04").utf8)
        )
        #expect(failed.status == 503)
        let ready = try await client.send("GET", "/ready")
        #expect(ready.status == 503)
        #expect(Self.json(ready)["reason"]?.stringValue?.contains("stopped accepting commands") == true)
        await server.stop()
    }

    @Test func liveFeedsAreLimitedPerHolder() async throws {
        let server = try await TestServer()
        let client = server.client
        let reporter = server.token(.reporter)
        let open = (0..<4).map { _ in
            Task { try await client.stream("/v1/events/live?from=1", token: reporter, seconds: 3) { _ in false } }
        }
        try await Task.sleep(for: .milliseconds(800))
        let fifth = try await client.send("GET", "/v1/events/live?from=1", token: reporter)
        #expect(fifth.status == 429 && Self.json(fifth)["code"] == .string("too-many-streams"))
        // Another holder still gets one.
        let other = try await client.stream("/v1/events/live?from=1", token: server.token(.auditor), seconds: 2) {
            $0.contains("id: 1\n")
        }
        #expect(other.contains("id: 1\n"))
        for task in open { _ = try? await task.value }
        await server.stop()
    }

    @Test func revokingATokenEndsItsOpenFeed() async throws {
        let server = try await TestServer()
        let client = server.client
        let path = TokenFile.path(storeRoot: server.path)
        let token = try TokenFile.add(actor: "feed-reader", role: .reporter, path: path)
        let revoker = Task {
            try await Task.sleep(for: .milliseconds(600))
            _ = try TokenFile.revoke(path: path) { $0.actor == "feed-reader" }
        }
        // Read until the server ends the response (the last chunk), or give up after 10 s.
        let text = try await client.stream("/v1/events/live?from=1", token: token, seconds: 10) {
            $0.hasSuffix("0\r\n\r\n")
        }
        _ = try await revoker.value
        #expect(text.hasSuffix("0\r\n\r\n"), "the feed of a revoked token went on")
        #expect(text.contains("retry: 3000"))
        await server.stop()
    }

    @Test func theFeedShowsMaskedReadersBirthYearsOnly() async throws {
        let server = try await TestServer()
        let page = try await server.client.send("GET", "/v1/events?limit=10000", token: server.token(.reporter))
        let text = page.text
        #expect(text.contains(#""birthDate":""#))
        let full = try NSRegularExpression(pattern: #""birthDate":"\d{4}-\d{2}-\d{2}""#)
        #expect(full.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text)) == 0)
        let auditorPage = try await server.client.send("GET", "/v1/events?limit=10000", token: server.token(.auditor))
        let auditorText = auditorPage.text
        #expect(full.numberOfMatches(in: auditorText, range: NSRange(auditorText.startIndex..., in: auditorText)) > 0)
        await server.stop()
    }
}
