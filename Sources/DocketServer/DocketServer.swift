import Certification
import CertificationWire
import DocketApplication
import DocketStore
import EventLog
import Evidence
import Foundation
import Hummingbird
import Logging
import NIOCore
import Projections
import ProjectionsPostgres
import ServiceLifecycle
import UnixSignals

/// `docket serve`: the HTTP API over one store, for client systems (commands), supervisors
/// (cases, timelines, search), auditors (replay, digest, verify, the event feed) and reporting
/// jobs (reports, read models' status). Bearer tokens name an actor and one role; each route
/// admits only the roles that need it.
public enum DocketServer {
    /// Where and how to serve.
    public struct Configuration: Sendable {
        public var storePath: String
        /// Loopback unless told otherwise.
        public var host = "127.0.0.1"
        /// 0 picks a free port (the address is reported once bound).
        public var port = 8080
        public var limits = ServerLimits()
        /// How far ahead of the server's clock a command's `at` may be.
        public var clockSkewLimit: ClockSkewLimit = .standard
        /// Browser origins allowed to call the API (CORS); none by default.
        public var corsOrigins: [String] = []
        /// The checkpoint signing key's file (default: the store's, if it has one).
        public var checkpointKey: String?
        /// Sign a checkpoint once the log grew by this many events…
        public var checkpointEvery: UInt64 = 10_000
        /// …or this many seconds passed with new events.
        public var checkpointSeconds = 3_600

        public init(storePath: String) { self.storePath = storePath }
    }

    /// What a serving process writes in the store's lock file: `docket submit` and `import`
    /// refused by it point their user to the server's `POST /v1/commands`.
    public static let lockHolder = "docket serve"

    /// The router with every route and middleware, for a store already open.
    static func router(
        service: DocketService,
        tokens: TokenBook,
        metrics: ServerMetrics,
        follower: ProjectionFollower,
        limits: ServerLimits,
        corsOrigins: [String] = [],
        logger: Logger
    ) -> Router<DocketRequestContext> {
        let store = service.store
        let projector = service.projector
        let router = Router(context: DocketRequestContext.self)
        let known = KnownRoutes()
        router.add(middleware: RequestLogMiddleware(logger: logger, metrics: metrics))
        if !corsOrigins.isEmpty { router.add(middleware: CrossOriginMiddleware(allowed: Set(corsOrigins))) }
        router.add(middleware: CompressionMiddleware())
        router.add(middleware: UnmatchedRouteMiddleware(routes: known))
        router.add(middleware: AuthMiddleware(tokens: tokens))
        CommandRoutes(
            store: store,
            metrics: metrics,
            limits: limits,
            admission: Admission(limit: limits.maxCommandRequestsInFlight)
        )
        .register(on: router)
        CaseRoutes(service: service).register(on: router)
        EvidenceRoutes(service: service).register(on: router)
        ReadRoutes(service: service).register(on: router)
        EventRoutes(
            service: service,
            limits: limits,
            tokens: tokens,
            streams: StreamAdmission(perActor: limits.maxStreamsPerActor, total: limits.maxStreams)
        )
        .register(on: router)
        HealthRoutes(store: store, follower: follower, metrics: metrics).register(on: router)
        DocumentRoutes().register(on: router)
        ConsoleRoutes(service: service, tokens: tokens, sessions: ConsoleSessions(), templates: .shared)
            .register(on: router)
        known.record(router.routes)
        return router
    }

    /// Serves until SIGTERM or SIGINT: then in-flight requests finish (every acknowledged
    /// command is already durable), the live feeds end, the read models stop following, and the
    /// store is closed. `onListening` gets the bound address.
    public static func run(
        _ configuration: Configuration,
        logger: Logger,
        shutdown: ShutdownSwitch? = nil,
        onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in }
    ) async throws {
        let metrics = ServerMetrics()
        var options = DocketStore.Options()
        options.logger = logger
        options.onGroupCommitted = { metrics.groupCommitted($0) }
        options.clockSkewLimit = configuration.clockSkewLimit
        options.lockHolder = DocketServer.lockHolder
        let store = try DocketStore.open(at: configuration.storePath, options: options)
        do {
            try store.prepareForCommands()
            let tokens = try TokenBook(path: TokenFile.path(storeRoot: configuration.storePath))
            if tokens.count == 0 {
                logger.warning(
                    "no tokens: every route but /health, /ready and /metrics answers 401 (add one with `docket token add`)"
                )
            }
            let projector = Projector(storeRoot: configuration.storePath, log: store.log, keys: store.personalKeys)
            let service = DocketService(store: store, projector: projector, modelsFollowLog: true)
            // A PostgreSQL target is fed after each catch-up of the SQLite models; a target that
            // cannot be reached is logged and retried, never holding the server up.
            let target: PostgresTarget?
            do { target = try service.postgresTarget(required: false) } catch {
                logger.error("the PostgreSQL target's settings cannot be read", metadata: ["error": "\(error)"])
                target = nil
            }
            let follower = ProjectionFollower(projector: projector, log: store.log, target: target, logger: logger)
            let limits = configuration.limits
            let router = Self.router(
                service: service,
                tokens: tokens,
                metrics: metrics,
                follower: follower,
                limits: limits,
                corsOrigins: configuration.corsOrigins,
                logger: logger
            )
            let app = Application(
                router: router,
                server: .http1(
                    configuration: .init(
                        idleTimeout: .seconds(Int64(limits.idleSeconds)),
                        httpDecoderConfiguration: .init(
                            maxHeaderFieldSize: limits.maxHeaderBytes,
                            maxHeaderListSize: limits.maxHeaderBytes
                        )
                    )
                ),
                configuration: .init(
                    address: .hostname(configuration.host, port: configuration.port),
                    serverName: "docket"
                ),
                onServerRunning: { channel in
                    onListening(configuration.host, channel.localAddress?.port ?? configuration.port)
                },
                logger: logger
            )
            let signer: NoteSigner?
            let checkpoints = CheckpointStore(storeRoot: configuration.storePath)
            if let keyFile = configuration.checkpointKey {
                signer = try checkpoints.signer(at: keyFile)
            } else {
                signer = try? checkpoints.signer()
            }
            let checkpointer = Checkpointer(
                service: service,
                signer: signer,
                every: max(1, configuration.checkpointEvery),
                seconds: max(1, configuration.checkpointSeconds),
                logger: logger
            )
            // Shut down in reverse: the server drains first, then the follower stops.
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: follower), .init(service: checkpointer), .init(service: app)],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                )
            )
            shutdown?.arm(group)
            try await group.run()
        } catch {
            try? store.close()
            throw error
        }
        try store.close()
    }
}

/// Stops a running server gracefully, as SIGTERM would (for embedding and tests).
public final class ShutdownSwitch: @unchecked Sendable {
    private let lock = NSLock()
    private var group: ServiceGroup?
    private var requested = false

    public init() {}

    /// Begins a graceful shutdown (in-flight requests finish; nothing acknowledged is lost).
    public func shutDown() {
        let group = lock.withLock { () -> ServiceGroup? in
            requested = true
            return self.group
        }
        if let group { Task { await group.triggerGracefulShutdown() } }
    }

    func arm(_ group: ServiceGroup) {
        let already = lock.withLock { () -> Bool in
            self.group = group
            return requested
        }
        if already { Task { await group.triggerGracefulShutdown() } }
    }
}
