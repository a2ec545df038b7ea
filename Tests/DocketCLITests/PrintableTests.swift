import Foundation
import Testing

/// Stored text never drives the terminal it is printed on.
@Suite struct PrintableTests {
    @Test func aNameWithAnEscapeSequenceIsRefusedAndStoreFilesAreOwnerOnly() throws {
        try DocketCommandLineTests.withStorePath { (store: String) throws in
            #expect(try DocketCommandLineTests.run(["init", "--store", store]).status == 0)
            let schedule = #"{"command":"schedule-batch","batch":"2024-04","at":"2024-01-08T09:00:00+08:00","actor":{"id":"a","role":"admin"},"data":{"examStartsAt":"2024-04-20T09:00:00+08:00","occupations":["ai-trainer"]}}"#
            let hostile = #"{"command":"schedule-batch","batch":"2024-07","at":"2024-01-08T09:00:00+08:00","actor":{"id":"a\u001b[2J","role":"admin"},"data":{"examStartsAt":"2024-07-20T09:00:00+08:00","occupations":["ai-trainer"]}}"#
            let file = store + "-commands.jsonl"
            try (schedule + "\n" + hostile + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            let run = try DocketCommandLineTests.run(["submit", "--store", store, file])
            let lines = run.output.split(separator: "\n")
            #expect(lines.count == 2 && lines[0].contains("\"ok\":true"))
            #expect(lines[1].contains("invalid-field") && lines[1].contains("actor.id"))
            // Nothing in the store is readable by others.
            let files = FileManager.default.enumerator(atPath: store)
            var checked = 0
            while let name = files?.nextObject() as? String {
                let attributes = try FileManager.default.attributesOfItem(atPath: store + "/" + name)
                let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
                #expect(mode & 0o077 == 0, "\(name) is \(String(mode, radix: 8))")
                checked += 1
            }
            #expect(checked > 5)
        }
    }
}
