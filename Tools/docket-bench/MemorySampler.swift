import Foundation

/// The peaks of this process's resident memory by kind while it runs, sampled from
/// `/proc/self/status` every 20 ms: anonymous memory (the process's own: states, indexes,
/// buffers) apart from mapped files (the log's segments and index read in place, which the
/// kernel can drop and read again). `getrusage`'s peak counts both, so a store read through
/// maps looks as if it held its files in memory.
final class MemorySampler: @unchecked Sendable {
    /// Peaks in KiB (guarded by `lock`).
    private var peakAnon = 0
    private var peakFile = 0
    private var running = true
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)

    init() {
        let thread = Thread { [self] in
            while lock.withLock({ running }) {
                sample()
                usleep(20_000)
            }
            done.signal()
        }
        thread.start()
    }

    /// Stops sampling; the peaks in MiB.
    func stop() -> (anonMiB: Double, fileMiB: Double) {
        lock.withLock { running = false }
        done.wait()
        sample()
        return lock.withLock { (Double(peakAnon) / 1024, Double(peakFile) / 1024) }
    }

    private func sample() {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return }
        var anon = 0
        var file = 0
        for line in text.split(separator: "\n") {
            if line.hasPrefix("RssAnon:") { anon = Self.kib(line) }
            if line.hasPrefix("RssFile:") { file = Self.kib(line) }
        }
        lock.withLock {
            peakAnon = max(peakAnon, anon)
            peakFile = max(peakFile, file)
        }
    }

    private static func kib(_ line: Substring) -> Int {
        // `RssAnon:\t   1234 kB`: a tab, then spaces only when the number is short.
        Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? 0
    }
}
