import Foundation

/// Runs `body` on a thread of its own and awaits it: for tests that block for seconds (a
/// PostgreSQL feed, a child process), so they do not hold one of Swift concurrency's few
/// threads (two on this machine) that the servers of other tests need to start.
public func offThePool(_ body: @escaping @Sendable () throws -> Void) async throws {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        let thread = Thread {
            do {
                try body()
                continuation.resume()
            } catch {
                continuation.resume(throwing: error)
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
