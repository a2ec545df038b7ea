import DocketWorkload
import Foundation
import Testing

/// `docket key`, `checkpoint` and `evidence` as an operator and an auditor run them, with the
/// exit statuses scripts rely on.
@Suite struct EvidenceCommandLineTests {
    typealias CLI = DocketCommandLineTests

    @Test func anExportedBundleVerifiesWithThePublishedKeyAndFailsWithAnother() throws {
        try CLI.withStorePath { (store: String) throws in
            _ = try CLI.run(["init", "--store", store])
            let directory = (store as NSString).deletingLastPathComponent
            let (file, _) = try CaseCommandLineTests.workload(cases: 30, in: directory)
            _ = try CLI.run(["submit", "--store", store, file])
            // No key yet: a checkpoint is refused with the way out.
            let early = try CLI.run(["checkpoint", "--store", store])
            #expect(early.status == 1)
            #expect(early.error.contains("docket key create"))
            let key = try CLI.run(["key", "create", "--store", store, "--name", "test.docket/cli"])
            #expect(key.status == 0)
            let published = key.output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(published.hasPrefix("test.docket/cli+"))
            #expect(
                try CLI.run(["key", "show", "--store", store]).output.trimmingCharacters(in: .whitespacesAndNewlines)
                    == published
            )
            #expect(
                try CLI.run(["key", "create", "--store", store, "--name", "again"]).status == 1,
                "a key is never replaced silently"
            )
            let keyMode =
                try FileManager.default.attributesOfItem(atPath: store + "/keys/checkpoint.key")[.posixPermissions]
                as? Int
            #expect(keyMode == 0o600)

            let first = try CLI.run(["checkpoint", "--store", store])
            #expect(first.status == 0)
            #expect(first.output.hasPrefix("test.docket/cli\n"))
            let note = directory + "/first.note"
            try first.output.write(toFile: note, atomically: true, encoding: .utf8)
            let extends = try CLI.run(["verify", "--store", store, "--expect", note])
            #expect(extends.status == 0, "\(extends.output)")
            #expect(extends.output.contains("extends     checkpoint of"))
            let forged = directory + "/forged.note"
            try first.output.replacingOccurrences(of: "\n\n", with: "\nextra\n\n").write(
                toFile: forged,
                atomically: true,
                encoding: .utf8
            )
            #expect(try CLI.run(["verify", "--store", store, "--expect", forged]).status == 1)
            let id = CommandWorkload.caseID(3)
            let bundle = directory + "/bundle.json"
            #expect(try CLI.run(["evidence", "export", id, "--store", store, "-o", bundle]).status == 0)
            let keyFile = directory + "/docket.pub"
            try (published + "\n").write(toFile: keyFile, atomically: true, encoding: .utf8)
            let verified = try CLI.run(["evidence", "verify", bundle, "--key", keyFile])
            #expect(verified.status == 0)
            #expect(verified.output.hasPrefix("VERIFIED"))
            // The standalone verifier says the same, from the file alone.
            let standalone = Process()
            standalone.executableURL = URL(
                fileURLWithPath: (CLI.docket as NSString).deletingLastPathComponent + "/docket-evidence-verify"
            )
            standalone.arguments = [bundle, "--key", published]
            standalone.standardOutput = FileHandle.nullDevice
            try standalone.run()
            standalone.waitUntilExit()
            #expect(standalone.terminationStatus == 0)
            // Another key of the same name: not verified, exit 1.
            let otherStore = directory + "/other"
            _ = try CLI.run(["init", "--store", otherStore])
            let other = try CLI.run(["key", "create", "--store", otherStore, "--name", "test.docket/cli"]).output
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let refused = try CLI.run(["evidence", "verify", bundle, "--key", other])
            #expect(refused.status == 1)
            #expect(refused.output.hasPrefix("NOT VERIFIED"))
            #expect(try CLI.run(["evidence", "verify", bundle, "--key", "not-a-key"]).status == 1)

            // More events, a second checkpoint: the log only grew.
            let (more, _) = try CaseCommandLineTests.workload(cases: 40, in: directory, seed: 8)
            _ = try CLI.run(["submit", "--store", store, more])
            let second = try CLI.run(["checkpoint", "--store", store])
            let list = try CLI.run(["checkpoint", "list", "--store", store, "--output", "json"])
            #expect(list.status == 0)
            let sizes = list.output.components(separatedBy: "\"size\":").dropFirst().compactMap {
                Int($0.prefix { $0.isNumber })
            }
            #expect(sizes.count == 2)
            let consistent = try CLI.run(["checkpoint", "verify", String(sizes[0]), String(sizes[1]), "--store", store])
            #expect(consistent.status == 0, "\(consistent.error)")
            #expect(consistent.output.hasPrefix("consistent"))
            #expect(
                try CLI.run(["checkpoint", "verify", String(sizes[1]), String(sizes[0]), "--store", store]).status == 1
            )
            #expect(second.status == 0)
        }
    }
}
