import Foundation
import LZ4Codec

/// Extends the hash chain — and, for the writer, compresses blocks — on a second core.
///
/// Frames hold no chain hashes (only seals and the index do), so hashing a large group can run
/// beside the writer's encoding and be joined just before the group is laid out and written;
/// compression is per block and independent, so it moves here too. Jobs are processed strictly
/// in submission order; ``finish()`` waits for all of them.
final class ChainHasher: @unchecked Sendable {
    /// One block's raw records to hash.
    struct Job {
        var raw: [UInt8]
        var records: [Range<Int>]
        var firstPosition: UInt64
        /// Compress the block too, against this dictionary (`.some(nil)`: without one).
        var compressWith: LZ4Dictionary?? = nil
    }

    /// What the helper produced since the last ``finish()``.
    struct Results {
        var headsBefore: [ChainHash]
        var head: ChainHash
        /// For each job that asked for compression, in order.
        var compressed: [(codec: FrameHeader.Codec, body: [UInt8])]
    }

    // Guarded by `lock`.
    private let lock = ConditionLock()
    private var queue: [Job] = []
    private var busy = false
    private var stopping = false
    private var headsBefore: [ChainHash] = []
    private var compressed: [(codec: FrameHeader.Codec, body: [UInt8])] = []
    private var head: ChainHash
    /// Used only by the helper thread.
    private let compressor = LZ4BlockCompressor()
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
        let results = finishAll()
        return (results.headsBefore, results.head)
    }

    /// Waits for every queued block and returns everything produced since the last call.
    func finishAll() -> Results {
        lock.lock()
        while busy || !queue.isEmpty { lock.wait() }
        let result = Results(headsBefore: headsBefore, head: head, compressed: compressed)
        headsBefore.removeAll(keepingCapacity: true)
        compressed.removeAll(keepingCapacity: true)
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
            var bodies: [(codec: FrameHeader.Codec, body: [UInt8])] = []
            for job in jobs {
                if let dictionary = job.compressWith {
                    bodies.append(BlockBuilder.compress(job.raw, dictionary: dictionary, with: compressor))
                }
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
            compressed.append(contentsOf: bodies)
            head = current
            watchedHeads.merge(found) { $1 }
            busy = false
            lock.broadcast()
            lock.unlock()
        }
    }
}
