import Certification
import DocketJSON
import DocketWorkload
import Foundation
import Testing

/// The command line and the HTTP API are two adapters over one application layer: on the same
/// store they give the same answers, byte for byte but for the moment each was asked.
@Suite struct AdapterAgreementTests {
    /// The `docket` executable built beside this test bundle.
    static var docket: String {
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return ((exe as NSString).deletingLastPathComponent as NSString).appendingPathComponent("docket")
    }

    /// Runs `docket` on a thread of its own (the cooperative pool's two threads serve the server).
    static func cli(_ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try cliBlocking(arguments) }) }
        }
    }

    static func cliBlocking(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: docket)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["DOCKET_PURPOSE": "test"]) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// The answer without the keys that say when it was made.
    static func timeless(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(
                JSONObject(
                    object.members.filter { $0.key != "asOf" && $0.key != "generatedAt" }
                        .map { (key: $0.key, value: timeless($0.value)) }
                )
            )
        case .array(let items): return .array(items.map(timeless))
        default: return value
        }
    }

    static func parsed(_ text: String) throws -> JSONValue { timeless(try JSONParser.parse(Array(text.utf8))) }

    /// JSON Lines as an array.
    static func lines(_ text: String) throws -> JSONValue {
        .array(try text.split(separator: "\n").map { try parsed(String($0)) })
    }

    @Test func theCommandLineAndTheServerGiveTheSameAnswers() async throws {
        let server = try await TestServer(cases: 40)
        let client = server.client
        let supervisor = server.token(.supervisor)
        let store = ["--store", server.path]
        let id = CommandWorkload.caseID(3)
        func http(_ path: String) async throws -> String {
            let answer = try await client.send("GET", path, token: supervisor)
            #expect(answer.status == 200, "\(path): \(answer.text)")
            return answer.text
        }
        let pairs: [(cli: [String], http: String, lines: Bool)] = [
            (["case", id, "--json"], "/v1/cases/\(id)", false),
            (["case", id, "--json", "--as-of", "2024-05-01"], "/v1/cases/\(id)?asOf=2024-05-01", false),
            (["case", id, "--json", "--at-version", "2"], "/v1/cases/\(id)?atVersion=2", false),
            (["timeline", id, "--json"], "/v1/cases/\(id)/timeline", false),
            (["replay", id, "--output", "jsonl"], "/v1/cases/\(id)/replay", true),
            (["batch", "2024-04", "--json"], "/v1/batches/2024-04", false),
            (["search", "王", "--json", "--limit", "5"], "/v1/search?q=%E7%8E%8B&limit=5", false),
            (["report", "batches", "--format", "json"], "/v1/reports/batches", false),
            (
                ["report", "revenue", "--format", "json", "--batch", "2024-04"], "/v1/reports/revenue?batch=2024-04",
                false
            ),
        ]
        for pair in pairs {
            let byCLI = try await Self.cli(pair.cli + store)
            let byHTTP = try await http(pair.http)
            if pair.lines {
                #expect(try Self.lines(byCLI) == Self.lines(byHTTP), "\(pair.cli)")
            } else {
                #expect(try Self.parsed(byCLI) == Self.parsed(byHTTP), "\(pair.cli)")
            }
        }
        await server.stop()
    }
}
