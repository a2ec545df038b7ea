import Chronology
import DocketJSON
import EventLog
import Foundation

/// The shared peer workload (`../shared/peers/workload.md`): JSON Lines, one event a line
/// (`stream`, `version`, `type`, `at`, `actor`, `data`), and a file of stream names read one at a
/// time. Read before any clock starts, so the figures are the log's, not the parser's.
struct PeerWorkload {
    struct Event {
        var stream: String
        var version: UInt64
        var proposed: ProposedEvent
    }

    var events: [Event] = []
    var sample: [String] = []
    /// The workload's bytes (JSON Lines), for the bytes-per-event comparison.
    var inputBytes = 0

    init(workload path: String, sample samplePath: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw BenchFailure("cannot read \(path)") }
        inputBytes = data.count
        let bytes = Array(data)
        var start = 0
        var line = 0
        events.reserveCapacity(bytes.count / 300)
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            line += 1
            if end > start {
                let value = try JSONParser.parse(Array(bytes[start..<end]))
                guard let stream = value["stream"]?.stringValue, let version = value["version"]?.intValue,
                    let type = value["type"]?.stringValue, let atText = value["at"]?.stringValue,
                    let at = RFC3339.parse(atText), let actor = value["actor"], let payload = value["data"]
                else { throw BenchFailure("\(path) line \(line) is not a workload event") }
                var metadata: [UInt8] = []
                JSONWriter.write(actor, into: &metadata)
                var data: [UInt8] = []
                JSONWriter.write(payload, into: &data)
                events.append(
                    Event(
                        stream: stream,
                        version: UInt64(version),
                        proposed: ProposedEvent(type: type, occurredAt: at, metadata: metadata, payload: data)
                    )
                )
            }
            start = end + 1
        }
        guard let text = try? String(contentsOfFile: samplePath, encoding: .utf8) else {
            throw BenchFailure("cannot read \(samplePath)")
        }
        sample = text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }
}
