import DocketJSON
import DocketWorkload
import Foundation
import Testing

/// `docket erase`, `hold`, `retention`, `access` and `privacy` as a privacy officer and an
/// auditor run them, with the exit statuses scripts rely on; `--purpose` on every read.
@Suite struct PrivacyCommandLineTests {
    typealias CLI = DocketCommandLineTests

    /// A store with the workload's cases, and its retention policy: every closed case due at
    /// once (the workload's dates are recent enough that the defaults find few due).
    static func store(_ body: (String) throws -> Void) throws {
        try CLI.withStorePath { (store: String) throws in
            _ = try CLI.run(["init", "--store", store])
            try
                #"{"rules":[{"status":"rejected","afterYears":0},{"status":"withdrawn","afterYears":0},{"status":"failed","afterYears":0},{"status":"certified","afterYears":0,"erase":"details"}]}"#
                .write(toFile: store + "/retention.json", atomically: true, encoding: .utf8)
            let (file, _) = try CaseCommandLineTests.workload(
                cases: 40,
                in: (store as NSString).deletingLastPathComponent
            )
            _ = try CLI.run(["submit", "--store", store, file])
            try body(store)
        }
    }

    /// The first case the plan lists in `state` (`due`, `waiting`).
    static func planned(_ store: String, _ state: String) throws -> String? {
        let plan = try JSONParser.parse(
            Array(try CLI.run(["retention", "plan", "--store", store, "--json"]).output.utf8)
        )
        return plan["cases"]?.arrayValue?.first { $0["state"]?.stringValue == state }?["case"]?.stringValue
    }

    @Test func aReadWithoutAPurposeIsRefusedAndEveryReadIsListedWithIts() throws {
        try Self.store { store in
            let id = CommandWorkload.caseID(0)
            let refused = try CLI.run(["case", id, "--store", store], environment: ["DOCKET_PURPOSE": ""])
            #expect(refused.status == 1)
            #expect(refused.error.contains("--purpose"))
            #expect(try CLI.run(["case", id, "--store", store, "--purpose", "complaint C-5"]).status == 0)
            #expect(try CLI.run(["timeline", id, "--store", store, "--purpose", "complaint C-5"]).status == 0)
            #expect(try CLI.run(["export", "--store", store, "--purpose", "backup"]).status == 0)
            let listed = try CLI.run(["access", id, "--store", store, "--output", "jsonl"])
            let records = listed.output.split(separator: "\n").compactMap { try? JSONParser.parse(Array($0.utf8)) }
            #expect(records.map { $0["action"]?.stringValue ?? "" } == ["case-view", "timeline", "export"])
            #expect(records.map { $0["purpose"]?.stringValue ?? "" } == ["complaint C-5", "complaint C-5", "backup"])
            #expect(records.allSatisfy { $0["channel"]?.stringValue == "cli" })
            #expect(try CLI.run(["access", "--verify", "--store", store]).status == 0)
            // A record changed after the fact breaks the chain, and verify says where.
            let file = store + "/access/access.jsonl"
            var text = try String(contentsOfFile: file, encoding: .utf8)
            text = text.replacingOccurrences(of: "complaint C-5", with: "complaint C-6")
            try text.write(toFile: file, atomically: false, encoding: .utf8)
            let broken = try CLI.run(["access", "--verify", "--store", store])
            #expect(broken.status == 1 && broken.error.contains("line 2"))
        }
    }

    @Test func eraseRefusesAnOpenCaseThenErasesAClosedOneForGood() throws {
        try Self.store { store in
            let open = CommandWorkload.caseID(0)
            let status = try JSONParser.parse(
                Array(try CLI.run(["case", open, "--store", store, "--json", "--purpose", "t"]).output.utf8)
            )["status"]?.stringValue
            let due = try #require(try Self.planned(store, "due"))
            if status.map({ !["rejected", "withdrawn", "certified", "failed"].contains($0) }) == true {
                let refused = try CLI.run(["erase", open, "--store", store, "--reason", "r", "--basis", "b"])
                #expect(refused.status == 1 && refused.error.contains("case-not-closed"))
            }
            #expect(
                try CLI.run(["hold", "add", due, "--store", store, "--hold-id", "H-1", "--reason", "audit"]).status == 0
            )
            let held = try CLI.run(["erase", due, "--store", store, "--reason", "request", "--basis", "PIPL art. 47"])
            #expect(held.status == 1 && held.error.contains("erasure-held") && held.error.contains("H-1"))
            #expect(
                try CLI.run(["hold", "release", due, "--store", store, "--hold-id", "H-1", "--reason", "done"]).status
                    == 0
            )
            let erased = try CLI.run([
                "erase", due, "--store", store, "--reason", "request", "--basis", "PIPL art. 47", "--json",
            ])
            #expect(erased.status == 0)
            #expect((try JSONParser.parse(Array(erased.output.utf8)))["ok"] == .bool(true))
            let view = try JSONParser.parse(
                Array(try CLI.run(["case", due, "--store", store, "--json", "--purpose", "t"]).output.utf8)
            )
            #expect(view["candidate"]?["name"] == .null)
            #expect(try CLI.run(["verify", "--store", store]).status == 0)
            let again = try CLI.run(["erase", due, "--store", store, "--reason", "request", "--basis", "PIPL"])
            #expect(again.status == 1 && again.error.contains("already-erased"))
            let status2 = try CLI.run(["privacy", "status", "--store", store])
            #expect(status2.status == 0 && status2.output.contains("2 destroyed"))
        }
    }

    @Test func retentionApplyErasesWhatIsDueOnceAndThenFindsNothing() throws {
        try Self.store { store in
            let plan = try JSONParser.parse(
                Array(try CLI.run(["retention", "plan", "--store", store, "--json"]).output.utf8)
            )
            let due = plan["due"]?.intValue ?? 0
            #expect(due > 0)
            let applied = try CLI.run(["retention", "apply", "--store", store, "--actor", "dpo-test"])
            #expect(applied.status == 0 && applied.output.contains("erased \(due) case"))
            let after = try JSONParser.parse(
                Array(try CLI.run(["retention", "plan", "--store", store, "--json"]).output.utf8)
            )
            #expect(after["due"] == .int(0) && after["done"] == .int(due))
            let rerun = try CLI.run(["retention", "apply", "--store", store])
            #expect(rerun.status == 0 && rerun.output.contains("erased 0 cases"))
            let badPolicy = (store as NSString).deletingLastPathComponent + "/policy.json"
            try #"{"rules":[{"status":"applied","afterYears":1}]}"#.write(
                toFile: badPolicy,
                atomically: true,
                encoding: .utf8
            )
            let refused = try CLI.run(["retention", "plan", "--store", store, "--policy", badPolicy])
            #expect(refused.status == 1 && refused.error.contains("rules[0].status"))
        }
    }
}
