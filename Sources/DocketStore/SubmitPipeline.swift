import CertificationWire
import Dispatch

/// Streams command lines through a store in two stages: a reader thread reads lines and
/// prepares them (JSON, envelope, digest, typed data, photo decoding and hashing — the pure work,
/// most of an application's cost), while the calling thread decides batches and queues their
/// appends, which share syncs. Outcomes come back in input order, and at most `maximumInFlight`
/// commands are outstanding, so an input of any size runs in constant memory. `docket submit`
/// and the benchmark use it.
public enum SubmitPipeline {
    /// Submits every line of `lines`; `emit` receives each outcome in input order (on whichever
    /// thread completed it, one at a time) and `flush` follows each run of emits.
    /// - Returns: the reader's error, if reading failed.
    @discardableResult
    public static func run(
        _ lines: inout LineReader,
        into store: DocketStore,
        batchSize: Int = 256,
        maximumInFlight: Int = 4_096,
        emit: @escaping (CommandOutcome) -> Void,
        flush: @escaping () -> Void = {}
    ) -> DocketStoreError? {
        let sequencer = OrderedOutcomes(maximumInFlight: maximumInFlight, emit: emit, flush: flush)
        let handoff = Handoff(capacity: 2)
        let reader = ReaderBox(lines)
        let thread = Thread {
            var batch: [PreparedCommand] = []
            var numbers: [Int] = []
            func hand() {
                handoff.put((batch, numbers))
                batch.removeAll(keepingCapacity: true)
                numbers.removeAll(keepingCapacity: true)
            }
            // Each line is prepared where it lies in the reader's buffer (no copy).
            while let prepared = reader.lines.withNextLine({ line -> PreparedCommand? in
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
                return PreparedCommand(buffer: line, skew: store.clockSkewLimit)
            }) {
                if let prepared {
                    numbers.append(sequencer.reserve())
                    batch.append(prepared)
                }
                // A batch goes on when full, or when the next line would have to be waited for.
                if batch.count >= batchSize || (!batch.isEmpty && !reader.lines.nextLineIsReady()) { hand() }
            }
            if !batch.isEmpty { hand() }
            handoff.close()
        }
        thread.start()
        while let (batch, numbers) = handoff.take() {
            store.submit(prepared: batch) { i, outcome in sequencer.deliver(numbers[i], outcome) }
        }
        thread.join()
        sequencer.waitForAll()
        lines = reader.lines
        return lines.error
    }
}

/// The line reader, moved to the reader thread and back.
private final class ReaderBox: @unchecked Sendable {
    var lines: LineReader
    init(_ lines: LineReader) { self.lines = lines }
}

/// A bounded queue of prepared batches from the reader thread to the deciding one.
private final class Handoff: @unchecked Sendable {
    private let lock = Lock()
    private let items: DispatchSemaphore
    private let spaces: DispatchSemaphore
    private var queue: [([PreparedCommand], [Int])?] = []

    init(capacity: Int) {
        items = DispatchSemaphore(value: 0)
        spaces = DispatchSemaphore(value: capacity)
    }

    func put(_ item: ([PreparedCommand], [Int])) {
        spaces.wait()
        lock.withLock { queue.append(item) }
        items.signal()
    }

    func close() {
        lock.withLock { queue.append(nil) }
        items.signal()
    }

    func take() -> ([PreparedCommand], [Int])? {
        items.wait()
        let item = lock.withLock { queue.removeFirst() }
        if item != nil { spaces.signal() }
        return item
    }
}
