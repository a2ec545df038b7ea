import NIOPosix

/// Work that holds a thread for long (a report's query, a model's fingerprints, a verification,
/// a page of the log, a candidate search) runs on SwiftNIO's blocking pool rather than on Swift
/// concurrency's threads — two on this machine — where it would stall every other request.
/// Quick reads (a case view) stay where they are: the hop would cost more than the read.
/// Command submissions start here too: a decision may read a case back from the log, and file
/// I/O never runs on the cooperative pool.
enum Blocking {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }

    /// Starts `body` on the commands' own pool without waiting for it (a submission, whose
    /// decision may read the log and whose results arrive through its own callback). A pool of
    /// their own: a verification or a report on the shared blocking pool never holds commands.
    static func start(_ body: @escaping @Sendable () -> Void) {
        commands.submit { _ in body() }
    }

    /// Two threads for command submissions (the decisions are serialised anyway; a second
    /// prepares the next while one decides).
    static let commands: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        return pool
    }()
}
