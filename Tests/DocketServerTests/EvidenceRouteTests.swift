import Certification
import DocketApplication
import DocketJSON
import DocketStore
import DocketWorkload
import EventLog
import Evidence
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Projections
import Testing

@testable import DocketServer

/// The evidence routes: checkpoints for auditors, and a case's bundle for case readers, masked
/// as the reader's role is, verifiable offline.
@Suite struct EvidenceRouteTests {
    typealias Harness = RouterTestingTests.Harness

    static func sign(_ harness: Harness) throws -> NoteSigner {
        let signer = try NoteSigner(name: "docket.test/routes")
        let service = DocketService(
            store: harness.store,
            projector: Projector(
                storeRoot: harness.root + "/store",
                log: harness.store.log,
                keys: harness.store.personalKeys
            )
        )
        _ = try service.makeCheckpoint(signer: signer)
        return signer
    }

    @Test func beforeAnyCheckpointTheRoutesSaySo() async throws {
        let harness = try Harness()
        try await harness.app.test(.router) { client in
            let latest = try await client.execute(
                uri: "/v1/checkpoints/latest",
                method: .get,
                headers: harness.headers(.auditor)
            )
            #expect(latest.status == .notFound)
            #expect(RouterTestingTests.code(latest) == "no-checkpoint")
            let bundle = try await client.execute(
                uri: "/v1/cases/\(CommandWorkload.caseID(0))/evidence",
                method: .get,
                headers: harness.headers(.auditor)
            )
            #expect(bundle.status == .notFound)
            #expect(RouterTestingTests.code(bundle) == "no-checkpoint")
        }
    }

    @Test func checkpointsAreForAuditorsAndVerifyWithTheKey() async throws {
        let harness = try Harness()
        let signer = try Self.sign(harness)
        try await harness.app.test(.router) { client in
            let list = try await client.execute(
                uri: "/v1/checkpoints",
                method: .get,
                headers: harness.headers(.auditor)
            )
            #expect(list.status == .ok)
            let items = try JSONParser.parse(Array(buffer: list.body))["checkpoints"]?.arrayValue
            #expect(items?.count == 1)
            #expect(items?.first?["size"]?.intValue == Int(harness.store.log.lastPosition))
            let latest = try await client.execute(
                uri: "/v1/checkpoints/latest",
                method: .get,
                headers: harness.headers(.admin)
            )
            #expect(latest.headers[.contentType] == "text/plain; charset=utf-8")
            #expect(try SignedNote(String(buffer: latest.body)).isSigned(by: signer.verifier))
            for role in [Actor.Role.supervisor, .reporter, .portal] {
                let refused = try await client.execute(
                    uri: "/v1/checkpoints",
                    method: .get,
                    headers: harness.headers(role)
                )
                #expect(refused.status == .forbidden, "\(role)")
            }
        }
    }

    @Test func aBundleIsMaskedAsTheReadersRoleAndVerifiesOffline() async throws {
        let harness = try Harness()
        let signer = try Self.sign(harness)
        let id = CommandWorkload.caseID(0)
        try await harness.app.test(.router) { client in
            for (role, masked) in [(Actor.Role.supervisor, true), (.auditor, false), (.registrar, false)] {
                let response = try await client.execute(
                    uri: "/v1/cases/\(id)/evidence",
                    method: .get,
                    headers: harness.headers(role)
                )
                #expect(response.status == .ok, "\(role)")
                #expect(response.headers[.contentDisposition] == "attachment; filename=\"docket-evidence-\(id).json\"")
                let bytes = Array(buffer: response.body)
                let bundle = try EvidenceBundle(json: bytes)
                #expect(bundle.disclosure == (masked ? "masked" : "full"))
                #expect((bundle.caseEvents[0].record == nil) == masked)
                let report = BundleVerifier.verify(bytes, trusting: signer.verifier)
                #expect(report.ok, "\(role): \(report.failures)")
            }
            let reporter = try await client.execute(
                uri: "/v1/cases/\(id)/evidence",
                method: .get,
                headers: harness.headers(.reporter)
            )
            #expect(reporter.status == .forbidden)
            let badSize = try await client.execute(
                uri: "/v1/cases/\(id)/evidence?checkpoint=0",
                method: .get,
                headers: harness.headers(.auditor)
            )
            #expect(badSize.status == .badRequest)
            let noSuch = try await client.execute(
                uri: "/v1/cases/\(id)/evidence?checkpoint=3",
                method: .get,
                headers: harness.headers(.auditor)
            )
            #expect(noSuch.status == .notFound)
        }
    }
}
