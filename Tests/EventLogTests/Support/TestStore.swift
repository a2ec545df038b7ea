import Chronology
import Foundation
import Logging

@testable import EventLog

/// A fresh store in a temporary directory, removed when the test ends.
final class TestStore {
    let path: String

    init(_ name: String = "store") throws {
        var template = Array((NSTemporaryDirectory() + "docket-test-XXXXXX").utf8CString)
        let dir = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        path = dir + "/" + name
        try EventLog.create(at: path)
    }

    deinit { try? FileManager.default.removeItem(atPath: FileSystem.directoryOf(path)) }

    func open(
        readOnly: Bool = false,
        _ configure: (inout EventLog.Options) -> Void = { _ in }
    ) throws(EventLogError) -> EventLog {
        var options = EventLog.Options()
        options.logger.logLevel = .error  // recovery notices are expected here; keep test output readable
        configure(&options)
        return try EventLog.open(at: path, readOnly: readOnly, options: options)
    }

    var segmentPaths: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: path + "/log"))?
            .filter { $0.hasSuffix(".dlog") }.sorted().map { path + "/log/" + $0 } ?? []
    }

    var indexPath: String { path + "/log/index.dlix" }

    /// Copies the whole store to a new temporary place (for destructive tests).
    func copy() throws -> String {
        let target = FileSystem.directoryOf(path) + "/copy-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: path, toPath: target)
        return target
    }
}

/// Small, varied events for tests.
enum Events {
    static func make(_ n: Int, type: String = "Happened", size: Int = 40) -> [ProposedEvent] {
        (0..<n).map { i in
            let text = "{\"n\":\(i),\"note\":\"" + String(repeating: "abcdefgh"[i % 8], count: size) + "\"}"
            return ProposedEvent(
                type: type,
                occurredAt: Timestamp(
                    microseconds: 1_709_345_700_000_000 + Int64(i) * 1_000_000,
                    utcOffsetSeconds: 28_800
                ),
                metadata: Array("{\"actor\":\"t\"}".utf8),
                payload: Array(text.utf8)
            )
        }
    }
}

extension String {
    subscript(_ i: Int) -> Character { self[index(startIndex, offsetBy: i)] }
}
