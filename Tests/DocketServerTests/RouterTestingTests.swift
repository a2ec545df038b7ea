import Certification
import DocketApplication
import DocketJSON
import DocketStore
import DocketWorkload
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Projections
import Testing

@testable import DocketServer

/// The router driven through Hummingbird's own test client (no socket): every route with a
/// role it admits, the role matrix, and bad inputs answered with the right status and code.
/// The socket tests (`ServerTests`, `RouteTests`) cover what needs a real connection: the live
/// feed, header limits, a trickled body, a graceful stop.
@Suite struct RouterTestingTests {
    /// A store with a few cases, a token per role, read models caught up, and the app.
    final class Harness: @unchecked Sendable {
        let root: String
        let store: DocketStore
        let app: Application<RouterResponder<DocketRequestContext>>
        let service: DocketService
        var tokens: [Actor.Role: String] = [:]

        init(limits: ServerLimits = ServerLimits()) throws {
            root = NSTemporaryDirectory() + "docket-router-\(UUID().uuidString.prefix(8))"
            let path = root + "/store"
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try DocketStore.create(at: path)
            store = try DocketStore.open(at: path)
            for line in CommandWorkload(cases: 6, seed: 9) { _ = store.submitAndWait(line) }
            for role in Actor.Role.allCases {
                tokens[role] = try TokenFile.add(
                    actor: "\(role.rawValue)-router",
                    role: role,
                    path: TokenFile.path(storeRoot: path)
                )
            }
            let projector = Projector(storeRoot: path, log: store.log, keys: store.personalKeys)
            _ = try projector.catchUp()
            var logger = Logger(label: "docket.router-test")
            logger.logLevel = .critical
            service = DocketService(store: store, projector: projector, modelsFollowLog: true)
            let router = DocketServer.router(
                service: service,
                tokens: try TokenBook(path: TokenFile.path(storeRoot: path)),
                metrics: ServerMetrics(),
                follower: ProjectionFollower(projector: projector, log: store.log, logger: logger),
                limits: limits,
                logger: logger
            )
            app = Application(router: router, logger: logger)
        }

        deinit {
            try? store.close()
            try? FileManager.default.removeItem(atPath: root)
        }

        func headers(_ role: Actor.Role?, contentType: String? = nil) -> HTTPFields {
            var fields = HTTPFields()
            if let role, let token = tokens[role] { fields[.authorization] = "Bearer \(token)" }
            fields[HTTPField.Name("Docket-Purpose")!] = "test"
            if let contentType { fields[.contentType] = contentType }
            return fields
        }
    }

    static func code(_ response: TestResponse) -> String? {
        (try? JSONParser.parse(Array(buffer: response.body)))?["code"]?.stringValue
    }

    @Test func everyRouteAnswersARoleItAdmitsAndRefusesTheOthers() async throws {
        let harness = try Harness()
        try await harness.app.test(.router) { client in
            for route in RouteTests.matrix {
                let open = ["/health", "/ready", "/metrics"].contains(route.path)
                let post = route.method == "POST"
                // A valid command for the writers (a new batch each time), so admitted roles
                // reach the decision: roles the command is not for are refused by the rules
                // (403 role-not-allowed) — the route admitted them all the same.
                for (n, role) in Actor.Role.allCases.enumerated() {
                    let body = post ? ByteBuffer(string: Self.schedule("router-\(n)", batch: "\(2031 + n)-04")) : nil
                    let response = try await client.execute(
                        uri: route.path,
                        method: HTTPRequest.Method(route.method)!,
                        headers: harness.headers(role, contentType: post ? "application/json" : nil),
                        body: body
                    )
                    if route.path == "/ready" {
                        // No follower runs here: ready only once the read models caught up live.
                        #expect(response.status == .serviceUnavailable)
                    } else if route.roles.contains(role) {
                        #expect(
                            response.status.code < 400 || Self.code(response) == "role-not-allowed",
                            "\(role) \(route.method) \(route.path): \(response.status)"
                        )
                    } else {
                        #expect(response.status == .forbidden, "\(role) \(route.method) \(route.path)")
                        #expect(Self.code(response) == "forbidden")
                    }
                }
                let anonymous = try await client.execute(uri: route.path, method: HTTPRequest.Method(route.method)!)
                let expected: HTTPResponse.Status =
                    route.path == "/ready" ? .serviceUnavailable : open ? .ok : .unauthorized
                #expect(anonymous.status == expected, "\(route.path)")
            }
            // The admin schedules batches: exactly that one was accepted among the roles.
            let accepted = try await client.execute(
                uri: "/v1/commands",
                method: .post,
                headers: harness.headers(.admin, contentType: "application/json"),
                body: ByteBuffer(string: Self.schedule("router-again", batch: "2031-11"))
            )
            #expect(accepted.status == .ok)
        }
    }

    @Test func badInputsAreClientErrorsNamingWhatToChange() async throws {
        var limits = ServerLimits()
        limits.maxBodyBytes = 2048
        limits.maxLinesPerBatch = 2
        let harness = try Harness(limits: limits)
        try await harness.app.test(.router) { client in
            let json = harness.headers(.admin, contentType: "application/json")
            func post(_ text: String, _ headers: HTTPFields) async throws -> TestResponse {
                try await client.execute(
                    uri: "/v1/commands",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: text)
                )
            }
            let malformed = try await post("{\"command\":", json)
            #expect(malformed.status == .badRequest && Self.code(malformed) == "invalid-json")
            let wrongType = try await post(
                Self.schedule("typed-1", batch: "2050-04").replacingOccurrences(
                    of: #""commandId""#,
                    with: #""expectedVersion":"zero","commandId""#
                ),
                json
            )
            #expect(wrongType.status == .badRequest && Self.code(wrongType) == "invalid-field")
            #expect(
                (try? JSONParser.parse(Array(buffer: wrongType.body)))?["field"] == .string("expectedVersion")
            )
            let unknown = try await post(#"{"command":"fly","case":"x"}"#, json)
            #expect(unknown.status == .badRequest && Self.code(unknown) == "unknown-command")
            let huge = try await post(String(repeating: " ", count: 4096), json)
            #expect(huge.status == .contentTooLarge && Self.code(huge) == "body-too-large")
            let lines = (1...3).map { Self.schedule("many-\($0)", batch: "\(2040 + $0)-04") }.joined(separator: "\n")
            let many = try await post(lines, harness.headers(.admin, contentType: "application/x-ndjson"))
            #expect(many.status == .contentTooLarge && Self.code(many) == "too-many-lines")
            let text = try await post("hello", harness.headers(.admin, contentType: "text/plain"))
            #expect(text.status == .unsupportedMediaType && Self.code(text) == "unsupported-media-type")
            let noRoute = try await client.execute(uri: "/v2/cases", method: .get, headers: harness.headers(.admin))
            #expect(noRoute.status == .notFound && Self.code(noRoute) == "not-found")
            let wrongMethod = try await client.execute(
                uri: "/v1/verify",
                method: .post,
                headers: harness.headers(.admin)
            )
            #expect(wrongMethod.status == .methodNotAllowed && wrongMethod.headers[.allow] == "GET")
            let badQuery = try await client.execute(
                uri: "/v1/cases/\(CommandWorkload.caseID(0))?atVersion=-1",
                method: .get,
                headers: harness.headers(.supervisor)
            )
            #expect(badQuery.status == .badRequest && Self.code(badQuery) == "invalid-query")
            let noCase = try await client.execute(
                uri: "/v1/cases/nobody",
                method: .get,
                headers: harness.headers(.supervisor)
            )
            #expect(noCase.status == .notFound && Self.code(noCase) == "case-not-found")
            let wrongToken = try await client.execute(
                uri: "/v1/digest",
                method: .get,
                headers: [.authorization: "Bearer dkt_not-a-token"]
            )
            #expect(wrongToken.status == .unauthorized && wrongToken.headers[.wwwAuthenticate] != nil)
        }
    }

    static func schedule(_ id: String, batch: String) -> String {
        ServerTests.schedule(id, batch: batch, at: "2026-01-05T09:00:00+08:00")
    }
}
