import Certification
import CertificationWire
import DocketApplication
import DocketJSON
import DocketStore
import DocketTestSupport
import EventLog
import Evidence
import Foundation
import MerkleTree
import Testing

/// Signed checkpoints and case evidence bundles, end to end: a bundle verified from its bytes
/// alone, every kind of tampering caught and named, a masked bundle that never holds the
/// identity number, the log's growth proven between checkpoints, a fork and a forged middle
/// event caught by a checkpoint signed before them.
@Suite struct EvidenceTests {
    static let name = "docket.test/evidence"
    static let number = Line.residentNumber(birth: "19950601", sequence: 103)

    /// A store with two candidates through batch 2024-04, a signed checkpoint, and the signer.
    static func store() throws -> (TemporaryStore, NoteSigner) {
        let store = try TemporaryStore()
        var lines = [Line.schedule("2024-04", examStartsAt: "2024-04-20T09:00:00+08:00")]
        lines += Line.happyPath("2024-04-000001", n: 1, number: number)
        lines += Line.happyPath("2024-04-000002", n: 2, number: Line.residentNumber(birth: "19900101", sequence: 7))
        lines.append(Line.publish("2024-04"))
        for outcome in store.submit(lines) { #expect(outcome.ok, "\(outcome.code ?? "")") }
        return (store, try NoteSigner(name: name))
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func aSignedNoteVerifiesWithItsKeyOnlyAndItsTextForms() throws {
        let signer = try NoteSigner(name: "example.com/log")
        let note = SignedNote(text: "example.com/log\n3\n" + MerkleHash.empty.base64 + "\n", signer: signer)
        let parsed = try SignedNote(note.full)
        #expect(parsed == note)
        #expect(parsed.isSigned(by: signer.verifier))
        #expect(!parsed.isSigned(by: try NoteSigner(name: "example.com/log").verifier), "another key of the same name")
        #expect(try NoteVerifier(signer.verifier.description) == signer.verifier)
        #expect(try NoteSigner(signer.text).verifier == signer.verifier)
        var bent = parsed
        bent.text = bent.text.replacingOccurrences(of: "\n3\n", with: "\n4\n")
        #expect(!bent.isSigned(by: signer.verifier))
        #expect(throws: EvidenceError.self) { try SignedNote("no signature\n") }
        #expect(throws: EvidenceError.self) { try SignedNote(String(note.full.dropLast())) }
        #expect(throws: EvidenceError.self) { try SignedNote(note.full.replacingOccurrences(of: " ", with: "  ")) }
        #expect(throws: EvidenceError.self) { try SignedNote(note.full + "\n") }
        #expect(throws: EvidenceError.self) { try NoteSigner(name: "two\u{3000}words") }
        #expect(throws: EvidenceError.self) { try NoteVerifier("name+00000000+AAAA") }
    }

    @Test func aBundleVerifiesOfflineFromTheFileAloneAndFoldsToTheCasesState() throws {
        let (store, signer) = try Self.store()
        let service = store.service
        let (size, _) = try service.makeCheckpoint(signer: signer)
        #expect(size == store.store.log.lastPosition)
        let bundle = try service.evidence("2024-04-000001", disclosure: .full, purpose: .testing).json
        let expected = try service.foldedCase("2024-04-000001").status.rawValue
        // Only the file travels: the store is gone when it is verified.
        let file = NSTemporaryDirectory() + "bundle-\(UUID().uuidString).json"
        try Data(bundle).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        try store.store.close()
        try FileManager.default.removeItem(atPath: store.path)
        let report = BundleVerifier.verify(
            Array(try Data(contentsOf: URL(fileURLWithPath: file))),
            trusting: signer.verifier
        )
        #expect(report.ok, "\(report.failures)")
        #expect(report.caseView?["status"]?.stringValue == expected)
        #expect(report.proven.contains { $0.contains("versions 1 to 6 with no gap") })
        #expect(report.proven.contains { $0.contains("batch 2024-04") })
        #expect(report.notProven.contains { $0.contains("no event after version 6") })
        let applied = try #require(try EvidenceBundle(json: bundle).caseEvents.first?.record)
        #expect(!Self.text(applied).contains(Self.number), "records hold personal data sealed, never in clear")
        #expect(try EvidenceBundle(json: bundle).personalDataKeys.count == 2, "a full bundle carries the case's keys")
        #expect(report.proven.contains { $0.contains("opened here with the case's keys") })
        #expect(report.caseView?["candidate"]?["idDocument"]?["number"]?.stringValue == Self.number)
        // Without a trusted key, the bundle's own is used, and the report says so.
        let untrusted = BundleVerifier.verify(bundle)
        #expect(untrusted.ok)
        #expect(untrusted.notProven.contains { $0.hasPrefix("who signed") })
    }

    @Test func tamperingWithAnyPartOfABundleIsDetectedAndNamed() throws {
        let (store, signer) = try Self.store()
        _ = try store.service.makeCheckpoint(signer: signer)
        let bundle = try store.service.evidence("2024-04-000001", disclosure: .full, purpose: .testing)
        func failures(_ change: (inout EvidenceBundle) -> Void) -> [String] {
            var copy = bundle
            change(&copy)
            return BundleVerifier.verify(copy.json, trusting: signer.verifier).failures
        }
        func flip(_ bytes: [UInt8], at i: Int) -> [UInt8] {
            var b = bytes
            b[i % b.count] ^= 0x04
            return b
        }
        #expect(failures { _ in }.isEmpty)
        // Every byte of one record, in turn (a score, a time, the stream, the type …).
        let record = try #require(bundle.caseEvents[4].record)
        for i in 0..<record.count {
            let found = failures { $0.caseEvents[4].record = flip(record, at: i) }
            #expect(found.contains { $0.contains("caseEvents[4]") && $0.contains("does not verify") }, "byte \(i)")
        }
        #expect(
            failures { $0.caseEvents[2].salt = flip($0.caseEvents[2].salt!, at: 3) }.contains {
                $0.contains("caseEvents[2]")
            }
        )
        #expect(
            failures { $0.caseEvents[1].proof[0] = MerkleHash(bytes: flip($0.caseEvents[1].proof[0].bytes, at: 9))! }
                .contains {
                    $0.contains("caseEvents[1]")
                }
        )
        #expect(
            failures { $0.batchEvents[0].record = flip($0.batchEvents[0].record!, at: 20) }.contains {
                $0.contains("batchEvents[0]")
            }
        )
        #expect(
            failures { $0.caseEvents.remove(at: 3) }.contains { $0.contains("not its whole stream") },
            "a dropped event"
        )
        #expect(failures { $0.caseEvents.swapAt(0, 1) }.isEmpty, "order in the file does not matter; positions do")
        #expect(
            failures {
                $0.checkpoint = $0.checkpoint.replacingOccurrences(
                    of: "\n\(store.store.log.lastPosition)\n",
                    with: "\n1\n"
                )
            }.contains {
                $0.hasPrefix("checkpoint:") && $0.contains("signature does not verify")
            }
        )
        #expect(
            failures { $0.checkpoint = String($0.checkpoint.dropLast(6)) + "AAAA=\n" }.contains {
                $0.hasPrefix("checkpoint:")
            }
        )
        let other = try NoteSigner(name: Self.name)
        #expect(
            BundleVerifier.verify(bundle.json, trusting: other.verifier).failures.contains {
                $0.contains("signature does not verify")
            },
            "a checkpoint signed by another key than the trusted one"
        )
        // Another case's events in this case's bundle.
        let neighbour = try store.service.evidence("2024-04-000002", disclosure: .full, purpose: .testing)
        #expect(
            failures { $0.caseEvents[5] = neighbour.caseEvents[5] }.contains { $0.contains("not case 2024-04-000001") }
        )
        // A dropped or repeated batch event (a reschedule would void a ticket), a batch left out.
        #expect(
            failures { $0.batchEvents.removeFirst() }.contains {
                $0.contains("batch 2024-04's events are not its whole stream")
            }
        )
        #expect(failures { $0.batchEvents.append($0.batchEvents[0]) }.contains { $0.contains("not its whole stream") })
        #expect(
            failures { $0.batchEvents.removeAll() }.contains {
                $0.contains("batch 2024-04, which the case names, has no events")
            }
        )
        // A full bundle may withhold nothing.
        let masked = try store.service.evidence("2024-04-000001", disclosure: .masked, purpose: .testing)
        #expect(
            failures { $0.caseEvents[0] = masked.caseEvents[0] }.contains { $0.contains("only a masked bundle may do") }
        )
        // Bytes that are not a bundle.
        #expect(!BundleVerifier.verify(Array("{}".utf8)).ok)
        #expect(!BundleVerifier.verify(Array(bundle.json.prefix(100))).ok)
    }

    @Test func aMaskedBundleWithholdsTheIdentityNumberYetProvesWhereItsRecordIs() throws {
        let (store, signer) = try Self.store()
        _ = try store.service.makeCheckpoint(signer: signer)
        let bundle = try store.service.evidence("2024-04-000001", disclosure: .masked, purpose: .testing)
        let text = Self.text(bundle.json)
        #expect(!text.contains(Self.number))
        #expect(!text.contains(String(Self.number.dropFirst(6).prefix(8))), "not even the birth date digits")
        #expect(bundle.caseEvents[0].record == nil && bundle.caseEvents[0].salt == nil)
        #expect(bundle.caseEvents[1].record != nil)
        let report = BundleVerifier.verify(bundle.json, trusting: signer.verifier)
        #expect(report.ok, "\(report.failures)")
        #expect(report.notProven.contains { $0.contains("withheld") && $0.contains("Applied") })
        #expect(report.caseView?["candidate"]?["idDocument"]?["number"]?.stringValue?.contains("********") == true)
        #expect(
            !report.proven.contains { $0.contains("give the case status") },
            "a fold over a shown event is not proven"
        )
        // What is shown for a withheld record may not be passed off as another event.
        var relabelled = bundle
        if case .object(var shown)? = relabelled.caseEvents[0].shown {
            shown.set("type", .string("Withdrawn"))
            relabelled.caseEvents[0].shown = .object(shown)
        }
        #expect(!BundleVerifier.verify(relabelled.json, trusting: signer.verifier).ok)
        var withheldBatch = bundle
        withheldBatch.batchEvents[0] = EvidenceBundle.Entry(
            position: bundle.batchEvents[0].position,
            leafHash: bundle.batchEvents[0].leaf!,
            proof: bundle.batchEvents[0].proof,
            withheld: "x",
            shown: bundle.caseEvents[0].shown!
        )
        #expect(
            BundleVerifier.verify(withheldBatch.json, trusting: signer.verifier).failures.contains {
                $0.contains("batchEvents[0]")
            }
        )
    }

    @Test func aLaterCheckpointProvesTheLogOnlyGrewAndAForkIsCaught() throws {
        let (store, signer) = try Self.store()
        let service = store.service
        let first = try service.makeCheckpoint(signer: signer)
        for outcome in store.submit(
            Line.happyPath("2024-04-000003", n: 3, number: Line.residentNumber(birth: "19880202", sequence: 5))
        ) {
            #expect(outcome.ok)
        }
        let second = try service.makeCheckpoint(signer: signer)
        #expect(second.size > first.size)
        let bundle = try service.evidence(
            "2024-04-000001",
            checkpointSize: first.size,
            disclosure: .full,
            purpose: .testing
        )
        let report = BundleVerifier.verify(bundle.json, trusting: signer.verifier)
        #expect(report.ok, "\(report.failures)")
        #expect(report.proven.contains { $0.contains("only grew from \(first.size) to \(second.size)") })

        // A fork: another history signed with the same key. Its later tree is no extension of
        // the first checkpoint's, and no proof it can give says otherwise.
        let (fork, _) = try Self.store()
        for outcome in fork.submit([Line.withdraw("2024-04-000003")]) { _ = outcome }
        for outcome in fork.submit(
            Line.happyPath("2024-04-000009", n: 9, number: Line.residentNumber(birth: "19770303", sequence: 9))
        ) {
            #expect(outcome.ok)
        }
        let forked = try fork.service.makeCheckpoint(signer: signer)
        let firstRoot = try Checkpoint(text: first.note.text).root
        let forkedRoot = try Checkpoint(text: forked.note.text).root
        let proof = try fork.service.consistency(from: first.size, to: forked.size)
        #expect(
            !Merkle.verifyConsistency(
                first: first.size,
                second: forked.size,
                firstRoot: firstRoot,
                secondRoot: forkedRoot,
                proof: proof
            )
        )
        var spliced = bundle
        spliced.later = (forked.note.full, proof)
        #expect(
            BundleVerifier.verify(spliced.json, trusting: signer.verifier).failures.contains {
                $0.contains("not an extension")
            }
        )
    }

    @Test func aForgedMiddleEventIsCaughtByACheckpointSignedBeforeTheForgery() throws {
        let (honest, signer) = try Self.store()
        let checkpoint = try honest.service.makeCheckpoint(signer: signer)
        // The forger rewrites the skill score of case 1 (60 → 99) and re-records every event
        // with the same times: checksums and hash chain recomputed, nothing else changed.
        var exported: [UInt8] = []
        _ = try Exporter.export(honest.store.log, keys: honest.store.personalKeys, write: { exported += $0 })
        let rewritten = Self.text(exported).replacingOccurrences(
            of: "\"subject\":\"skill\",\"score\":60",
            with: "\"subject\":\"skill\",\"score\":99"
        )
        #expect(rewritten != Self.text(exported))
        let forged = try TemporaryStore()
        let file = forged.path + "-import.jsonl"
        try rewritten.write(toFile: file, atomically: true, encoding: .utf8)
        var reader = try LineReader.file(file)
        _ = try Importer.append(&reader, to: forged.store)
        reader.close()
        try forged.store.close()
        // …and brings along the honest store's tree, key and checkpoints.
        for folder in ["merkle", "checkpoints"] {
            try? FileManager.default.removeItem(atPath: forged.path + "/" + folder)
            try FileManager.default.copyItem(atPath: honest.path + "/" + folder, toPath: forged.path + "/" + folder)
        }
        try forged.reopen()
        // The store refuses to export against a checkpoint its tree no longer matches…
        #expect(throws: DocketError.self) {
            _ = try forged.service.evidence(
                "2024-04-000001",
                checkpointSize: checkpoint.size,
                disclosure: .full,
                purpose: .testing
            )
        }
        // …and a bundle the forger assembles by hand (the honest proofs, the forged records)
        // fails offline.
        func assembled(from log: EventLog) throws -> EvidenceBundle {
            var bundle = try honest.service.evidence(
                "2024-04-000001",
                checkpointSize: checkpoint.size,
                disclosure: .full,
                purpose: .testing
            )
            for i in bundle.caseEvents.indices {
                let position = bundle.caseEvents[i].position
                bundle.caseEvents[i].record = try log.leaf(at: position).record
                bundle.caseEvents[i].proof =
                    (try? log.inclusionProof(position: position, treeSize: checkpoint.size))
                    ?? bundle.caseEvents[i].proof
            }
            return bundle
        }
        let kept = BundleVerifier.verify(try assembled(from: forged.store.log).json, trusting: signer.verifier)
        #expect(!kept.ok, "the forged score with the honest tree")
        #expect(kept.failures.contains { $0.contains("does not verify against the checkpoint") })
        // Rebuilding the tree from the forged log gives another root: still caught.
        try forged.store.close()
        for name in ["tree.dlmt", "size"] {
            try FileManager.default.removeItem(atPath: forged.path + "/merkle/" + name)
        }
        try forged.reopen()
        let rebuilt = BundleVerifier.verify(try assembled(from: forged.store.log).json, trusting: signer.verifier)
        #expect(!rebuilt.ok, "the forged score with a tree rebuilt from it")
        #expect(
            try forged.store.log.treeRoot(size: checkpoint.size) != (try Checkpoint(text: checkpoint.note.text).root)
        )
        // And the forged store will not sign on top of the checkpoint it no longer extends.
        #expect(throws: DocketError.self) { _ = try forged.service.makeCheckpoint(signer: signer) }
    }
}
