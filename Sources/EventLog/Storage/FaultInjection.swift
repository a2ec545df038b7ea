import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Failures tests inject into the log's file I/O, to prove how the writer reacts to them: the
/// N-th write or sync under a directory fails with EIO or ENOSPC, or writes only part of its
/// bytes and then fails (a full disk mid-write). Nothing sets these outside tests.
///
/// Operations are counted per directory from the moment a script is set, so a test can fail
/// "the 3rd write" or "the 7th sync" of a scripted history and then of the next, as SQLite's own
/// I/O-error tests do.
enum FaultInjection {
    /// What the operation does instead of succeeding.
    enum Fault: Sendable, Hashable {
        /// Fails with EIO, writing nothing.
        case ioError
        /// Fails with ENOSPC, writing nothing.
        case diskFull
        /// Writes the first half of the bytes, then fails with ENOSPC (a sync: fails with EIO).
        case shortWrite
        /// A sync only: waits until ``release(under:)`` (a slow disk, the writer going on
        /// meanwhile), then syncs.
        case held
        /// A sync only: waits until ``release(under:)``, then fails with EIO.
        case heldThenIOError
    }

    /// The file operations a script counts.
    enum Operation: Sendable, Hashable {
        case write
        case sync
    }

    private struct Script {
        var counts: [Operation: Int] = [:]
        var faults: [Operation: [Int: Fault]] = [:]
        /// Syncs waiting in ``hold(path:)``.
        var holding = 0
        var released = false
    }

    private static let lock = ConditionLock()
    nonisolated(unsafe) private static var scripts: [String: Script] = [:]
    /// Whether any script is set: every write and sync of the log asks, so outside tests the
    /// answer is one atomic load, not a lock.
    private static let scripted = Atomic<Bool>(false)

    /// Fails the `n`-th (from 1) operations of each kind under `directory` as `faults` says;
    /// replaces any earlier script for it.
    static func script(_ faults: [(Operation, Int, Fault)], under directory: String) {
        lock.withLock {
            var script = Script()
            for (operation, n, fault) in faults { script.faults[operation, default: [:]][n] = fault }
            scripts[directory] = script
            scripted.store(true, ordering: .releasing)
        }
    }

    /// Removes the script for `directory`: its files work again.
    static func clear(under directory: String) {
        lock.withLock {
            scripts[directory] = nil
            scripted.store(!scripts.isEmpty, ordering: .releasing)
            lock.broadcast()
        }
    }

    /// Waits (a held sync) until ``release(under:)`` is called for the directory holding `path`
    /// or its script is cleared.
    static func hold(path: String) {
        lock.withLock {
            guard let directory = scripts.keys.first(where: { path.hasPrefix($0 + "/") }) else { return }
            scripts[directory]!.holding += 1
            lock.broadcast()
            while let script = scripts[directory], !script.released { lock.wait() }
            scripts[directory]?.holding -= 1
        }
    }

    /// Waits until a sync under `directory` is held.
    static func waitUntilHeld(under directory: String) {
        lock.withLock {
            while (scripts[directory]?.holding ?? 0) == 0 { lock.wait() }
        }
    }

    /// Lets every held sync under `directory` (and any held later) go on.
    static func release(under directory: String) {
        lock.withLock {
            scripts[directory]?.released = true
            lock.broadcast()
        }
    }

    /// Makes the next `count` data syncs of files under `directory` fail with EIO.
    static func failNextSyncs(_ count: Int, under directory: String) {
        script((1...max(1, count)).map { (.sync, $0, .ioError) }, under: directory)
    }

    /// Counts `operation` on the file at `path`; the fault to inject, if the script has one.
    static func take(_ operation: Operation, path: String) -> Fault? {
        guard scripted.load(ordering: .acquiring) else { return nil }
        return lock.withLock {
            guard !scripts.isEmpty else { return nil }
            for (directory, var script) in scripts where path.hasPrefix(directory + "/") {
                let n = script.counts[operation, default: 0] + 1
                script.counts[operation] = n
                let fault = script.faults[operation]?[n]
                scripts[directory] = script
                return fault
            }
            return nil
        }
    }
}
