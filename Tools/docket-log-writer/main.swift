// A crash-test subject: appends to a store forever from several concurrent appenders and prints
// one line per acknowledged append ("ack <position> <stream> <version> <seq>"), flushed at once,
// so a parent that kills it with SIGKILL knows exactly what was acknowledged.
//
// Usage: DocketLogWriter STORE [APPENDERS] [PAYLOAD_BYTES]

import Chronology
import EventLog

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandleOutput.error("usage: DocketLogWriter STORE [APPENDERS] [PAYLOAD_BYTES]\n")
    exit(2)
}
let store = arguments[1]
let appenders = arguments.count > 2 ? Int(arguments[2]) ?? 4 : 4
let payloadBytes = arguments.count > 3 ? Int(arguments[3]) ?? 200 : 200

if !EventLog.exists(at: store) { try EventLog.create(at: store) }
var options = EventLog.Options()
options.segmentSize = 256 * 1024
options.blockSize = 2048
let log = try EventLog.open(at: store, options: options)
FileHandleOutput.line("ready \(log.lastPosition)")

let filler = String(repeating: "x", count: payloadBytes)
await withTaskGroup(of: Void.self) { group in
    for appender in 0..<appenders {
        group.addTask {
            var sequence = 0
            while true {
                sequence += 1
                let stream = "stream-\(appender)"
                let payload = "{\"appender\":\(appender),\"seq\":\(sequence),\"fill\":\"\(filler)\"}"
                let event = ProposedEvent(type: "Tick", occurredAt: .now(), payload: Array(payload.utf8))
                do {
                    let result = try await log.append(
                        AppendRequest(stream: stream, events: [event], idempotencyKey: "\(appender)-\(sequence)")
                    )
                    let e = result.events[0]
                    FileHandleOutput.line("ack \(e.position) \(stream) \(e.version) \(sequence)")
                } catch {
                    FileHandleOutput.error("append failed: \(error)\n")
                    exit(1)
                }
            }
        }
    }
}

/// Unbuffered output: each line is one `write(2)` (atomic on a pipe below PIPE_BUF), so a
/// SIGKILL never leaves a printed-but-unflushed acknowledgement.
enum FileHandleOutput {
    static func line(_ text: String) { write(1, text + "\n") }
    static func error(_ text: String) { write(2, text) }
    private static func write(_ fd: Int32, _ text: String) {
        var t = text
        t.withUTF8 { _ = Glibc.write(fd, $0.baseAddress, $0.count) }
    }
}
