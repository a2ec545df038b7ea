import CertificationWire
import DocketJSON
import DocketStore
import DocketWorkload
import EventLog
import Foundation
import GRDB
import Testing

/// `submit`, `case`, `timeline`, `replay`, `export`, `import` and `verify` run as a user and a
/// script would run them, over a seeded realistic workload.
@Suite struct CaseCommandLineTests {
    typealias CLI = DocketCommandLineTests

    /// Writes `cases` cases of the seeded workload to a file and returns its path and line count.
    static func workload(cases: Int, in directory: String, seed: UInt64 = 7) throws -> (String, Int) {
        var bytes: [UInt8] = []
        var count = 0
        for line in CommandWorkload(cases: cases, seed: seed) {
            bytes += line
            bytes.append(0x0A)
            count += 1
        }
        let path = directory + "/commands.jsonl"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (path, count)
    }

    static func lines(_ text: String) -> [JSONValue] {
        text.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
    }

    @Test func submitPrintsOneResultPerLineInOrderAndExitsOneWhenAnyIsRefused() throws {
        try CLI.withStorePath { (store: String) throws in
            _ = try CLI.run(["init", "--store", store])
            let directory = (store as NSString).deletingLastPathComponent
            let (file, count) = try Self.workload(cases: 60, in: directory)
            // A malformed line in the middle gets its own error line; the rest go on.
            var text = try String(contentsOfFile: file, encoding: .utf8)
            text = text.replacingOccurrences(of: "\n", with: "\nnot json\n", options: [], range: text.range(of: "\n"))
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let run = try CLI.run(["submit", "--store", store, file])
            let results = Self.lines(run.output)
            #expect(results.count == count + 1)
            #expect(results[1]["error"]?["code"] == .string("invalid-json"))
            #expect(results[1]["commandId"] == .null && results[1]["stream"] == .null)
            #expect(results[0]["commandId"] == .string("w7-1"))
            #expect(results[2]["commandId"] == .string("w7-2"))
            #expect(run.status == 1)
            #expect(run.error.isEmpty)  // no progress or summary when piped
            // Resubmitting the whole file: every accepted command gets its first result again.
            let again = Self.lines(try CLI.run(["submit", "--store", store, file]).output)
            for (first, second) in zip(results, again) where first["ok"] == .bool(true) {
                #expect(second["events"] == first["events"])
            }
            let verify = try CLI.run(["verify", "--store", store])
            #expect(verify.status == 0, "\(verify.output)")
            #expect(verify.output.contains("0 event(s) break a rule"))
            #expect(verify.output.contains("read and checked, 0 damaged"))
        }
    }

    @Test func submitReadsStandardInputAndExitsZeroWhenAllAreAccepted() throws {
        try CLI.withStorePath { (store: String) throws in
            _ = try CLI.run(["init", "--store", store])
            let line =
                #"{"command":"schedule-batch","commandId":"s1","batch":"2024-04","at":"2024-01-08T09:00:00+08:00","actor":{"id":"admin","role":"admin"},"data":{"examStartsAt":"2024-04-20T09:00:00+08:00","occupations":["ai-trainer"]}}"#
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLI.docket)
            process.arguments = ["submit", "--store", store]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            input.fileHandleForWriting.write(Data((line + "\n").utf8))
            try input.fileHandleForWriting.close()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(
                text
                    == #"{"ok":true,"commandId":"s1","stream":"batch-2024-04","events":[{"type":"BatchScheduled","version":1,"position":1}]}"#
                    + "\n"
            )
        }
    }

    @Test func caseTimelineAndReplayShowACaseForPeopleAndForPrograms() throws {
        try CLI.withStorePath { (store: String) throws in
            _ = try CLI.run(["init", "--store", store])
            let directory = (store as NSString).deletingLastPathComponent
            let (file, _) = try Self.workload(cases: 30, in: directory)
            _ = try CLI.run(["submit", "--store", store, file])
            let id = CommandWorkload.caseID(0)
            let json = try CLI.run(["case", id, "--store", store, "--json"])
            #expect(json.status == 0)
            let view = try JSONParser.parse(json.output)
            for key in [
                "case", "version", "status", "occupation", "level", "batch", "subjects", "paidYuan", "refundedYuan",
                "certificate", "complaints", "findings", "candidate",
            ] {
                #expect(view[key] != nil, "missing \(key)")
            }
            let number = view["candidate"]?["idDocument"]?["number"]?.stringValue ?? ""
            #expect(number.contains("*"))
            let first = try JSONParser.parse(
                try CLI.run(["case", id, "--store", store, "--json", "--at-version", "1"]).output
            )
            #expect(first["status"] == .string("applied") && first["version"] == .int(1))
            let table = try CLI.run(["case", id, "--store", store])
            #expect(table.output.contains("status") && table.output.contains(number))
            let timeline = try CLI.run(["timeline", id, "--store", store, "--json"])
            let all = try JSONParser.parse(timeline.output).arrayValue ?? []
            // The case's own events, and its batches' (marked as such) around them.
            let events = all.filter { $0["source"] == .string("case") }
            #expect(events.count == view["version"]?.intValue)
            #expect(
                all.filter { $0["source"] == .string("batch") }.allSatisfy {
                    $0["stream"]?.stringValue?.hasPrefix("batch-") == true
                }
            )
            #expect(all.contains { $0["source"] == .string("batch") })
            #expect(events.first?["type"] == .string("Applied") && events.first?["summary"]?.stringValue != nil)
            #expect(!timeline.output.contains(number.replacingOccurrences(of: "*", with: "")) || number.count < 18)
            let people = try CLI.run(["timeline", id, "--store", store])
            #expect(people.output.contains("Applied") && people.output.contains("portal-web"))
            let replay = Self.lines(try CLI.run(["replay", id, "--store", store, "--output", "jsonl"]).output)
            #expect(replay.count == events.count)
            let array = try JSONParser.parse(try CLI.run(["replay", id, "--store", store, "--json"]).output)
            #expect(array.arrayValue?.count == events.count)
            #expect(replay.last?["state"]?["status"] == view["status"])
            let missing = try CLI.run(["case", "2099-01-000001", "--store", store])
            #expect(missing.status == 1 && missing.error.contains("no case"))
            let bad = try CLI.run(["case", id, "--store", store, "--as-of", "yesterday"])
            #expect(bad.status == 64 && bad.error.contains("RFC 3339") && bad.error.contains("--as-of"))
        }
    }

    @Test func caseAndTimelineReadTheReadModelsWhenCurrentAndTheLogOtherwiseWithTheSameOutput() throws {
        try CLI.withStorePath { (store: String) throws in
            _ = try CLI.run(["init", "--store", store])
            let directory = (store as NSString).deletingLastPathComponent
            let (file, _) = try Self.workload(cases: 30, in: directory)
            _ = try CLI.run(["submit", "--store", store, file])  // leaves the read models current
            // The moment a view is evaluated at is "now": left out of the comparison.
            func normalised(_ text: String) -> String {
                text.replacingOccurrences(of: #"\(as of [^)]*\)"#, with: "(as of …)", options: .regularExpression)
                    .replacingOccurrences(of: #""asOf":"[^"]*""#, with: #""asOf":"…""#, options: .regularExpression)
            }
            let ids = (0..<30).map(CommandWorkload.caseID)
            func outputs() throws -> [String] {
                try ids.flatMap { id in
                    try [["case", id], ["case", id, "--json"], ["timeline", id], ["timeline", id, "--json"]].map {
                        normalised(try CLI.run($0 + ["--store", store]).output)
                    }
                }
            }
            let projected = try outputs()
            // The read models answer: a changed row shows through.
            let cases = store + "/projections/cases.sqlite"
            try DatabaseQueue(path: cases).write { db in
                try db.execute(
                    sql:
                        "UPDATE case_views SET view = replace(view, '\"version\":', '\"version\":100') WHERE case_id = ?",
                    arguments: [ids[0]]
                )
            }
            #expect(try CLI.run(["case", ids[0], "--store", store, "--json"]).output.contains("\"version\":100"))
            // Without them (or behind the log) the log answers, with the same output.
            try FileManager.default.removeItem(atPath: store + "/projections")
            let fromLog = try outputs()
            #expect(projected.count == fromLog.count)
            for (i, (a, b)) in zip(projected, fromLog).enumerated() where a != b {
                Issue.record("output \(i) differs:\n\(a)\n---\n\(b)")
            }
            #expect(fromLog.contains { $0.contains("\"status\":\"failed\"") })
        }
    }

    @Test func exportThenImportIntoAnEmptyStoreReproducesTheLog() throws {
        try CLI.withStorePath { (store: String) throws in
            _ = try CLI.run(["init", "--store", store])
            let directory = (store as NSString).deletingLastPathComponent
            let (file, _) = try Self.workload(cases: 20, in: directory)
            _ = try CLI.run(["submit", "--store", store, file])
            let export = try CLI.run(["export", "--store", store])
            #expect(export.status == 0)
            let exported = directory + "/events.jsonl"
            try export.output.write(toFile: exported, atomically: true, encoding: .utf8)
            let copy = directory + "/copy"
            _ = try CLI.run(["init", "--store", copy])
            let imported = try CLI.run(["import", "--store", copy, exported])
            #expect(imported.status == 0, "\(imported.error)")
            #expect(try CLI.run(["export", "--store", copy]).output == export.output)
            let tail = try CLI.run(["export", "--store", store, "--from", "5"])
            #expect(tail.output.hasPrefix("{\"position\":5,"))
            // A broken line: nothing imported, the line named.
            try (export.output + "{\"position\":1}\n").write(toFile: exported, atomically: true, encoding: .utf8)
            let third = directory + "/third"
            _ = try CLI.run(["init", "--store", third])
            let refused = try CLI.run(["import", "--store", third, exported])
            #expect(refused.status == 1 && refused.error.contains("nothing was imported"))
            #expect(try CLI.run(["export", "--store", third]).output.isEmpty)
        }
    }

    @Test func verifyListsImportedEventsThatBreakARuleAndExitsOne() throws {
        try CLI.withStorePath { (store: String) throws in
            _ = try CLI.run(["init", "--store", store])
            let directory = (store as NSString).deletingLastPathComponent
            let file = directory + "/legacy.jsonl"
            try """
            {"position":1,"stream":"batch-2024-04","version":1,"type":"BatchScheduled","at":"2024-01-08T09:00:00+08:00","recordedAt":"2024-01-08T09:00:00+08:00","actor":{"id":"legacy","role":"admin"},"commandId":null,"data":{"examStartsAt":"2024-04-20T09:00:00+08:00","occupations":["ai-trainer"]}}
            {"position":2,"stream":"case-L1","version":1,"type":"Certified","at":"2024-05-01T09:00:00+08:00","recordedAt":"2024-05-01T09:00:00+08:00","actor":{"id":"legacy","role":"certifier"},"commandId":null,"data":{"certificateNumber":"Z9","channel":"email"}}

            """.write(toFile: file, atomically: true, encoding: .utf8)
            #expect(try CLI.run(["import", "--store", store, file]).status == 0)
            let run = try CLI.run(["verify", "--store", store, "--json"])
            #expect(run.status == 1)
            let report = try JSONParser.parse(run.output)
            let findings = report["rules"]?["findings"]?.arrayValue ?? []
            #expect(findings.count == 1)
            #expect(
                findings.first?["stream"] == .string("case-L1") && findings.first?["code"] == .string("case-not-found")
            )
            #expect(report["clean"] == .bool(false))
        }
    }

    /// A `docket submit` killed with SIGKILL in the middle of a large input: every result line it
    /// printed names events that are in the log, and the store verifies clean.
    @Test func everyPrintedResultSurvivesAKillNineDuringSubmit() throws {
        let rounds = 2 * (Int(ProcessInfo.processInfo.environment["DOCKET_TEST_SCALE"] ?? "") ?? 1)
        try CLI.withStorePath { (store: String) throws in
            _ = try CLI.run(["init", "--store", store])
            let directory = (store as NSString).deletingLastPathComponent
            for round in 0..<rounds {
                let (file, _) = try Self.workload(cases: 700, in: directory, seed: UInt64(100 + round))
                let process = Process()
                process.executableURL = URL(fileURLWithPath: CLI.docket)
                process.arguments = ["submit", "--store", store, file]
                let output = Pipe()
                process.standardOutput = output
                try process.run()
                // Read until a few thousand results are out, then kill without warning.
                var received = Data()
                let target = 1200 + round * 400
                while received.reduce(0, { $0 + ($1 == 0x0A ? 1 : 0) }) < target {
                    let chunk = output.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    received += chunk
                }
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                received += output.fileHandleForReading.readDataToEndOfFile()
                let printed = Self.lines(String(decoding: received, as: UTF8.self))
                #expect(printed.count >= target / 2, "round \(round) printed only \(printed.count)")
                let reopened = try DocketStore.open(at: store)
                for result in printed where result["ok"] == .bool(true) {
                    for event in result["events"]?.arrayValue ?? [] {
                        guard let position = event["position"]?.intValue else { continue }
                        let recorded = try reopened.log.event(at: UInt64(position))
                        #expect(recorded.stream == result["stream"]?.stringValue)
                        #expect(recorded.version == UInt64(event["version"]?.intValue ?? -1))
                        #expect(recorded.type == event["type"]?.stringValue)
                    }
                }
                // Every application in the log names a photo that is stored and intact.
                var cursor = reopened.log.events(from: 1)
                while let event = try cursor.next() {
                    guard event.type == "Applied" else { continue }
                    let sha =
                        try JSONParser.parse(RecordedDomainEvent(event, keys: reopened.personalKeys).payload)["photo"]?[
                            "sha256"
                        ]?
                        .stringValue ?? ""
                    #expect(reopened.photos.isIntact(sha256: sha), "photo \(sha) of position \(event.position)")
                }
                try reopened.close()
                let verify = try CLI.run(["verify", "--store", store])
                #expect(
                    verify.output.contains("result      clean") || verify.output.contains("break a rule"),
                    "\(verify.output)"
                )
                #expect(!verify.output.contains("problem(s)") || verify.output.contains("break a rule"))
            }
        }
    }
}
