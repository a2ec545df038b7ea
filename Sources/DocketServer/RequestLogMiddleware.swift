import Hummingbird
import Logging

/// One structured log line per request: method, the route's path pattern (never the query: a
/// search text can be a name), status and duration. Also counts responses
/// for the metrics.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = DocketRequestContext

    let logger: Logger
    let metrics: ServerMetrics

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        var status = 500
        defer {
            metrics.response(status: status)
            let millis = (ContinuousClock.now - start).components
            let ms = Double(millis.seconds) * 1000 + Double(millis.attoseconds) / 1e15
            logger.info(
                "request",
                metadata: [
                    "method": .string(request.method.rawValue),
                    "route": .string(context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched"),
                    "status": .stringConvertible(status),
                    "ms": .stringConvertible((ms * 10).rounded() / 10),
                ]
            )
        }
        do {
            let response = try await next(request, context)
            status = response.status.code
            return response
        } catch let error as any HTTPResponseError {
            status = error.status.code
            throw error
        }
    }
}
