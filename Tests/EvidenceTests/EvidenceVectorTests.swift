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

/// The test vectors docs/EVIDENCE.md publishes (Tests/EvidenceTests/Vectors): the key made from
/// a fixed seed, a signed checkpoint, one event's leaf, and a whole bundle — each checked here
/// the way an independent verifier would. `DOCKET_WRITE_VECTORS=1 swift test --filter
/// EvidenceVectorTests` writes them anew (the bundle then changes: its events are recorded now).
@Suite struct EvidenceVectorTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors")
    static let name = "docket.example/vectors"
    static let seed: [UInt8] = Array(1...32)

    static func read(_ file: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var chars = Array(hex.utf8)[...]
        while chars.count >= 2 {
            out.append(UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16)!)
            chars = chars.dropFirst(2)
        }
        return out
    }

    /// Writes the vectors from a small store (only with DOCKET_WRITE_VECTORS=1).
    static func write() throws {
        let signer = try NoteSigner(name: name, seed: seed)
        let store = try TemporaryStore()
        var lines = [Line.schedule("2024-04", examStartsAt: "2024-04-20T09:00:00+08:00")]
        lines += Line.happyPath("2024-04-000001", n: 1, number: Line.residentNumber(birth: "19950601", sequence: 103))
        lines.append(Line.publish("2024-04"))
        lines.append(Line.certify("2024-04-000001", number: "S000011000004240001"))
        _ = store.submit(lines)
        let (_, note) = try store.service.makeCheckpoint(signer: signer)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try (signer.verifier.description + "\n").write(
            to: folder.appendingPathComponent("verifier.txt"),
            atomically: true,
            encoding: .utf8
        )
        try note.full.write(to: folder.appendingPathComponent("checkpoint.note"), atomically: true, encoding: .utf8)
        try Data(try store.service.evidence("2024-04-000001", disclosure: .full, purpose: .testing).json)
            .write(to: folder.appendingPathComponent("bundle.json"))
        let (salt, record) = try store.store.log.leaf(at: 2)
        let leaf = MerkleHash.leaf(salt + record)
        try "position 2\nsalt \(hex(salt))\nrecord \(hex(record))\nleaf \(leaf.hex)\n"
            .write(to: folder.appendingPathComponent("leaf.txt"), atomically: true, encoding: .utf8)
    }

    @Test func theKeyFromTheDocumentedSeedIsTheDocumentedKey() throws {
        if ProcessInfo.processInfo.environment["DOCKET_WRITE_VECTORS"] == "1" { try Self.write() }
        let signer = try NoteSigner(name: Self.name, seed: Self.seed)
        #expect(
            signer.verifier.description
                == (try Self.read("verifier.txt")).trimmingCharacters(in: .whitespacesAndNewlines)
        )
    }

    @Test func theDocumentedCheckpointIsSignedByTheDocumentedKey() throws {
        let verifier = try NoteVerifier(try Self.read("verifier.txt"))
        let note = try SignedNote(try Self.read("checkpoint.note"))
        let checkpoint = try Checkpoint.verified(note, by: verifier)
        #expect(checkpoint.origin == Self.name)
        // Ed25519 is deterministic: the same key signs the same text the same way.
        let signer = try NoteSigner(name: Self.name, seed: Self.seed)
        #expect(SignedNote(text: note.text, signer: signer) == note)
    }

    @Test func theDocumentedLeafHashesAsTheDocumentSays() throws {
        var fields: [String: String] = [:]
        for line in try Self.read("leaf.txt").split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            fields[String(parts[0])] = String(parts[1])
        }
        let salt = Self.bytes(hex: try #require(fields["salt"]))
        let record = Self.bytes(hex: try #require(fields["record"]))
        #expect(MerkleHash.leaf(salt + record).hex == fields["leaf"])
        #expect(
            MerkleHash.leaf([0x00] + salt + record).hex != fields["leaf"],
            "the 0x00 prefix is the hash's, not the data's"
        )
        let event = try RecordedEvent(record: record, position: 2)
        #expect(event.stream == "case-2024-04-000001")
        #expect(event.type == "Applied")
    }

    @Test func docsEvidenceMdPublishesExactlyTheseVectors() throws {
        let doc = try String(
            contentsOf: Self.folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("docs/EVIDENCE.md"),
            encoding: .utf8
        )
        for file in ["verifier.txt", "checkpoint.note", "leaf.txt"] {
            #expect(
                doc.contains(try Self.read(file).trimmingCharacters(in: .newlines)),
                "\(file) is in docs/EVIDENCE.md"
            )
        }
    }

    @Test func theDocumentedBundleVerifiesAndAnyChangedByteIsCaught() throws {
        let verifier = try NoteVerifier(try Self.read("verifier.txt"))
        let bytes = Array(try Data(contentsOf: Self.folder.appendingPathComponent("bundle.json")))
        let report = BundleVerifier.verify(bytes, trusting: verifier)
        #expect(report.ok, "\(report.failures)")
        #expect(report.caseView?["status"]?.stringValue == "certified")
        // Changing any one character of a base64 value anywhere in the file is caught.
        var caught = 0
        var tried = 0
        var generator = SystemRandomNumberGenerator()
        let text = Array(bytes)
        let quotes = text.indices.filter { text[$0] == 0x22 }
        // The key the bundle carries is only a hint once a trusted key is given (a changed one
        // is reported, not fatal): its characters are left alone here.
        let keyStart = try #require(String(decoding: text, as: UTF8.self).range(of: "\"verifierKey\": \""))
        let keyOffset = String(decoding: text, as: UTF8.self).utf8.distance(
            from: String(decoding: text, as: UTF8.self).utf8.startIndex,
            to: keyStart.upperBound
        )
        let keyRange = keyOffset..<(keyOffset + 100)
        for _ in 0..<200 {
            let i = Int.random(in: 0..<text.count, using: &generator)
            guard (0x41...0x5A).contains(text[i]) || (0x61...0x7A).contains(text[i]), !keyRange.contains(i) else {
                continue
            }
            // Inside a long value (a base64 field), not a key.
            guard let open = quotes.last(where: { $0 < i }), let close = quotes.first(where: { $0 > i }),
                close - open > 40
            else { continue }
            var changed = text
            changed[i] = text[i] == 0x41 ? 0x42 : 0x41
            tried += 1
            if !BundleVerifier.verify(changed, trusting: verifier).ok { caught += 1 }
        }
        #expect(tried > 20)
        #expect(caught == tried)
    }
}
