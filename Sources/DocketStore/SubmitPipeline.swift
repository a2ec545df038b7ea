/// Streams command lines through a store: lines are decided in batches of what is already
/// buffered (never waiting for more input while commands are pending), appends share syncs,
/// outcomes come back in input order, and at most `maximumInFlight` commands are outstanding,
/// so an input of any size runs in constant memory. `docket submit` and the benchmark use it.
public enum SubmitPipeline {
    /// Submits every line of `lines`; `emit` receives each outcome in input order (on whichever
    /// thread completed it, one at a time) and `flush` follows each run of emits.
    public static func run(
        _ lines: inout LineReader,
        into store: DocketStore,
        batchSize: Int = 1024,
        maximumInFlight: Int = 16_384,
        emit: @escaping (CommandOutcome) -> Void,
        flush: @escaping () -> Void = {}
    ) {
        let sequencer = OrderedOutcomes(maximumInFlight: maximumInFlight, emit: emit, flush: flush)
        var batch: [[UInt8]] = []
        var numbers: [Int] = []
        func send() {
            guard !batch.isEmpty else { return }
            let base = numbers
            store.submit(batch) { i, outcome in sequencer.deliver(base[i], outcome) }
            batch.removeAll(keepingCapacity: true)
            numbers.removeAll(keepingCapacity: true)
        }
        while let line = lines.next() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            numbers.append(sequencer.reserve())
            batch.append(line)
            if batch.count >= batchSize || !lines.hasBufferedLine { send() }
        }
        send()
        sequencer.waitForAll()
    }
}

import CertificationWire
