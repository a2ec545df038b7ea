import CertificationWire
import Foundation
import Testing

@testable import DocketServer

/// Results of a many-command request reach the stream in order, every one of them, and nothing
/// after the stream is finished, however the threads that decide them interleave.
@Suite struct InOrderTests {
    final class Sink: @unchecked Sendable {
        let lock = NSLock()
        var delivered: [String] = []
        var finished = 0
        var afterFinish = 0
    }

    @Test func resultsReleasedByManyThreadsAreDeliveredInOrderBeforeTheEnd() {
        for _ in 0..<50 {
            let count = 400
            let ordered = InOrder(count: count)
            let sink = Sink()
            DispatchQueue.concurrentPerform(iterations: count) { i in
                // Unsynchronised on purpose: only the ordering lock keeps the sink consistent.
                ordered.add(i, CommandOutcome(commandID: "c\(i)", stream: nil)) { ready, done in
                    if sink.finished > 0 { sink.afterFinish += ready.count }
                    sink.delivered += ready.compactMap(\.commandID)
                    if done { sink.finished += 1 }
                }
            }
            #expect(sink.delivered == (0..<count).map { "c\($0)" })
            #expect(sink.finished == 1)
            #expect(sink.afterFinish == 0)
        }
    }
}
