import Certification
import CertificationWire
import Chronology
import DocketJSON
import DocketStore
import EventLog
import Evidence
import MerkleTree

extension DocketService {
    /// The store's checkpoints and signing key (files beside the log).
    public var checkpointStore: CheckpointStore { CheckpointStore(storeRoot: store.root) }

    /// Makes a signed checkpoint of the whole log now: the Merkle tree is brought up to the
    /// log's last event, its root signed with `signer` (C2SP checkpoint, with a `docket-time`
    /// line), stored, and returned. A log that has not grown since the latest checkpoint gets
    /// that one back. The store's writer only.
    /// - Throws: `invalid-parameter` for an empty log; `store-failed`.
    public func makeCheckpoint(signer: NoteSigner) throws(DocketError) -> (size: UInt64, note: SignedNote) {
        let log = store.log
        do throws(EventLogError) {
            // Only what is on disk is signed (a log appended without syncs is synced first).
            try log.flush()
            try log.updateTree()
        } catch {
            throw DocketError.from(error)
        }
        let size = log.treeSize
        guard size > 0 else { throw DocketError(.invalidParameter, "the log is empty: there is nothing to sign yet") }
        let checkpoints = checkpointStore
        let root: MerkleHash
        do throws(EventLogError) { root = try log.treeRoot(size: size) } catch { throw DocketError.from(error) }
        // Never sign a fork: the tree must extend the latest checkpoint signed (the same events
        // under the same root), else the log was cut back, replaced, or its tree rebuilt with
        // another salt key.
        if let latest = try? checkpoints.latest(), let signed = try? Checkpoint(text: latest.note.text) {
            let extends: Bool
            if latest.size <= size, let earlier = try? log.treeRoot(size: latest.size) {
                extends = earlier == signed.root
            } else {
                extends = false
            }
            guard extends else {
                throw DocketError(
                    .storeFailed,
                    "the log no longer extends the latest checkpoint (\(latest.size) events, root \(signed.root.hex)): it was cut back or replaced, or its Merkle tree was rebuilt with another salt key; signing now would sign a fork (check with `docket verify --expect`)"
                )
            }
            if latest.size == size { return latest }
        }
        let now = Timestamp(microseconds: clock().microseconds, utcOffsetSeconds: Timestamp.chinaStandardOffset)
        let checkpoint = Checkpoint(origin: signer.name, size: size, root: root, extensions: ["docket-time \(now)"])
        let note = SignedNote(text: checkpoint.text, signer: signer)
        do throws(EvidenceError) {
            try checkpoints.save(note, size: size)
            try checkpoints.saveVerifier(signer.verifier)
        } catch {
            throw Self.from(error)
        }
        return (size, note)
    }

    /// The stored checkpoints, oldest first, each read back.
    public func checkpoints() throws(DocketError) -> [(size: UInt64, checkpoint: Checkpoint, note: SignedNote)] {
        let checkpoints = checkpointStore
        var out: [(UInt64, Checkpoint, SignedNote)] = []
        do throws(EvidenceError) {
            for size in checkpoints.sizes() {
                let note = try checkpoints.note(size: size)
                out.append((size, try Checkpoint(text: note.text), note))
            }
        } catch {
            throw Self.from(error)
        }
        return out
    }

    /// The proof that the tree of `first` events is a prefix of the tree of `second`, from the
    /// store's tree (callers check it against the signed roots).
    public func consistency(from first: UInt64, to second: UInt64) throws(DocketError) -> [MerkleHash] {
        do throws(EventLogError) {
            return try store.log.consistencyProof(first: first, second: second)
        } catch {
            throw DocketError.from(error)
        }
    }

    /// Case `id`'s evidence bundle against checkpoint `size` (default the latest): its events
    /// and those of its batches recorded by then, each with its leaf data and inclusion proof,
    /// the signed checkpoint and key, and a consistency proof to the latest checkpoint when
    /// an earlier one was asked for. A masked reader's bundle withholds the records that hold
    /// what the mask hides (the application): their leaf hashes (salted: nothing to guess
    /// from) and proofs are given, and the event as that reader may see it.
    /// - Throws: `no-checkpoint`, `case-not-found`, `invalid-parameter` (no event of the case
    ///   by that checkpoint), `store-failed`.
    public func evidence(
        _ id: String,
        checkpointSize: UInt64? = nil,
        disclosure: Disclosure,
        purpose: ReadPurpose
    ) throws(DocketError) -> EvidenceBundle {
        let bundle = try unrecordedEvidence(id, checkpointSize: checkpointSize, disclosure: disclosure)
        try recordAccess("evidence", caseID: id, disclosure: disclosure, purpose: purpose)
        return bundle
    }

    func unrecordedEvidence(
        _ id: String,
        checkpointSize: UInt64?,
        disclosure: Disclosure
    ) throws(DocketError) -> EvidenceBundle {
        let checkpoints = checkpointStore
        let chosen: (size: UInt64, note: SignedNote)
        let latest: (size: UInt64, note: SignedNote)?
        let verifier: NoteVerifier
        do throws(EvidenceError) {
            latest = try checkpoints.latest()
            if let checkpointSize {
                chosen = (checkpointSize, try checkpoints.note(size: checkpointSize))
            } else if let latest {
                chosen = latest
            } else {
                throw EvidenceError(
                    .notFound,
                    "the store has no checkpoint yet: make one with `docket checkpoint` (or let `docket serve` make them)"
                )
            }
            verifier = try checkpoints.verifier(of: chosen.note)
        } catch {
            throw Self.from(error)
        }
        let size = chosen.size
        // The store's tree must still give the signed root, or every proof would fail.
        let current: MerkleHash
        do throws(EventLogError) { current = try store.log.treeRoot(size: size) } catch {
            throw DocketError.from(error)
        }
        guard let signed = try? Checkpoint(text: chosen.note.text), current == signed.root else {
            throw DocketError(
                .storeFailed,
                "the log's Merkle tree no longer gives checkpoint \(size)'s signed root: the log or its tree changed after it was signed (check with `docket verify --expect`)"
            )
        }
        let history = try CaseHistory.load(id, from: store)
        let caseEvents = history.events.filter { $0.position <= size }
        guard !caseEvents.isEmpty else {
            throw DocketError(
                .invalidParameter,
                "case \(id) had no event in the log of \(size) events (checkpoint \(size))",
                field: "checkpoint"
            )
        }
        let batchEvents = history.batchEvents.values.flatMap { $0 }.filter { $0.position <= size }.sorted {
            $0.position < $1.position
        }
        let log = store.log
        func entry(_ e: RecordedDomainEvent) throws(DocketError) -> EvidenceBundle.Entry {
            do throws(EventLogError) {
                let proof = try log.inclusionProof(position: e.position, treeSize: size)
                let leaf = try log.leaf(at: e.position)
                let shown = disclosure.data(of: e.event, stored: e.payload)
                if shown != e.payload {
                    var line: [UInt8] = []
                    e.line(disclosure).write(into: &line)
                    return EvidenceBundle.Entry(
                        position: e.position,
                        leafHash: .leaf(leaf.salt + leaf.record),
                        proof: proof,
                        withheld: "the record holds the candidate's identity, which this reader sees masked",
                        shown: (try? JSONParser.parse(line)) ?? .null
                    )
                }
                return EvidenceBundle.Entry(position: e.position, salt: leaf.salt, record: leaf.record, proof: proof)
            } catch {
                throw DocketError.from(error)
            }
        }
        var later: (checkpoint: String, proof: [MerkleHash])?
        if let latest, latest.size > size {
            later = (latest.note.full, try consistency(from: size, to: latest.size))
        }
        var bundle = EvidenceBundle(
            caseID: id,
            generatedAt: clock().description,
            disclosure: disclosure == .full ? "full" : "masked",
            checkpoint: chosen.note.full,
            verifierKey: verifier.description,
            caseEvents: try caseEvents.map(entry),
            batchEvents: try batchEvents.map(entry),
            later: later
        )
        if disclosure == .full, let keyring = store.keyring {
            bundle.personalDataKeys = keyring.liveKeys(of: id).compactMap { live in
                live.group.names.first.map {
                    EvidenceBundle.PersonalDataKey(group: $0, generation: live.generation, key: live.key)
                }
            }
        }
        return bundle
    }

    static func from(_ error: EvidenceError) -> DocketError {
        switch error.code {
        case .notFound: return DocketError(.noCheckpoint, error.message)
        case .malformed, .badSignature, .badProof: return DocketError(.evidenceInvalid, error.message)
        case .io: return DocketError(.storeFailed, error.message)
        }
    }
}
