import Foundation
import Testing

/// Runs the built `docket` executable as a script or a person would, and checks what it prints
/// and the exit status scripts rely on.
@Suite struct DocketCommandLineTests {
    static var docket: String {
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return ((exe as NSString).deletingLastPathComponent as NSString).appendingPathComponent("docket")
    }

    struct Run {
        var status: Int32
        var output: String
        var error: String
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: docket)
        process.arguments = arguments
        // Reads of personal data name a purpose; the tests give one unless they test its absence.
        process.environment = ProcessInfo.processInfo.environment.merging(["DOCKET_PURPOSE": "test"]) { $1 }
            .merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let error = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: output, error: error)
    }

    /// Runs `body` with the path of a store that does not exist yet, in a fresh directory
    /// removed afterwards.
    static func withStorePath(_ body: (String) throws -> Void) throws {
        let directory = NSTemporaryDirectory() + "docket-cli-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory + "/store")
    }

    @Test func initCreatesAStoreOnceAndRefusesTheSecondTime() throws {
        try Self.withStorePath { (store: String) throws in
            let first = try Self.run(["init", "--store", store])
            #expect(first.status == 0)
            #expect(first.output.contains("created an empty store"))
            let second = try Self.run(["init", "--store", store])
            #expect(second.status == 1)
            #expect(second.error.contains("already exists"))
        }
    }

    @Test func theStoreComesFromTheEnvironmentWhenNotGiven() throws {
        try Self.withStorePath { (store: String) throws in
            #expect(try Self.run(["init"], environment: ["DOCKET_STORE": store]).status == 0)
            #expect(FileManager.default.fileExists(atPath: store + "/log"))
        }
    }

    @Test func verifyReportsACleanStoreAndExitsZero() throws {
        try Self.withStorePath { (store: String) throws in
            _ = try Self.run(["init", "--store", store])
            let text = try Self.run(["verify", "--store", store])
            #expect(text.status == 0)
            #expect(text.output.contains("result      clean"))
            let json = try Self.run(["verify", "--store", store, "--json"])
            let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
            #expect(object?["clean"] as? Bool == true)
            #expect(object?["events"] as? Int == 0)
            // Piped output shows no progress.
            #expect(json.error.isEmpty)
        }
    }

    @Test func verifyExitsOneAndNamesTheFileWhenASegmentIsDamaged() throws {
        try Self.withStorePath { (store: String) throws in
            _ = try Self.run(["init", "--store", store])
            let segment = store + "/log/segment-0000000001.dlog"
            var bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
            bytes[20] ^= 0xFF
            try bytes.write(to: URL(fileURLWithPath: segment))
            let run = try Self.run(["verify", "--store", store, "--json"])
            #expect(run.status == 1)
            let object = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any]
            #expect(object?["clean"] as? Bool == false)
            let problems = object?["problems"] as? [[String: Any]] ?? []
            #expect(problems.first?["file"] as? String == "log/segment-0000000001.dlog")
        }
    }

    @Test func usageErrorsExitSixtyFourAndSayWhatToChange() throws {
        let run = try Self.run(["verify", "--expect", "not-a-digest"])
        #expect(run.status == 64)
        #expect(run.error.contains("docket-log-v1:<position>:<64 hex digits>"))
        // No store where one was expected: the store failed (2), not a refusal (1).
        let missing = try Self.run(["verify", "--store", "/nonexistent/store"])
        #expect(missing.status == 2)
        #expect(missing.error.contains("docket init"))
    }

    @Test func digestPrintsTheGenesisOfAnEmptyStore() throws {
        try Self.withStorePath { (store: String) throws in
            _ = try Self.run(["init", "--store", store])
            let run = try Self.run(["digest", "--store", store])
            #expect(run.status == 0)
            #expect(run.output.hasPrefix("docket-log-v1:0:"))
            let past = try Self.run(["digest", "--store", store, "--at", "5"])
            #expect(past.status == 1)
            #expect(past.error.contains("beyond the end"))
        }
    }

    @Test func tokensAreListedWithoutTheirSecretAndRevokedByIdOrByActor() throws {
        try Self.withStorePath { (store: String) throws in
            #expect(try Self.run(["init", "--store", store]).status == 0)
            let portal = try Self.run(["token", "add", "--store", store, "--role", "portal", "--actor", "portal-web"])
            let reporter = try Self.run(["token", "add", "--store", store, "--role", "reporter", "--actor", "nightly"])
            let second = try Self.run(["token", "add", "--store", store, "--role", "portal", "--actor", "portal-web"])
            #expect(portal.status == 0 && reporter.status == 0 && second.status == 0)
            let secret = portal.output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(secret.hasPrefix("dkt_"))

            let listed = try Self.run(["token", "list", "--store", store, "--output", "jsonl"])
            #expect(listed.status == 0)
            let lines = listed.output.split(separator: "\n")
            #expect(lines.count == 3)
            #expect(!listed.output.contains(secret))
            #expect(lines[1].contains(#""actor":"nightly""#) && lines[1].contains(#""role":"reporter""#))
            let table = try Self.run(["token", "list", "--store", store])
            #expect(table.output.hasPrefix("id "))
            #expect(!table.output.contains(secret))

            // By id: the reporter's only.
            guard let range = lines[1].range(of: #""id":""#) else {
                Issue.record("no id in \(lines[1])")
                return
            }
            let id = String(lines[1][range.upperBound...].prefix(12))
            let byID = try Self.run(["token", "revoke", "--store", store, "--id", id])
            #expect(byID.status == 0 && byID.output.contains("revoked \(id) (nightly, reporter)"))
            // By actor: both of the portal's.
            let byActor = try Self.run(["token", "revoke", "--store", store, "--actor", "portal-web"])
            #expect(byActor.status == 0 && byActor.output.split(separator: "\n").count == 2)
            #expect(try Self.run(["token", "list", "--store", store, "--output", "jsonl"]).output.isEmpty)
            #expect(try Self.run(["token", "list", "--store", store, "--json"]).output == "[]\n")
            // Nothing left to match: exit 1 with a message; a malformed id is a usage error.
            let again = try Self.run(["token", "revoke", "--store", store, "--actor", "portal-web"])
            #expect(again.status == 1 && again.error.contains("no token matched"))
            let bad = try Self.run(["token", "revoke", "--store", store, "--id", "xyz"])
            #expect(bad.status != 0 && bad.error.contains("--id"))
        }
    }

    @Test func serveRefusesLimitsThatCannotWorkNamingTheOption() throws {
        try Self.withStorePath { (store: String) throws in
            #expect(try Self.run(["init", "--store", store]).status == 0)
            for (option, value) in [
                ("--port", "70000"), ("--max-body", "10"), ("--max-lines", "0"), ("--body-seconds", "0"),
            ] {
                let run = try Self.run(["serve", "--store", store, option, value])
                #expect(run.status == 64, "\(option) \(value): \(run.status)")
                #expect(run.error.contains(option), "\(option): \(run.error)")
            }
        }
    }
}
