import Chronology
import Foundation
import Testing

@testable import EventLog

/// A writer process killed with SIGKILL at random moments loses nothing it acknowledged.
@Suite struct KillNineTests {
    /// The crash-test writer built beside this test bundle.
    static var writerPath: String {
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return ((exe as NSString).deletingLastPathComponent as NSString).appendingPathComponent("DocketLogWriter")
    }

    struct Ack: Hashable {
        var position: UInt64
        var stream: String
        var version: UInt64
        var sequence: Int
    }

    /// Runs the writer until killed after `delay`, returning the acknowledgements it printed.
    static func runAndKill(store: String, delay: Duration) async throws -> [Ack] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: writerPath)
        process.arguments = [store, "6", "300"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        try await Task.sleep(for: delay)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        var acks: [Ack] = []
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ")
            // A line cut by the kill is not an acknowledgement.
            guard parts.count == 5, parts[0] == "ack", let p = UInt64(parts[1]), let v = UInt64(parts[3]),
                let s = Int(parts[4])
            else { continue }
            acks.append(Ack(position: p, stream: String(parts[2]), version: v, sequence: s))
        }
        return acks
    }

    @Test func everyAcknowledgedAppendSurvivesSigkill() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.writerPath), "missing \(Self.writerPath)")
        let store = try TestStore()
        var acknowledged: [Ack] = []
        var generator = SystemRandomNumberGenerator()
        let rounds = 4 * TestScale.factor
        for round in 0..<rounds {
            // Long enough for a loaded machine (the whole suite runs beside it) to start the writer.
            let delay = Duration.milliseconds(Int.random(in: 400...1_000, using: &generator))
            let acks = try await Self.runAndKill(store: store.path, delay: delay)
            #expect(!acks.isEmpty, "round \(round) acknowledged nothing")
            acknowledged += acks

            let log = try store.open()
            #expect(log.lastPosition >= (acknowledged.map(\.position).max() ?? 0))
            for ack in acks.shuffled().prefix(200) {
                let event = try log.event(at: ack.position)
                #expect(event.stream == ack.stream && event.version == ack.version, "round \(round): \(ack)")
                let payload = String(decoding: event.payload, as: UTF8.self)
                #expect(payload.contains("\"seq\":\(ack.sequence),"), "round \(round): \(ack)")
            }
            try log.close()
            let report = EventLog.verify(at: store.path)
            #expect(report.isClean, "round \(round): \(report.problems)")
        }
        // Across all rounds, each stream's acknowledged versions are all there, in order.
        let log = try store.open(readOnly: true)
        for (stream, acks) in Dictionary(grouping: acknowledged, by: \.stream) {
            let history = try log.read(stream: stream)
            let byVersion = Dictionary(uniqueKeysWithValues: history.map { ($0.version, $0.position) })
            for ack in acks { #expect(byVersion[ack.version] == ack.position, "\(ack)") }
            #expect(history.map(\.version) == Array(1...UInt64(history.count)))
        }
    }
}
