import Certification
import DocketApplication
import DocketJSON
import DocketStore
import DocketWorkload
import EventLog
import Foundation
import Hummingbird
import Logging
import Projections
import Testing

@testable import DocketServer

/// The routes the server registers against `docs/openapi.yaml`, and the role matrix: every
/// route × every role, with no token and with an unknown one.
@Suite struct RouteTests {
    /// `METHOD /path` for every operation the document describes.
    static func documentedRoutes() throws -> Set<String> {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        var routes: Set<String> = []
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if !line.hasPrefix("  ") {
                path = nil
            } else if let path,
                let method = ["get", "post", "put", "patch", "delete"].first(where: {
                    line == "    \($0):"
                })
            {
                routes.insert(method.uppercased() + " " + path)
            }
        }
        return routes
    }

    @Test func theServersRoutesAndTheOpenAPIDocumentAgree() async throws {
        let root = NSTemporaryDirectory() + "docket-routes-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try DocketStore.create(at: root)
        let store = try DocketStore.open(at: root)
        defer { try? store.close() }
        let projector = Projector(storeRoot: root, log: store.log, keys: store.personalKeys)
        let router = DocketServer.router(
            service: DocketService(store: store, projector: projector, modelsFollowLog: true),
            tokens: try TokenBook(path: TokenFile.path(storeRoot: root)),
            metrics: ServerMetrics(),
            follower: ProjectionFollower(projector: projector, log: store.log, logger: Logger(label: "test")),
            limits: ServerLimits(),
            logger: Logger(label: "test")
        )
        // The API's routes; the console's pages (`/`, `/console…`) are HTML for people, not
        // part of the API's document (ConsoleTests cover them).
        let registered = Set(
            router.routes.map { "\($0.method) \($0.path)" }
                .filter { !$0.hasSuffix(" /") && !$0.contains(" /console") }
        )
        let documented = try Self.documentedRoutes()
        #expect(registered.subtracting(documented).isEmpty, "not documented: \(registered.subtracting(documented))")
        #expect(documented.subtracting(registered).isEmpty, "not served: \(documented.subtracting(registered))")
        #expect(registered.count == 21)
    }

    /// Who may call what, written out independently of the server's own table.
    static let matrix: [(method: String, path: String, roles: Set<Actor.Role>)] = {
        let id = CommandWorkload.caseID(0)
        let writers: Set<Actor.Role> = [
            .admin, .examiner, .portal, .registrar, .payments, .supervisor, .certifier, .privacyOfficer,
        ]
        return [
            ("POST", "/v1/commands", writers),
            ("GET", "/v1/cases/\(id)", writers.union([.auditor])),
            ("GET", "/v1/cases/\(id)/timeline", writers.union([.auditor])),
            ("GET", "/v1/cases/\(id)/replay", writers.union([.auditor])),
            ("GET", "/v1/cases/\(id)/access", [.auditor, .privacyOfficer]),
            ("GET", "/v1/batches/2024-04", writers.union([.auditor])),
            ("GET", "/v1/search?q=x", [.supervisor, .registrar, .auditor, .admin]),
            ("GET", "/v1/reports/revenue", [.reporter, .auditor, .admin, .supervisor]),
            ("GET", "/v1/projections", [.reporter, .auditor, .admin, .supervisor]),
            ("GET", "/v1/events?limit=2", [.reporter, .auditor, .admin]),
            ("GET", "/v1/digest", [.auditor, .admin]),
            ("GET", "/v1/verify", [.auditor, .admin]),
            ("GET", "/health", Set(Actor.Role.allCases)),
            ("GET", "/ready", Set(Actor.Role.allCases)),
            ("GET", "/metrics", Set(Actor.Role.allCases)),
        ]
    }()

    @Test func everyRouteTimesEveryRoleNoTokenAndAWrongToken() async throws {
        let server = try await TestServer(cases: 3)
        let client = server.client
        for route in Self.matrix {
            let open = route.path == "/health" || route.path == "/ready" || route.path == "/metrics"
            // Not JSON: a route that admits the role answers 400, one that does not, 403.
            let body: [UInt8] = route.method == "POST" ? Array("{".utf8) : []
            let headers = route.method == "POST" ? ["Content-Type": "application/json"] : [:]
            for role in Actor.Role.allCases {
                let reply = try await client.send(
                    route.method,
                    route.path,
                    token: server.token(role),
                    headers: headers,
                    body: body
                )
                if route.roles.contains(role) {
                    #expect(
                        ![401, 403].contains(reply.status),
                        "\(role) \(route.method) \(route.path): \(reply.status)"
                    )
                    #expect(reply.status < 500, "\(role) \(route.method) \(route.path): \(reply.text)")
                } else {
                    #expect(reply.status == 403, "\(role) \(route.method) \(route.path): \(reply.status)")
                }
            }
            let none = try await client.send(route.method, route.path, headers: headers, body: body)
            let wrong = try await client.send(
                route.method,
                route.path,
                token: "dkt_wrong",
                headers: headers,
                body: body
            )
            #expect(open ? none.status == 200 : none.status == 401, "no token \(route.path): \(none.status)")
            #expect(open ? wrong.status == 200 : wrong.status == 401, "wrong token \(route.path): \(wrong.status)")
        }
        // Unknown routes and methods.
        let admin = server.token(.admin)
        let nothing = try await client.send("GET", "/v1/nothing", token: admin)
        #expect(nothing.status == 404)
        #expect((try? JSONParser.parse(nothing.body))?["code"] == .string("not-found"))
        let delete = try await client.send("DELETE", "/v1/commands", token: admin)
        #expect(delete.status == 405)
        #expect(delete.headers["allow"] == "POST")
        #expect((try? JSONParser.parse(delete.body))?["code"] == .string("method-not-allowed"))
        let post = try await client.send("POST", "/v1/cases/2024-04-000001", token: admin)
        #expect(post.status == 405 && post.headers["allow"] == "GET")
        await server.stop()
    }
}
