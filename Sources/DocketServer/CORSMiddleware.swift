import Foundation
import HTTPTypes
import Hummingbird

/// Cross-origin requests from an allow-list of browser origins (`docket serve --cors-origin`,
/// none by default): a preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed
/// origin is answered here, before any token is asked for, as browsers send preflights without
/// credentials; an allowed origin's responses say so and expose the headers clients read.
///
/// Written here rather than Hummingbird's `CORSMiddleware`: that one takes a fixed, variadic
/// list of origins, and Docket's comes from the command line.
struct CrossOriginMiddleware: RouterMiddleware {
    typealias Context = DocketRequestContext

    let allowed: Set<String>

    static let allowMethods = "GET, POST, OPTIONS"
    static let allowHeaders = "Authorization, Content-Type, If-None-Match, Last-Event-ID, Accept, Accept-Encoding"
    static let exposeHeaders = "ETag, Link, Docket-Next-From, Retry-After, WWW-Authenticate"
    static let origin = HTTPField.Name("Origin")!
    static let requestMethod = HTTPField.Name("Access-Control-Request-Method")!
    static let allowOrigin = HTTPField.Name("Access-Control-Allow-Origin")!
    static let allowMethodsName = HTTPField.Name("Access-Control-Allow-Methods")!
    static let allowHeadersName = HTTPField.Name("Access-Control-Allow-Headers")!
    static let exposeHeadersName = HTTPField.Name("Access-Control-Expose-Headers")!
    static let maxAge = HTTPField.Name("Access-Control-Max-Age")!

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let origin = request.headers[Self.origin], allowed.contains(origin) else {
            return try await next(request, context)
        }
        if request.method == .options, request.headers[Self.requestMethod] != nil {
            var headers = HTTPFields()
            headers[Self.allowOrigin] = origin
            headers[Self.allowMethodsName] = Self.allowMethods
            headers[Self.allowHeadersName] = Self.allowHeaders
            headers[Self.maxAge] = "600"
            headers[.vary] = "Origin"
            return Response(status: .noContent, headers: headers)
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[Self.allowOrigin] = origin
        response.headers[Self.exposeHeadersName] = Self.exposeHeaders
        response.vary("Origin")
        return response
    }
}
