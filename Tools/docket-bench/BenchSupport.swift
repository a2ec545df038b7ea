import DocketStore
import Foundation

/// Timing, percentiles, directory sizes and JSON output for the benchmarks.
enum Bench {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        return (ContinuousClock.now - start).seconds
    }

    static func secondsAsync(_ body: () async throws -> Void) async rethrows -> Double {
        let start = ContinuousClock.now
        try await body()
        return (ContinuousClock.now - start).seconds
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    static func directorySize(_ path: String) -> UInt64 {
        guard let items = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total: UInt64 = 0
        for case let item as String in items {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + item)
            if (attributes?[.type] as? FileAttributeType) == .typeRegular {
                total += attributes?[.size] as? UInt64 ?? 0
            }
        }
        return total
    }

    static func temporaryDirectory(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "docket-bench-\(name)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func progress(_ text: String) {
        FileHandle.standardError.write(Data(("[bench] " + text + "\n").utf8))
    }

    /// Submits `lines` in one call (one group commit) and waits until every one is answered.
    static func submitAll(_ lines: [[UInt8]], to store: DocketStore) {
        guard !lines.isEmpty else { return }
        let done = DispatchGroup()
        for _ in lines { done.enter() }
        store.submit(lines) { _, _ in done.leave() }
        done.wait()
    }

    static func printJSON(_ figures: [(String, Any)]) {
        var parts: [String] = []
        for (key, value) in figures {
            let rendered: String
            switch value {
            case let d as Double: rendered = d.isFinite ? String(format: "%.3f", d) : "null"
            case let s as String: rendered = "\"\(s)\""
            default: rendered = "\(value)"
            }
            parts.append("  \"\(key)\": \(rendered)")
        }
        print("{\n" + parts.joined(separator: ",\n") + "\n}")
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
