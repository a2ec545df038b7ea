import Hummingbird

/// Answers requests no route takes in Docket's error shape: 405 with `Allow` when the path is a
/// route that takes other methods, 404 otherwise (Hummingbird's own answer is a bare 404 for
/// both). Other errors of the framework's own (a malformed request) get the shape too.
struct UnmatchedRouteMiddleware: RouterMiddleware {
    typealias Context = DocketRequestContext

    let routes: KnownRoutes

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let path = request.uri.path
            guard error.status == .notFound else {
                throw APIError(error.status, "bad-request", error.body ?? "the request could not be read")
            }
            let methods = routes.methods(for: path)
            guard methods.isEmpty else {
                var refused = APIError(
                    .methodNotAllowed,
                    "method-not-allowed",
                    "\(path) takes \(methods.joined(separator: ", ")), not \(request.method.rawValue)"
                )
                refused.allow = methods.joined(separator: ", ")
                throw refused
            }
            throw APIError.notFound("no route \(request.method.rawValue) \(path); the routes are in docs/openapi.yaml")
        }
    }
}

/// The routes the router holds (method and path pattern), filled in once every route is
/// registered and only read afterwards.
final class KnownRoutes: @unchecked Sendable {
    private var routes: [(method: String, segments: [Substring])] = []

    func record(_ descriptions: [Router<DocketRequestContext>.RouteDescription]) {
        routes = descriptions.map { ($0.method.rawValue, $0.path.description.split(separator: "/")) }
    }

    /// The methods of the routes whose pattern `path` matches.
    func methods(for path: String) -> [String] {
        let parts = path.split(separator: "/")
        var out: [String] = []
        for route in routes where route.segments.count == parts.count {
            let matches = zip(route.segments, parts).allSatisfy { pattern, part in
                (pattern.hasPrefix("{") || pattern.hasPrefix(":")) || pattern == part
            }
            if matches, !out.contains(route.method) { out.append(route.method) }
        }
        return out.sorted()
    }
}
