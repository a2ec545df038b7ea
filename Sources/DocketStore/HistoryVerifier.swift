import Certification
import CertificationWire
import Chronology
import EventLog

/// Re-runs every history of the log through the rules: each event is taken as the command that
/// would have produced it, decided against the state before it (with the cross-case index as it
/// stood then), and any refusal is reported. Imported histories that broke a rule are found this
/// way without refusing the store. Events that cannot be decoded are reported too.
public enum HistoryVerifier {
    /// An event its rules would have refused, or could not read.
    public struct Finding: Sendable, CustomStringConvertible {
        public var stream: String
        public var version: UInt64
        public var position: UInt64
        public var type: String
        /// The rule's code (`out-of-order`, `registration-closed`, …) or `undecodable-event`.
        public var code: String
        public var message: String

        public var description: String {
            "\(stream) version \(version) (position \(position), \(type)): \(code): \(message)"
        }
    }

    /// What the photo check found: photos named by applications, checked once each.
    public struct PhotoCheck: Sendable {
        /// Distinct photos named by `Applied` events.
        public var named = 0
        /// Of those, not in the store (imported histories may come without their photos).
        public var missing = 0
    }

    /// Verifies the whole log; `progress` gets positions now and then. With `photos`, every photo
    /// an application names is read and hashed: one whose bytes no longer hash to its name is a
    /// finding (`photo-damaged`), a missing one is counted.
    public static func verify(
        _ log: EventLog,
        photos: PhotoStore? = nil,
        keys: (any PersonalDataKeys)?,
        cacheCapacity: Int = 65_536,
        progress: (UInt64) -> Void = { _ in }
    ) throws(DocketStoreError) -> (events: Int, cases: Int, findings: [Finding], photos: PhotoCheck) {
        // Cases missing from the cache are read back only up to the version verified so far.
        let verified = VersionTable()
        let core = DecisionCore(
            cacheCapacity: cacheCapacity,
            nextPosition: 1,
            keys: keys,
            index: CrossCaseIndex(persons: .ephemeral())
        ) {
            (id: String) throws(DocketStoreError) -> CaseState? in
            let version = verified.version(of: id)
            guard version > 0 else { return nil }
            return try DecisionCore.readCase(id, from: log, keys: keys, upTo: version)
        }
        var findings: [Finding] = []
        var namedPhotos: [String: RecordedEvent] = [:]
        var cursor = log.events(from: 1)
        var count = 0
        while true {
            let next: RecordedEvent?
            do throws(EventLogError) { next = try cursor.next() } catch { throw DocketStoreError.from(error) }
            guard let recorded = next else { break }
            count += 1
            if count % 65_536 == 0 { progress(recorded.position) }
            func finding(_ code: String, _ message: String) {
                findings.append(
                    Finding(
                        stream: recorded.stream,
                        version: recorded.version,
                        position: recorded.position,
                        type: recorded.type,
                        code: code,
                        message: message
                    )
                )
            }
            let event: DomainEvent
            do throws(DocketStoreError) {
                event = try StoredEvent.decode(recorded, keys: keys)
            } catch {
                finding(DocketStoreError.Code.undecodableEvent.rawValue, error.message)
                continue
            }
            if photos != nil, case .caseEvent(.applied(let applied)) = event, !applied.photo.sha256.isEmpty,
                namedPhotos[applied.photo.sha256] == nil
            {
                namedPhotos[applied.photo.sha256] = recorded
            }
            if let rejection = try check(recorded, event, core: core) {
                finding(rejection.code.rawValue, rejection.message)
            }
            try core.observeDurable(recorded)
            if let caseID = StreamName.caseID(of: recorded.stream) { verified.set(caseID, recorded.version) }
        }
        var check = PhotoCheck()
        if let photos {
            for (sha, recorded) in namedPhotos.sorted(by: { $0.value.position < $1.value.position }) {
                check.named += 1
                guard (try? photos.bytes(sha256: sha)) != nil else {
                    check.missing += 1
                    continue
                }
                if !photos.isIntact(sha256: sha) {
                    findings.append(
                        Finding(
                            stream: recorded.stream,
                            version: recorded.version,
                            position: recorded.position,
                            type: recorded.type,
                            code: "photo-damaged",
                            message: "the stored photo \(sha) no longer hashes to its name"
                        )
                    )
                }
            }
        }
        return (count, verified.count, findings, check)
    }

    /// Why the rules would have refused `event`, or `nil`.
    /// - Throws: when a case the rules need cannot be read from the log.
    static func check(
        _ recorded: RecordedEvent,
        _ event: DomainEvent,
        core: DecisionCore
    ) throws(DocketStoreError) -> Rejection? {
        let metadata = EventMetadata(bytes: recorded.metadata)
        switch event {
        case .caseEvent(let e):
            guard let caseID = StreamName.caseID(of: recorded.stream) else {
                return Rejection(.invalidField, "a case event in stream \(recorded.stream)")
            }
            let record = try core.caseRecord(caseID) ?? CaseState()
            var readFailure: DocketStoreError?
            let rejection = RecordedRules.check(
                e,
                actorID: metadata.actorID,
                role: metadata.role,
                at: recorded.occurredAt,
                previousAt: record.lastAt
            ) { command, actor in
                do throws(DocketStoreError) {
                    return try core.decide(
                        command,
                        caseID: caseID,
                        record: record,
                        at: recorded.occurredAt,
                        actor: actor
                    )
                } catch {
                    readFailure = error
                    return .success(CaseDecider.Decision(events: []))
                }
            }
            if let readFailure { throw readFailure }
            return rejection
        case .batchEvent(let e):
            guard let batchID = StreamName.batchID(of: recorded.stream) else {
                return Rejection(.invalidField, "a batch event in stream \(recorded.stream)")
            }
            let record = core.batchRecord(batchID) ?? BatchState()
            return RecordedRules.check(
                e,
                actorID: metadata.actorID,
                role: metadata.role,
                at: recorded.occurredAt,
                previousAt: record.lastAt
            ) { command, actor in
                core.decide(command, batchID: batchID, record: record, at: recorded.occurredAt, actor: actor)
            }
        }
    }
}
