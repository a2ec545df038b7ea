import Foundation

/// How hard the heavy suites work: 1 by default (quick enough for CI on 2 cores), more with
/// `DOCKET_TEST_SCALE=N` for the crash loops and exhaustive sweeps.
enum TestScale {
    static let factor: Int = Int(ProcessInfo.processInfo.environment["DOCKET_TEST_SCALE"] ?? "") ?? 1
}

/// Raw file helpers for destructive tests.
enum Bytes {
    static func read(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
