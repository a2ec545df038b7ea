import DocketJSON
import DocketStore
import EventLog
import Hummingbird
import Projections

/// `GET /health` (the process answers), `GET /ready` (the store accepts commands and the read
/// models have caught up once: 503 until then, and 503 with the reason once the writer stopped
/// on an I/O failure) and `GET /metrics` (Prometheus text). No token needed: none of them shows
/// personal data.
struct HealthRoutes: Sendable {
    let store: DocketStore
    let follower: ProjectionFollower
    let metrics: ServerMetrics

    func register(on router: Router<DocketRequestContext>) {
        router.get("/health") { _, _ in JSONBody.response(.object(["status": .string("ok")])) }
        router.get("/ready") { _, _ in
            let lag = follower.lag
            let failure = store.writeFailure
            let ready = follower.hasCaughtUp && failure == nil
            let reason: String? =
                failure.map { "the store stopped accepting commands: \($0); fix the cause and restart docket serve" }
                ?? (ready ? nil : "the read models have not caught up with the log yet")
            return JSONBody.response(
                .object([
                    "ready": .bool(ready), "log": .int(store.log.lastPosition), "projectionLag": .int(lag),
                    "reason": .optional(reason),
                ]),
                status: ready ? .ok : .serviceUnavailable
            )
        }
        router.get("/metrics") { _, _ in
            metrics.lag(follower.lag)
            return JSONBody.response(bytes: metrics.text(), contentType: "text/plain; version=0.0.4")
        }
    }
}
