import DocketJSON
import DocketStore
import EventLog
import Hummingbird
import Projections

/// `GET /health` (the process answers), `GET /ready` (the store is open and the read models
/// have caught up once: 503 until then) and `GET /metrics` (Prometheus text). No token needed:
/// none of them shows personal data.
struct HealthRoutes: Sendable {
    let store: DocketStore
    let follower: ProjectionFollower
    let metrics: ServerMetrics

    func register(on router: Router<DocketRequestContext>) {
        router.get("/health") { _, _ in JSONBody.response(.object(["status": .string("ok")])) }
        router.get("/ready") { _, _ in
            let lag = follower.lag
            let ready = follower.hasCaughtUp
            return JSONBody.response(
                .object(["ready": .bool(ready), "log": .int(store.log.lastPosition), "projectionLag": .int(lag)]),
                status: ready ? .ok : .serviceUnavailable
            )
        }
        router.get("/metrics") { _, _ in
            metrics.lag(follower.lag)
            return JSONBody.response(bytes: metrics.text(), contentType: "text/plain; version=0.0.4")
        }
    }
}
