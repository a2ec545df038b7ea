import ArgumentParser
import CertificationWire
import DocketApplication
import DocketStore
import EventLog
import Evidence
import Foundation
import MerkleTree

/// `docket-bench evidence`: the Merkle tree and evidence bundles on a store made by
/// `docket-bench submit --directory DIR`: the tree built from scratch over the whole log, a
/// signed checkpoint, inclusion and consistency proofs, and bundles of random cases exported
/// and verified offline (size and time).
struct EvidenceBenchmark: ParsableCommand {
    /// Every read of personal data names a purpose (recorded in the store's access log).
    static let purpose = try! ReadPurpose("benchmark", actorID: "docket-bench", role: "operator", channel: "cli")

    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Evidence: tree build, proofs per event, case bundle size, export and verification time.",
        discussion: """
            Works on a copy of the store's tree only (merkle/ is removed first so the whole tree is built); the log is not changed.

            Example:
              docket-bench submit --cases 100000 --directory /tmp/b && docket-bench evidence --directory /tmp/b
            """
    )

    @Option(help: "A directory holding `store` from `docket-bench submit`.")
    var directory: String

    @Option(help: "Random cases to export and verify.")
    var cases = 200

    @Option(help: "Random positions to prove.")
    var proofs = 20_000

    func run() throws {
        let path = directory + "/store"
        try? FileManager.default.removeItem(atPath: path + "/merkle")
        try? FileManager.default.removeItem(atPath: path + "/checkpoints")
        try? FileManager.default.removeItem(atPath: path + "/keys")
        Bench.progress("building the Merkle tree over the whole log …")
        var service: DocketService!
        let buildSeconds = try Bench.seconds { service = try DocketService.open(at: path, readOnly: false) }
        defer { try? service.close() }
        let log = service.store.log
        let size = log.treeSize
        let signer = try NoteSigner(name: "bench.docket/evidence")
        var checkpointSeconds = 0.0
        checkpointSeconds = try Bench.seconds { _ = try service.makeCheckpoint(signer: signer) }

        Bench.progress("\(proofs) inclusion proofs …")
        var generator = SystemRandomNumberGenerator()
        var proofTimes: [Double] = []
        var proofLengths = 0
        for _ in 0..<proofs {
            let position = UInt64.random(in: 1...size, using: &generator)
            let start = ContinuousClock.now
            let proof = try log.inclusionProof(position: position, treeSize: size)
            proofTimes.append((ContinuousClock.now - start).seconds)
            proofLengths += proof.count
        }
        var consistencyTimes: [Double] = []
        for _ in 0..<1_000 {
            let first = UInt64.random(in: 1...size, using: &generator)
            let start = ContinuousClock.now
            _ = try log.consistencyProof(first: first, second: size)
            consistencyTimes.append((ContinuousClock.now - start).seconds)
        }

        Bench.progress("\(cases) case bundles …")
        var ids: [String] = []
        var cursor = log.events(from: 1)
        while ids.count < cases * 20, let event = try cursor.next() {
            if event.version == 1, let id = StreamName.caseID(of: event.stream) { ids.append(id) }
        }
        ids.shuffle()
        var exportTimes: [Double] = []
        var verifyTimes: [Double] = []
        var sizes: [Double] = []
        var events: [Double] = []
        var failures = 0
        for id in ids.prefix(cases) {
            var bytes: [UInt8] = []
            var bundle: EvidenceBundle!
            exportTimes.append(
                try Bench.seconds {
                    bundle = try service.evidence(id, disclosure: .full, purpose: Self.purpose)
                    bytes = bundle.json
                }
            )
            sizes.append(Double(bytes.count))
            events.append(Double(bundle.caseEvents.count + bundle.batchEvents.count))
            var ok = false
            verifyTimes.append(Bench.seconds { ok = BundleVerifier.verify(bytes, trusting: signer.verifier).ok })
            if !ok { failures += 1 }
        }
        Bench.printJSON([
            ("benchmark", "evidence"),
            ("events", size),
            ("treeBuildSeconds", buildSeconds),
            ("treeBuildEventsPerSec", Double(size) / buildSeconds),
            ("treeBytesPerEvent", Double(Bench.directorySize(path + "/merkle")) / Double(size)),
            ("checkpointMillis", checkpointSeconds * 1000),
            ("inclusionProofP50Micros", Bench.percentile(proofTimes, 0.5) * 1e6),
            ("inclusionProofP99Micros", Bench.percentile(proofTimes, 0.99) * 1e6),
            ("inclusionProofHashes", Double(proofLengths) / Double(max(1, proofs))),
            ("consistencyProofP50Micros", Bench.percentile(consistencyTimes, 0.5) * 1e6),
            ("consistencyProofP99Micros", Bench.percentile(consistencyTimes, 0.99) * 1e6),
            ("bundles", exportTimes.count),
            ("bundleEventsMean", events.reduce(0, +) / Double(max(1, events.count))),
            ("bundleBytesP50", Bench.percentile(sizes, 0.5)),
            ("bundleBytesMax", sizes.max() ?? 0),
            ("bundleExportP50Millis", Bench.percentile(exportTimes, 0.5) * 1000),
            ("bundleExportP99Millis", Bench.percentile(exportTimes, 0.99) * 1000),
            ("bundleVerifyP50Millis", Bench.percentile(verifyTimes, 0.5) * 1000),
            ("bundleVerifyP99Millis", Bench.percentile(verifyTimes, 0.99) * 1000),
            ("bundlesFailingVerification", failures),
        ])
    }
}
