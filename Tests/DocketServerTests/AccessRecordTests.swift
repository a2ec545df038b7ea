import Certification
import DocketJSON
import DocketStore
import DocketWorkload
import EventLog
import Foundation
import Testing

@testable import DocketServer

/// Issue 17 over HTTP: reads of personal data name a purpose, are recorded before they are
/// answered (surviving `kill -9` of the server), and are listed for auditors.
@Suite struct AccessRecordTests {
    @Test func aReadWithoutAPurposeIsRefusedNamingTheParameter() async throws {
        let server = try await TestServer(cases: 3)
        let id = CommandWorkload.caseID(0)
        let token = server.token(.supervisor)
        for path in [
            "/v1/cases/\(id)", "/v1/cases/\(id)/timeline", "/v1/cases/\(id)/replay", "/v1/cases/\(id)/evidence",
        ] {
            let refused = try await server.client.send("GET", path, token: token, headers: ["Docket-Purpose": ""])
            #expect(refused.status == 400, "\(path)")
            let problem = try JSONParser.parse(refused.body)
            #expect(problem["code"]?.stringValue == "purpose-required" && problem["field"]?.stringValue == "purpose")
        }
        let feed = try await server.client.send(
            "GET",
            "/v1/events?limit=1",
            token: server.token(.reporter),
            headers: ["Docket-Purpose": " "]
        )
        #expect(feed.status == 400)
        let tooLong = String(repeating: "x", count: 201)
        let long = try await server.client.send(
            "GET",
            "/v1/cases/\(id)?purpose=\(tooLong)",
            token: token,
            headers: ["Docket-Purpose": ""]
        )
        let longProblem = try JSONParser.parse(long.body)
        #expect(long.status == 400 && longProblem["field"]?.stringValue == "purpose")
        // The query parameter does as well as the header, and nothing was recorded for refusals.
        let ok = try await server.client.send(
            "GET",
            "/v1/cases/\(id)?purpose=complaint%20C-9",
            token: token,
            headers: ["Docket-Purpose": ""]
        )
        #expect(ok.status == 200)
        let records = try await server.client.send("GET", "/v1/cases/\(id)/access", token: server.token(.auditor))
        let lines = records.text.split(separator: "\n").map { try? JSONParser.parse(Array($0.utf8)) }
        #expect(lines.count == 1)
        #expect(lines.first??["purpose"]?.stringValue == "complaint C-9")
        #expect(lines.first??["actor"]?["role"]?.stringValue == "supervisor")
        #expect(lines.first??["action"]?.stringValue == "case-view" && lines.first??["channel"]?.stringValue == "api")
        await server.stop()
    }

    @Test func everyReadPathIsRecordedWithItsPurposeAndTheFeedForEveryCase() async throws {
        let server = try await TestServer(cases: 3)
        let id = CommandWorkload.caseID(1)
        let registrar = server.token(.registrar)
        _ = try await server.client.send(
            "GET",
            "/v1/cases/\(id)",
            token: registrar,
            headers: ["Docket-Purpose": "audit A-1"]
        )
        _ = try await server.client.send(
            "GET",
            "/v1/cases/\(id)/timeline",
            token: registrar,
            headers: ["Docket-Purpose": "audit A-1"]
        )
        _ = try await server.client.send(
            "GET",
            "/v1/cases/\(id)/replay",
            token: registrar,
            headers: ["Docket-Purpose": "audit A-1"]
        )
        _ = try await server.client.send(
            "GET",
            "/v1/events?limit=2",
            token: server.token(.reporter),
            headers: ["Docket-Purpose": "nightly report"]
        )
        let other = try await server.client.send("GET", "/v1/cases/\(CommandWorkload.caseID(2))", token: registrar)
        #expect(other.status == 200)
        let listed = try await server.client.send("GET", "/v1/cases/\(id)/access", token: server.token(.privacyOfficer))
        let records = listed.text.split(separator: "\n").compactMap { try? JSONParser.parse(Array($0.utf8)) }
        #expect(records.map { $0["action"]?.stringValue ?? "" } == ["case-view", "timeline", "replay", "feed"])
        #expect(
            records.prefix(3).allSatisfy { $0["fields"] == .array([.string("identity:full"), .string("details")]) }
        )
        #expect(
            records.last?["case"]?.stringValue == "*"
                && records.last?["fields"]?.arrayValue?.first == .string("identity:masked")
        )
        #expect(records.map { $0["seq"]?.intValue ?? 0 } == [1, 2, 3, 4], "another case's read is not listed")
        // Who read is not for everyone.
        let denied = try await server.client.send("GET", "/v1/cases/\(id)/access", token: server.token(.supervisor))
        #expect(denied.status == 403)
        await server.stop()
    }

    @Test func anAnsweredReadIsRecordedEvenIfTheServerIsKilledRightAfter() async throws {
        let root = NSTemporaryDirectory() + "docket-access-kill-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/store"
        try DocketStore.create(at: path)
        let store = try DocketStore.open(at: path)
        for line in CommandWorkload(cases: 2, seed: 3) { _ = store.submitAndWait(line) }
        try store.close()
        let token = try TokenFile.add(actor: "sup-kill", role: .supervisor, path: TokenFile.path(storeRoot: path))
        let (server, port) = try await ServeProcess.start(store: path)
        let client = HTTPTestClient(port: port)
        let id = CommandWorkload.caseID(0)
        var answered = 0
        for n in 0..<20 {
            let reply = try await client.send(
                "GET",
                "/v1/cases/\(id)",
                token: token,
                headers: ["Docket-Purpose": "complaint K-\(n)"]
            )
            if reply.status == 200 { answered += 1 }
        }
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        #expect(answered == 20)
        let log = try AccessLog.open(storeRoot: path)
        let purposes = try log.records(caseID: id).map(\.purpose)
        #expect(purposes == (0..<20).map { "complaint K-\($0)" })
        #expect(try log.verify().problem == nil)
    }
}
