#if canImport(Glibc)
import Glibc
#endif

/// A mutex with a condition variable, for the writer thread's queue.
///
/// Hand-written over pthreads because the standard library's `Mutex` has no condition variable
/// and the writer must sleep on a real thread (it blocks in `fdatasync`), not on the
/// cooperative pool.
final class ConditionLock: @unchecked Sendable {
    // The pthread objects live at fixed heap addresses for the lock's lifetime.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
    /// Waits for a signal; call with the lock held.
    func wait() { pthread_cond_wait(condition, mutex) }
    func broadcast() { pthread_cond_broadcast(condition) }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
