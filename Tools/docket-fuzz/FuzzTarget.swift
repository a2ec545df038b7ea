import Certification
import CertificationWire
import Crypto
import DocketJSON
import EventLog
import Evidence
import Foundation

/// The parsers that take bytes from outside, as fuzz targets: each takes any input and must
/// return (refusing it, or reading it) without trapping, hanging or reading out of bounds.
///
/// Built two ways (see `Tools/fuzz`): with `-sanitize=fuzzer -D DOCKET_FUZZING` as a libFuzzer
/// binary (coverage-guided inputs, `DOCKET_FUZZ_TARGET` names the target), and as a plain
/// executable that replays files (a corpus, a crash found earlier) through a target.
enum FuzzTarget: String, CaseIterable {
    /// Any bytes as JSON (the body of every command and query).
    case json
    /// A command line: envelope, then typed data, as `docket submit` and `POST /v1/commands` read it.
    case command
    /// A photo's bytes: the JPEG frame-header walk.
    case jpeg
    /// A line of an import (the interchange format).
    case interchange
    /// A segment file of the log, as opening and verifying a store reads it.
    case segment
    /// An evidence bundle, as `docket evidence verify` reads it from a stranger.
    case bundle
    /// A stored payload with sealed personal data (issue 17), its boxes read by hand: the first
    /// byte picks the event type, the rest is the payload, opened with a fixed key.
    case sealed

    /// Runs one input through the target.
    func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch self {
        case .json:
            _ = try? JSONParser.parse(buffer: bytes)
        case .command:
            if case .success(let envelope) = CommandEnvelope.parse(buffer: bytes) {
                _ = CommandDecoder.decode(envelope)
            }
        case .jpeg:
            _ = JPEGInspector.frame(of: Array(bytes))
        case .interchange:
            _ = InterchangeEvent.parse(line: Array(bytes))
        case .segment:
            Self.readSegment(Array(bytes))
        case .bundle:
            _ = BundleVerifier.verify(Array(bytes))
        case .sealed:
            guard let first = bytes.first else { return }
            let types = ["NoteAdded", "Applied", "DocumentsVerified", "Withdrawn", "ComplaintLodged"]
            let type = types[Int(first) % types.count]
            _ = try? EventCoding.decode(
                type: type,
                payload: Array(bytes.dropFirst()),
                stream: "case-2024-04-000001",
                keys: FixedKeys()
            )
        }
    }

    /// Every case's every key is the same 32 bytes (the fuzzer's boxes rarely authenticate;
    /// what is fuzzed is everything around them).
    struct FixedKeys: PersonalDataKeys {
        static var key: SymmetricKey { SymmetricKey(data: [UInt8](repeating: 7, count: 32)) }
        func key(caseID: String, group: PersonalDataGroups, generation: Int) -> SymmetricKey? { Self.key }
        func sealingKey(caseID: String, group: PersonalDataGroups, position: UInt64) -> (generation: Int, key: SymmetricKey)? {
            (1, Self.key)
        }
    }

    /// A fresh store whose only segment holds `bytes`: opened read-only, read from its first
    /// event to its last, and verified.
    static func readSegment(_ bytes: [UInt8]) {
        let root = NSTemporaryDirectory() + "docket-fuzz-\(getpid())"
        let store = root + "/store"
        let segment = store + "/log/segment-0000000001.dlog"
        if !FileManager.default.fileExists(atPath: store) {
            try? EventLog.create(at: store)
        }
        // Only the segment: no index, so opening rebuilds it from the fuzzed bytes.
        for file in (try? FileManager.default.contentsOfDirectory(atPath: store + "/log")) ?? [] {
            try? FileManager.default.removeItem(atPath: store + "/log/" + file)
        }
        FileManager.default.createFile(atPath: segment, contents: Data(bytes))
        if let log = try? EventLog.open(at: store, readOnly: true) {
            var cursor = log.events(from: 1)
            while let next = try? cursor.next(), next != nil {}
            try? log.close()
        }
        _ = EventLog.verify(at: store)
    }
}
