import Certification
import CertificationWire
import Chronology
import DocketJSON
import EventLog

/// Turns command lines into appends, in the order of SPEC §5: the JSON line, the envelope, the
/// command id (a retry, or a reuse), the role, the target's existence, `out-of-order`,
/// `version-conflict`, the data's shapes, then the rules.
///
/// Decisions are pipelined: a command is decided against the state its predecessors produced,
/// before their appends are durable, so consecutive commands share one sync. Not thread-safe:
/// ``DocketStore`` serialises calls.
final class CommandProcessor {
    /// What to do with one command line.
    enum Step {
        /// Answered without appending: refused, or a retry answered from the log.
        case done(CommandOutcome)
        /// Append this, then report `outcome` with the log's placements (and, for an erasure,
        /// complete it once durable: ``ErasureTask``).
        case append(AppendRequest, outcome: CommandOutcome, types: [String], erasure: ErasureTask?)
        /// A retry of a command not yet durable: the log answers it from the same key.
        case retry(AppendRequest, outcome: CommandOutcome, types: [String])
    }

    let core: DecisionCore
    private let log: EventLog
    private let photos: PhotoStore
    private let inflight: InflightCommands
    private let keyring: PersonalKeyring?
    private var keys: (any PersonalDataKeys)? { keyring }

    init(
        core: DecisionCore,
        log: EventLog,
        photos: PhotoStore,
        inflight: InflightCommands,
        keyring: PersonalKeyring?
    ) {
        self.core = core
        self.log = log
        self.photos = photos
        self.inflight = inflight
        self.keyring = keyring
    }

    /// Decides one prepared command.
    func process(_ prepared: PreparedCommand) -> Step {
        let envelope: CommandEnvelope
        switch prepared.envelope {
        case .failure(let failure):
            return .done(
                CommandOutcome(commandID: failure.commandID, stream: failure.stream, rejection: failure.rejection)
            )
        case .success(let e):
            envelope = e
        }
        let outcome = CommandOutcome(commandID: envelope.commandID, stream: envelope.stream)
        func refuse(_ rejection: Rejection) -> Step { .done(outcome.refused(rejection)) }
        if let failure = inflight.failure {
            var failed = outcome
            failed.storeFailure = failure
            return .done(failed)
        }

        // The command id: a retry gets the first result; another command under it is refused.
        var digest: String?
        if let commandID = envelope.commandID {
            guard let d = prepared.digest else {
                return refuse(Rejection(.invalidJSON, "the command could not be read"))
            }
            digest = d
            if let first = inflight.pending(commandID) {
                guard first.digest == d else { return refuse(reused(commandID)) }
                var retried = outcome
                retried.stream = first.stream
                return .retry(first.request, outcome: retried, types: first.types)
            }
            do throws(EventLogError) {
                if let events = try log.events(appendedWithKey: commandID), let head = events.first {
                    guard EventMetadata(bytes: head.metadata).commandDigest == d else {
                        return refuse(reused(commandID))
                    }
                    var answered = outcome
                    answered.stream = head.stream
                    answered.events = events.map { .init(type: $0.type, version: $0.version, position: $0.position) }
                    return .done(answered)
                }
            } catch {
                var failed = outcome
                failed.storeFailure = "cannot read the command id's first result: \(error.message)"
                return .done(failed)
            }
        }

        // The role.
        guard let actor = envelope.actor, actor.role == envelope.name.role else {
            return refuse(
                Rejection(
                    .roleNotAllowed,
                    "\(envelope.name.rawValue) is for the \(envelope.name.role.rawValue) role, not \(envelope.role)",
                    field: "actor.role"
                )
            )
        }

        do throws(DocketStoreError) {
            switch envelope.name.target {
            case .case:
                return try processCase(envelope, prepared, actor: actor, digest: digest, outcome: outcome)
            case .batch:
                return processBatch(envelope, prepared, actor: actor, digest: digest, outcome: outcome)
            }
        } catch {
            inflight.fail(error.message)
            var failed = outcome
            failed.storeFailure = error.message
            return .done(failed)
        }
    }

    private func reused(_ commandID: String) -> Rejection {
        Rejection(
            .commandIDReused,
            "command id \(commandID) was already used by a different command; give this command a new id",
            field: "commandId"
        )
    }

    /// `out-of-order` and `version-conflict`, shared by both kinds of target.
    private func checkTimeAndVersion(
        _ envelope: CommandEnvelope,
        lastAt: Timestamp?,
        version: UInt64
    ) -> Rejection? {
        if let lastAt, envelope.at < lastAt {
            return Rejection(
                .outOfOrder,
                "at \(envelope.at) is earlier than the stream's latest event (\(lastAt)); commands on a stream come in time order",
                field: "at"
            )
        }
        if let expected = envelope.expectedVersion, expected != version {
            return Rejection(
                .versionConflict,
                "\(envelope.stream) is at version \(version), not \(expected); read it again and decide anew",
                field: "expectedVersion"
            )
        }
        return nil
    }

    /// The target's existence (`case-exists`, `case-not-found`, `batch-exists`,
    /// `batch-not-found`), then `out-of-order` and `version-conflict` (SPEC §5).
    private func checkTarget(
        _ envelope: CommandEnvelope,
        exists: Bool,
        lastAt: Timestamp?,
        version: UInt64
    )
        -> Rejection?
    {
        let id = envelope.target
        switch (envelope.name.target, envelope.name.createsTarget, exists) {
        case (.case, true, true):
            return Rejection(
                .caseExists,
                "case \(id) already exists; a new application needs a new case id",
                field: "case"
            )
        case (.case, false, false):
            return Rejection(.caseNotFound, "no case \(id)", field: "case")
        case (.batch, true, true):
            return Rejection(
                .batchExists,
                "batch \(id) is already scheduled; use reschedule-batch to move it",
                field: "batch"
            )
        case (.batch, false, false):
            return Rejection(.batchNotFound, "batch \(id) has not been scheduled", field: "batch")
        default:
            return checkTimeAndVersion(envelope, lastAt: lastAt, version: version)
        }
    }

    private func processCase(
        _ envelope: CommandEnvelope,
        _ prepared: PreparedCommand,
        actor: Actor,
        digest: String?,
        outcome: CommandOutcome
    ) throws(DocketStoreError) -> Step {
        let caseID = envelope.target
        let existing = try core.caseRecord(caseID)
        let record = existing ?? CaseState()
        if let r = checkTarget(envelope, exists: existing != nil, lastAt: record.lastAt, version: record.version) {
            return .done(outcome.refused(r))
        }
        guard case .success(.caseCommand(let command)) = prepared.typed ?? CommandDecoder.decode(envelope) else {
            return .done(outcome.refused(Self.shapeRejection(prepared.typed ?? CommandDecoder.decode(envelope))))
        }
        let decision: CaseDecider.Decision
        switch try core.decide(
            command,
            caseID: caseID,
            record: record,
            at: envelope.at,
            actor: actor,
            photoSHA256: prepared.photoSHA256
        ) {
        case .failure(let r): return .done(outcome.refused(r))
        case .success(let d): decision = d
        }
        if decision.events.isEmpty { return .done(outcome) }  // a retry of a payment: nothing to append
        if keyring == nil, decision.events.contains(where: { if case .personalDataErased = $0 { true } else { false } })
        {
            return .done(
                outcome.refused(
                    Rejection(
                        .notSealed,
                        "this store keeps personal data in clear (made before sealing): nothing can be erased by destroying keys; copy it into a sealed store first (docket privacy migrate)",
                        field: "command"
                    )
                )
            )
        }
        let events = decision.events.map(DomainEvent.caseEvent)
        let request = try appendRequest(envelope, actor: actor, digest: digest, events: events, version: record.version)
        // Checked before anything is recorded: a refused append must leave no trace in the
        // decisions that follow.
        if let refusal = refusal(of: request) { return .done(outcome.refused(refusal)) }
        if let bytes = decision.photoBytes, case .applied(let applied) = decision.events[0] {
            photos.stage(bytes, sha256: applied.photo.sha256)
        }
        let erasure = erasureTask(decision.events, caseID: caseID, record: record)
        let first = core.record(decision.events, caseID: caseID, at: envelope.at, onto: record)
        return appendStep(
            request,
            envelope,
            digest: digest,
            outcome: outcome,
            events: events,
            version: record.version,
            firstPosition: first,
            erasure: erasure
        )
    }

    /// What an erasure among `events` leaves to do once durable: the keys to destroy, and the
    /// photo to delete unless another case of the person keeps it.
    private func erasureTask(_ events: [CaseEvent], caseID: String, record: CaseState) -> ErasureTask? {
        for (i, event) in events.enumerated() {
            guard case .personalDataErased(let erased) = event else { continue }
            // What is decided after the erasure is sealed under new keys, which it does not destroy.
            keyring?.retire(caseID: caseID, groups: erased.groups)
            var photo: String?
            if erased.groups.contains(.details), let application = record.application,
                !application.photo.sha256.isEmpty,
                !core.photoIsShared(application.photo.sha256)
            {
                photo = application.photo.sha256
                photos.markForDeletion(application.photo.sha256)
            }
            return ErasureTask(
                caseID: caseID,
                groups: erased.groups,
                position: core.nextPosition + UInt64(i),
                photoSHA256: photo
            )
        }
        return nil
    }

    private func processBatch(
        _ envelope: CommandEnvelope,
        _ prepared: PreparedCommand,
        actor: Actor,
        digest: String?,
        outcome: CommandOutcome
    ) -> Step {
        let batchID = envelope.target
        let existing = core.batchRecord(batchID)
        let record = existing ?? BatchState()
        if let r = checkTarget(envelope, exists: existing != nil, lastAt: record.lastAt, version: record.version) {
            return .done(outcome.refused(r))
        }
        guard case .success(.batchCommand(let command)) = prepared.typed ?? CommandDecoder.decode(envelope) else {
            return .done(outcome.refused(Self.shapeRejection(prepared.typed ?? CommandDecoder.decode(envelope))))
        }
        let events: [BatchEvent]
        switch core.decide(command, batchID: batchID, record: record, at: envelope.at, actor: actor) {
        case .failure(let r): return .done(outcome.refused(r))
        case .success(let e): events = e
        }
        let domainEvents = events.map(DomainEvent.batchEvent)
        let request: AppendRequest
        do throws(DocketStoreError) {
            request = try appendRequest(
                envelope,
                actor: actor,
                digest: digest,
                events: domainEvents,
                version: record.version
            )
        } catch {
            inflight.fail(error.message)
            var failed = outcome
            failed.storeFailure = error.message
            return .done(failed)
        }
        if let refusal = refusal(of: request) { return .done(outcome.refused(refusal)) }
        let first = core.record(events, batchID: batchID, at: envelope.at)
        return appendStep(
            request,
            envelope,
            digest: digest,
            outcome: outcome,
            events: domainEvents,
            version: record.version,
            firstPosition: first,
            erasure: nil
        )
    }

    /// The rejection of data that did not type as the command's kind.
    private static func shapeRejection(_ typed: Result<CommandDecoder.Typed, Rejection>) -> Rejection {
        if case .failure(let r) = typed { return r }
        return Rejection(.unknownCommand, "the command's data does not fit its target", field: "command")
    }

    /// The append of `events` decided for `envelope`'s stream at `version`, personal data sealed
    /// under the case's keys (``PersonalSeal``).
    private func appendRequest(
        _ envelope: CommandEnvelope,
        actor: Actor,
        digest: String?,
        events: [DomainEvent],
        version: UInt64
    ) throws(DocketStoreError) -> AppendRequest {
        let metadata = EventMetadata(
            actorID: actor.id,
            role: actor.role.rawValue,
            commandID: envelope.commandID,
            commandDigest: digest
        ).bytes
        var proposed: [ProposedEvent] = []
        proposed.reserveCapacity(events.count)
        for (i, event) in events.enumerated() {
            let payload: [UInt8]
            do throws(PersonalSeal.SealingError) {
                payload = try PersonalSeal.storedPayload(
                    of: event,
                    stream: envelope.stream,
                    position: core.nextPosition + UInt64(i),
                    keys: keys
                )
            } catch {
                throw DocketStoreError(.io, error.message)
            }
            proposed.append(
                ProposedEvent(type: event.typeName, occurredAt: envelope.at, metadata: metadata, payload: payload)
            )
        }
        return AppendRequest(
            stream: envelope.stream,
            expectedVersion: .exactly(version),
            events: proposed,
            idempotencyKey: envelope.commandID
        )
    }

    /// Why the log would refuse `request`, as the command's refusal (the field the client can
    /// change), or `nil`.
    private func refusal(of request: AppendRequest) -> Rejection? {
        // (A command id too long for the log is refused with the envelope, before this.)
        guard let problem = log.problem(with: request) else { return nil }
        return Rejection(
            .invalidField,
            "the command's data is too large to record (\(problem.message)); send less",
            field: "data"
        )
    }

    private func appendStep(
        _ request: AppendRequest,
        _ envelope: CommandEnvelope,
        digest: String?,
        outcome: CommandOutcome,
        events: [DomainEvent],
        version: UInt64,
        firstPosition: UInt64,
        erasure: ErasureTask?
    ) -> Step {
        var predicted = outcome
        predicted.events = events.enumerated().map { i, e in
            .init(type: e.typeName, version: version + UInt64(i) + 1, position: firstPosition + UInt64(i))
        }
        let types = events.map(\.typeName)
        if let commandID = envelope.commandID, let digest {
            inflight.add(
                commandID,
                .init(digest: digest, stream: envelope.stream, request: request, types: types),
                lastPosition: firstPosition + UInt64(events.count) - 1
            )
        }
        return .append(request, outcome: predicted, types: types, erasure: erasure)
    }
}
