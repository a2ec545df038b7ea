import Foundation

/// Extends the hash chain on a second core while the writer compresses and writes.
///
/// Frames hold no chain hashes (only seals and the index do), so hashing a large group can run
/// beside compression and I/O and be joined just before the group is acknowledged. Jobs are
/// hashed strictly in submission order; ``finish()`` waits for all of them.
final class ChainHasher: @unchecked Sendable {
    /// One block's raw records to hash.
    struct Job {
        var raw: [UInt8]
        var records: [Range<Int>]
        var firstPosition: UInt64
    }

    // Guarded by `lock`.
    private let lock = ConditionLock()
    private var queue: [Job] = []
    private var busy = false
    private var stopping = false
    private var headsBefore: [ChainHash] = []
    private var head: ChainHash
    /// Positions whose heads the caller wants (digest checks), and the heads found so far.
    private var watched: Set<UInt64> = []
    private var watchedHeads: [UInt64: ChainHash] = [:]

    init(head: ChainHash) {
        self.head = head
        let thread = Thread { [self] in run() }
        thread.name = "docket-log-hasher"
        thread.start()
    }

    /// Queues a block; its records are hashed after every block queued before it.
    func submit(_ job: Job) {
        lock.withLock {
            queue.append(job)
            lock.broadcast()
        }
    }

    /// Waits for every queued block and returns the head before each (in order) and the head
    /// after the last, then forgets them.
    func finish() -> (headsBefore: [ChainHash], head: ChainHash) {
        lock.lock()
        while busy || !queue.isEmpty { lock.wait() }
        let result = (headsBefore, head)
        headsBefore.removeAll(keepingCapacity: true)
        lock.unlock()
        return result
    }

    /// Asks for the heads at `positions` to be kept (read them with ``heads(at:)`` after ``finish()``).
    func watch(_ positions: Set<UInt64>) { lock.withLock { watched = positions } }

    /// The kept heads of watched positions hashed so far.
    var watchedResults: [UInt64: ChainHash] { lock.withLock { watchedHeads } }

    /// Sets the head to continue from (no job may be queued).
    func reset(head: ChainHash) { lock.withLock { self.head = head } }

    func stop() {
        lock.withLock {
            stopping = true
            lock.broadcast()
        }
    }

    private func run() {
        while true {
            lock.lock()
            while queue.isEmpty && !stopping { lock.wait() }
            if queue.isEmpty && stopping {
                lock.unlock()
                return
            }
            let jobs = queue
            queue.removeAll(keepingCapacity: true)
            busy = true
            var current = head
            let watched = self.watched
            lock.unlock()
            var found: [UInt64: ChainHash] = [:]

            var befores: [ChainHash] = []
            befores.reserveCapacity(jobs.count)
            for job in jobs {
                befores.append(current)
                job.raw.withUnsafeBytes { raw in
                    for (i, range) in job.records.enumerated() {
                        let position = job.firstPosition + UInt64(i)
                        current = current.extended(
                            position: position,
                            record: UnsafeRawBufferPointer(rebasing: raw[range])
                        )
                        if !watched.isEmpty, watched.contains(position) { found[position] = current }
                    }
                }
            }

            lock.lock()
            headsBefore.append(contentsOf: befores)
            head = current
            watchedHeads.merge(found) { $1 }
            busy = false
            lock.broadcast()
            lock.unlock()
        }
    }
}
