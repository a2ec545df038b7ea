import Certification
import Hummingbird

/// A request's context: Hummingbird's core storage plus who is asking (set by
/// ``AuthMiddleware`` from the bearer token, never from the request body).
public struct DocketRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The token's holder; `nil` only on the open routes (`/health`, `/ready`, `/metrics`).
    public var holder: TokenFile.Holder?
    /// The bearer token itself, kept in memory only for routes that outlive a request's check
    /// (a live feed stops when its token is revoked).
    var token: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        holder = nil
        token = nil
    }

    /// The holder, when the route admits their role; otherwise 403 (401 without a token).
    func require(_ roles: Set<Actor.Role>) throws(APIError) -> TokenFile.Holder {
        guard let holder else { throw APIError.unauthenticated("send Authorization: Bearer <token>") }
        guard roles.contains(holder.role) else {
            let allowed = roles.map(\.rawValue).sorted().joined(separator: ", ")
            throw APIError(
                .forbidden,
                "forbidden",
                "the \(holder.role.rawValue) role may not use this route (it is for: \(allowed))",
                field: "Authorization"
            )
        }
        return holder
    }
}
