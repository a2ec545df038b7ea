import Foundation
import Testing

/// `Tools/demo` is what a newcomer runs first: it must never touch a store it did not make.
@Suite struct DemoTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Every file under `path` with its size and contents' hash.
    static func snapshot(_ path: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let files = FileManager.default.enumerator(atPath: path)
        while let file = files?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = path + "/" + file
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else {
                continue
            }
            out[file] = try Data(contentsOf: URL(fileURLWithPath: full))
        }
        return out
    }

    static func demo(_ arguments: [String], environment: [String: String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [root + "/Tools/demo"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// Runs on a thread of its own: the demo takes seconds, and Swift concurrency's two threads
    /// here are what other suites' servers run on.
    @Test func theDemoRunTwiceLeavesARealStoreInDocketStoreUntouched() async throws {
        let problems = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<[String], any Error>) in
            Thread.detachNewThread { continuation.resume(with: Result { try Self.runTwice() }) }
        }
        #expect(problems.isEmpty, "\(problems)")
    }

    /// Runs the demo twice and once more on a store it did not make; what went wrong.
    static func runTwice() throws -> [String] {
        var problems: [String] = []
        func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
            if !condition { problems.append(message()) }
        }
        try DocketCommandLineTests.withStorePath { (real: String) throws in
            expect(try DocketCommandLineTests.run(["init", "--store", real]).status == 0, "init failed")
            let before = try Self.snapshot(real)
            let demoStore = (real as NSString).deletingLastPathComponent + "/demo-store"
            let environment = [
                "DOCKET_STORE": real, "DOCKET_DEMO_NO_SERVE": "1", "DOCKET_DEMO_CASES": "20",
                "DOCKET_DEMO_BIN": (DocketCommandLineTests.docket as NSString).deletingLastPathComponent,
            ]
            for run in 1...2 {
                let (status, output) = try Self.demo([demoStore], environment: environment)
                expect(status == 0, "run \(run): \(output.suffix(2_000))")
                expect(output.contains("docket verify"), "run \(run) did not verify")
            }
            expect(try Self.snapshot(real) == before, "the demo changed the store in DOCKET_STORE")
            // Given a directory it did not make, the demo stops and leaves it as it is.
            let (status, output) = try Self.demo([real], environment: environment)
            expect(status == 1 && output.contains("was not made by the demo"), "the demo took \(real): \(output)")
            expect(try Self.snapshot(real) == before, "the demo changed a store it did not make")
        }
        return problems
    }
}
