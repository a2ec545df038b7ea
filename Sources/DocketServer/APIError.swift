import DocketApplication
import DocketJSON
import Foundation
import Hummingbird

/// An error answered to a client as RFC 9457 problem details (`application/problem+json`):
/// `{"type","title","status","detail","code","field"}`, where `code` is Docket's stable code
/// (`type` is `urn:docket:problem:<code>`) and `field` the request field at fault. A refused
/// command adds `result`: its result line (`ok: false`), as a batch would have answered it.
/// A client's mistake gets a 4xx with a message saying what to change; a 500 is only ever the
/// server's own failure.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// A stable, machine-readable code (`unauthenticated`, `forbidden`, `not-found`, …, or a
    /// rule's code from SPEC §4).
    public var code: String
    /// What went wrong and what to change, for a person.
    public var message: String
    /// The request field at fault (`data.score`, the query parameter `asOf`, a header), if any.
    public var field: String?
    /// The methods a path takes, for a 405's `Allow` header.
    public var allow: String?

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    /// A refused command's result line, carried in the problem.
    public var result: JSONValue?

    /// The problem's `title`: the code in words (`case-not-found` → "Case not found").
    var title: String {
        let words = code.replacingOccurrences(of: "-", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    /// The problem details document.
    public var json: JSONValue {
        var object = JSONObject([
            ("type", .string("urn:docket:problem:" + code)), ("title", .string(title)), ("status", .int(status.code)),
            ("detail", .string(message)), ("code", .string(code)), ("field", .optional(field)),
        ])
        if let result { object.set("result", result) }
        return .object(object)
    }

    /// The media type of problem details.
    static let problemJSON = "application/problem+json"

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var bytes: [UInt8] = []
        JSONWriter.write(json, into: &bytes)
        bytes.append(0x0A)
        var response = JSONBody.response(bytes: bytes, contentType: Self.problemJSON, status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer realm=\"docket\"" }
        if let allow { response.headers[.allow] = allow }
        return response
    }

    /// The one mapping of the application's errors to HTTP statuses.
    init(_ error: DocketError) {
        let status: HTTPResponse.Status
        switch error.code {
        case .invalidParameter, .unknownFilterValue, .evidenceInvalid, .purposeRequired: status = .badRequest
        case .beforeLog: status = .unprocessableContent
        case .caseNotFound, .batchNotFound, .unknownReport, .noCheckpoint, .noTarget: status = .notFound
        case .storeLocked, .targetFailed: status = .serviceUnavailable
        case .storeDiverged: status = .conflict
        case .storeNotFound, .storeFailed, .readModelFailed: status = .internalServerError
        }
        let code = error.code == .invalidParameter ? "invalid-query" : error.code.rawValue
        self.init(status, code, error.message, field: error.field)
    }

    /// Runs an application read, answering its error with the matching status.
    static func answer<T>(_ body: () throws(DocketError) -> T) throws(APIError) -> T {
        do throws(DocketError) { return try body() } catch { throw APIError(error) }
    }

    static func unauthenticated(_ message: String) -> APIError {
        APIError(.unauthorized, "unauthenticated", message, field: "Authorization")
    }

    static func notFound(_ message: String) -> APIError { APIError(.notFound, "not-found", message) }

    static func badQuery(_ name: String, _ message: String) -> APIError {
        APIError(.badRequest, "invalid-query", message, field: name)
    }
}
