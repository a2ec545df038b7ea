import Foundation
import Hummingbird

/// Reads `Authorization: Bearer <token>` and sets the context's holder. A missing or unknown
/// token is 401 on every route but the open ones (health, readiness and metrics carry no
/// personal data and are what orchestrators and scrapers call without credentials).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = DocketRequestContext

    let tokens: TokenBook
    static let openPaths: Set<String> = ["/health", "/ready", "/metrics", "/openapi.yaml", "/reference"]

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        // The console signs people in with its own session cookie (ConsoleRoutes).
        if Self.openPaths.contains(path) || path == "/" || path == "/console" || path.hasPrefix("/console/") {
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthenticated("send Authorization: Bearer <token> (make one with `docket token add`)")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthenticated("the Authorization header must be `Bearer <token>`")
        }
        let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
        guard let holder = tokens.holder(of: token) else {
            throw APIError.unauthenticated("the token is not known to this server")
        }
        var context = context
        context.holder = holder
        context.token = token
        return try await next(request, context)
    }
}
