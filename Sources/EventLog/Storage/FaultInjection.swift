/// Failures tests can inject into the log's I/O, to prove how the writer reacts to them.
/// Nothing sets these outside tests.
enum FaultInjection {
    private static let lock = ConditionLock()
    nonisolated(unsafe) private static var syncFailures: [String: Int] = [:]

    /// Makes the next `count` data syncs of files under `directory` fail with EIO.
    static func failNextSyncs(_ count: Int, under directory: String) {
        lock.withLock { syncFailures[directory] = count }
    }

    static func takeSyncFailure(path: String) -> Bool {
        lock.withLock {
            guard !syncFailures.isEmpty else { return false }
            for (directory, remaining) in syncFailures where remaining > 0 && path.hasPrefix(directory + "/") {
                syncFailures[directory] = remaining - 1
                return true
            }
            return false
        }
    }
}
