import CertificationWire
import DocketApplication
import DocketJSON
import Evidence
import Foundation
import Hummingbird
import MerkleTree

/// `GET /v1/checkpoints`, `/v1/checkpoints/latest` and `GET /v1/cases/{id}/evidence`: the
/// store's signed checkpoints (auditors and admins), and a case's evidence bundle against the
/// latest (or `?checkpoint=N`), masked as the reader's role is (docs/EVIDENCE.md).
struct EvidenceRoutes: Sendable {
    let service: DocketService

    func register(on router: Router<DocketRequestContext>) {
        router.get("/v1/checkpoints") { _, context in try await Blocking.run { try list(context) } }
        router.get("/v1/checkpoints/latest") { _, context in try await Blocking.run { try latest(context) } }
        router.get("/v1/cases/{id}/evidence") { request, context in
            try await Blocking.run { try evidence(request, context) }
        }
    }

    func list(_ context: DocketRequestContext) throws -> Response {
        _ = try context.require(Access.auditors)
        let checkpoints = try APIError.answer { () throws(DocketError) in try service.checkpoints() }
        let items: [JSONValue] = checkpoints.map {
            .object([
                "size": .int($0.size), "root": .string($0.checkpoint.root.hex), "origin": .string($0.checkpoint.origin),
                "time": .optional($0.checkpoint.time), "note": .string($0.note.full),
            ])
        }
        return JSONBody.response(.object(["checkpoints": .array(items)]))
    }

    func latest(_ context: DocketRequestContext) throws -> Response {
        _ = try context.require(Access.auditors)
        let checkpoints = try APIError.answer { () throws(DocketError) in try service.checkpoints() }
        guard let last = checkpoints.last else {
            throw APIError(
                .notFound,
                "no-checkpoint",
                "the store has no checkpoint yet (`docket checkpoint`, or serve with a key)"
            )
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: last.note.full))
        )
    }

    func evidence(_ request: Request, _ context: DocketRequestContext) throws -> Response {
        let holder = try context.require(Access.caseReaders)
        let id = try CaseRoutes.caseID(context)
        let size = try request.uri.queryParameters.get("checkpoint").map { (text: String) throws(APIError) -> UInt64 in
            guard let n = UInt64(text), n >= 1 else {
                throw APIError.badQuery("checkpoint", "checkpoint is a checkpoint's tree size, 1 or more")
            }
            return n
        }
        let purpose = try PurposeParameter.of(request, holder)
        let bundle = try APIError.answer { () throws(DocketError) in
            try service.evidence(id, checkpointSize: size, disclosure: Disclosure.of(holder.role), purpose: purpose)
        }
        var response = JSONBody.response(bytes: bundle.json, contentType: "application/json")
        response.headers[.contentDisposition] = "attachment; filename=\"docket-evidence-\(id).json\""
        return response
    }
}
