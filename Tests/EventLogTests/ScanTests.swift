import Foundation
import Testing

@testable import EventLog

/// The in-place scan lends exactly the events the copying cursor returns, in order, over any
/// range, and refuses damaged records as the cursor does.
@Suite struct ScanTests {
    @Test func theInPlaceScanLendsExactlyTheEventsTheCursorReturns() async throws {
        let store = try TestStore()
        let log = try store.open { $0.blockSize = 700 }
        let events = Events.make(900)
        for start in stride(from: 0, to: events.count, by: 41) {
            let part = events[start..<min(events.count, start + 41)]
            _ = try await log.append(
                AppendRequest(
                    streams: part.enumerated().map {
                        .init(stream: "s\(($0.offset + start) % 7)", events: [$0.element])
                    }
                )
            )
        }
        var copied: [RecordedEvent] = []
        var cursor = log.events(from: 1)
        while let event = try cursor.next() { copied.append(event) }
        var lent: [RecordedEvent] = []
        try log.scan { lent.append($0.recorded) }
        #expect(lent == copied)
        var part: [UInt64] = []
        try log.scan(from: 333, through: 401) { part.append($0.position) }
        #expect(part == Array(333...401))
        var none = 0
        try log.scan(from: 901) { _ in none += 1 }
        #expect(none == 0)
        try log.close()
    }
}
