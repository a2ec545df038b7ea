import Certification
import CertificationWire
import Chronology
import DocketJSON
import DocketTestSupport
import EventLog
import Foundation
import Testing

@testable import DocketStore

/// Issue 17 on the write side: personal data sealed per case, the rules of erasure and legal
/// holds on both sides of each edge, and an erasure interrupted at every step.
@Suite struct ErasureTests {
    static let april = Line.schedule("2024-04", examStartsAt: "2024-04-20T09:00:00+08:00")
    static let number = Line.residentNumber(birth: "19900512", sequence: 77)

    /// A withdrawn case (closed, nothing holding it) and an open one.
    static func store() throws -> TemporaryStore {
        let t = try TemporaryStore()
        let outcomes = t.submit([
            april,
            Line.apply("2024-04-000001", number: number, name: "欧阳娜娜"),
            Line.withdraw("2024-04-000001"),
            Line.apply("2024-04-000002", number: Line.residentNumber(birth: "19920101", sequence: 5)),
        ])
        #expect(outcomes.allSatisfy { $0.ok }, "\(outcomes.map(\.code))")
        return t
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func personalFieldsAreSealedInTheLogAndOpenOnlyWithTheCasesKeys() throws {
        let t = try Self.store()
        let recorded = try t.store.log.event(at: 2)
        let stored = Self.text(recorded.payload)
        for secret in ["欧阳娜娜", Self.number, "wx_zhangwei", "A1B2C3D4E5F6", "1990-05-12"] {
            #expect(!stored.contains(secret), "\(secret) in clear in the log")
        }
        #expect(stored.contains("\"sealed\":{\"identity\":{\"key\":1,\"box\":"))
        #expect(stored.contains("\"occupation\":\"blockchain-operator\""), "facts stay in clear")
        let opened = try RecordedDomainEvent(recorded, keys: t.store.personalKeys)
        guard case .caseEvent(.applied(let a)) = opened.event else {
            Issue.record("not Applied")
            return
        }
        #expect(a.candidate.name == "欧阳娜娜" && a.candidate.idDocument.number == Self.number)
        #expect(Self.text(opened.payload).contains(Self.number), "the interchange form is opened")
        // Without keys (an outside verifier), the same record reads as erased, and the other
        // case's keys do not open it either.
        let blind = try RecordedDomainEvent(recorded, keys: nil)
        guard case .caseEvent(.applied(let b)) = blind.event else {
            Issue.record("not Applied")
            return
        }
        #expect(b.candidate.isIdentityErased && b.candidate.contact.address.isEmpty && b.photo.sha256.isEmpty)
        #expect(b.batch == "2024-04" && b.level == 4)
        // A box moved into another case's stream does not authenticate.
        var moved = recorded
        moved.stream = "case-2024-04-000002"
        #expect(throws: EventLogError.self) { _ = try RecordedDomainEvent(moved, keys: t.store.personalKeys) }
    }

    @Test func theKeyringIsOwnerOnlyAndSurvivesAReopen() throws {
        let t = try Self.store()
        var info = stat()
        #expect(stat(PersonalKeyring.path(storeRoot: t.path), &info) == 0)
        #expect(info.st_mode & 0o077 == 0)
        try t.reopen()
        #expect(try t.view("2024-04-000001").state.application?.candidate.name == "欧阳娜娜")
    }

    @Test func erasureNeedsAPrivacyOfficerAClosedCaseAReasonAndABasis() throws {
        let t = try Self.store()
        #expect(t.submit(Line.erase("2024-04-000001", role: "admin")).code == "role-not-allowed")
        #expect(t.submit(Line.erase("2024-04-000002")).code == "case-not-closed")
        #expect(t.submit(Line.erase("2024-04-000001", scope: "some")).code == "invalid-field")
        let blank = Line.on(
            "2024-04-000001",
            "erase-personal-data",
            "privacy-officer",
            at: "2026-06-01T10:00:00+08:00",
            data: #"{"reason":" ","basis":"PIPL"}"#
        )
        #expect(t.submit(blank).code == "missing-field")
        #expect(t.submit(Line.erase("2024-04-000001")).ok)
        #expect(t.submit(Line.erase("2024-04-000001", at: "2026-06-02T10:00:00+08:00")).code == "already-erased")
    }

    @Test func detailsFirstThenAllAndNewTextAfterwardsCanBeErasedAgain() throws {
        let t = try Self.store()
        #expect(t.submit(Line.erase("2024-04-000001", scope: "details")).ok)
        var state = try t.view("2024-04-000001").state
        #expect(state.erasedGroups == .details)
        #expect(state.application?.candidate.name == "欧阳娜娜", "the identity is kept")
        #expect(state.application?.candidate.contact.address == "")
        #expect(
            t.submit(Line.erase("2024-04-000001", scope: "details", at: "2026-06-02T10:00:00+08:00")).code
                == "already-erased"
        )
        // A complaint lodged afterwards is sealed under a new key, and can be erased again.
        #expect(t.submit(Line.complaint("2024-04-000001", id: "C-9", at: "2026-06-03T10:00:00+08:00")).ok)
        #expect(
            t.submit(
                Line.on(
                    "2024-04-000001",
                    "resolve-complaint",
                    "supervisor",
                    at: "2026-06-04T10:00:00+08:00",
                    data: #"{"complaintId":"C-9","outcome":"dismissed","resolution":"no error"}"#
                )
            ).ok
        )
        state = try t.view("2024-04-000001").state
        #expect(!state.erasedGroups.contains(.details))
        #expect(t.submit(Line.erase("2024-04-000001", scope: "all", at: "2026-06-05T10:00:00+08:00")).ok)
        state = try t.view("2024-04-000001").state
        #expect(state.erasedGroups == .all && state.application?.candidate.isIdentityErased == true)
    }

    @Test func holdsComplaintsAndRefundsDueBlockErasureUntilTheyEnd() throws {
        let t = try Self.store()
        #expect(t.submit(Line.hold("2024-04-000001", "audit-1")).ok)
        #expect(t.submit(Line.hold("2024-04-000001", "audit-1", at: "2026-05-02T10:00:00+08:00")).code == "hold-exists")
        let held = t.submit(Line.erase("2024-04-000001"))
        #expect(held.code == "erasure-held" && held.rejection?.message.contains("audit-1") == true)
        #expect(
            t.submit(Line.hold("2024-04-000001", "audit-2", release: true, at: "2026-05-03T10:00:00+08:00")).code
                == "hold-not-found"
        )
        #expect(t.submit(Line.hold("2024-04-000001", "audit-1", release: true, at: "2026-05-03T10:00:00+08:00")).ok)
        #expect(
            t.submit(Line.hold("2024-04-000001", "audit-1", release: true, at: "2026-05-04T10:00:00+08:00")).code
                == "hold-not-found"
        )
        // An open complaint holds the case; its resolution releases it.
        #expect(t.submit(Line.complaint("2024-04-000001", id: "C-1", at: "2026-05-05T10:00:00+08:00")).ok)
        #expect(t.submit(Line.erase("2024-04-000001")).code == "erasure-held")
        #expect(
            t.submit(
                Line.on(
                    "2024-04-000001",
                    "resolve-complaint",
                    "supervisor",
                    at: "2026-05-06T10:00:00+08:00",
                    data: #"{"complaintId":"C-1","outcome":"upheld","resolution":"answered"}"#
                )
            ).ok
        )
        #expect(t.submit(Line.erase("2024-04-000001")).ok)
    }

    @Test func aRefundStillDueHoldsTheCaseUntilItIsRefunded() throws {
        let t = try TemporaryStore()
        #expect(
            t.submit([
                Self.april, Line.apply("2024-04-000003"), Line.pay("2024-04-000003", ref: "P-3"),
                Line.withdraw("2024-04-000003"),
            ]).allSatisfy { $0.ok }
        )
        #expect(t.submit(Line.erase("2024-04-000003")).code == "erasure-held")
        let refund = Line.on(
            "2024-04-000003",
            "refund",
            "payments",
            at: "2024-03-07T10:00:00+08:00",
            data: #"{"paymentRef":"P-3","amountYuan":160,"reason":"withdrawn"}"#
        )
        #expect(t.submit(refund).ok)
        #expect(t.submit(Line.erase("2024-04-000003")).ok)
    }

    @Test func anErasureDestroysTheKeysAndThePhotoUnlessAnotherCaseKeepsIt() throws {
        let t = try Self.store()
        // Both cases sent the same photo bytes: erasing one keeps the photo for the other.
        let sha = try Self.photo(of: "2024-04-000002", t)
        #expect(t.submit(Line.erase("2024-04-000001")).ok)
        #expect(t.store.keyring?.liveKeys(of: "2024-04-000001").isEmpty == true)
        #expect(t.store.photos.isIntact(sha256: sha), "the other case's photo stays")
        #expect(
            t.submit([
                Line.withdraw("2024-04-000002", at: "2024-03-07T10:00:00+08:00"),
                Line.erase("2024-04-000002", scope: "details"),
            ]).allSatisfy { $0.ok }
        )
        #expect(try t.store.photos.bytes(sha256: sha) == nil, "the last case keeping it is erased: gone")
        #expect(t.store.keyring?.liveKeys(of: "2024-04-000002").map(\.group) == [.identity])
        // After a reopen, the erased data stays erased (nothing cached brings it back).
        try t.reopen()
        #expect(try t.view("2024-04-000001").state.application?.candidate.isIdentityErased == true)
        #expect(try t.view("2024-04-000002").state.application?.candidate.name == "张伟")
    }

    static func photo(of caseID: String, _ t: TemporaryStore) throws -> String {
        guard let sha = try t.view(caseID).state.application?.photo.sha256, !sha.isEmpty else {
            throw CancellationError()
        }
        return sha
    }

    /// The erasure event appended as the store would, without the completion that follows it:
    /// the state a crash leaves between the two.
    static func appendErasureOnly(_ t: TemporaryStore, caseID: String) throws {
        let event = DomainEvent.caseEvent(.personalDataErased(.init(groups: .all, reason: "r", basis: "b")))
        let stream = "case-" + caseID
        let payload = try PersonalSeal.storedPayload(of: event, stream: stream, position: 0, keys: nil)
        let metadata = EventMetadata(
            actorID: "dpo-1",
            role: "privacy-officer",
            commandID: "crash-1",
            commandDigest: nil
        )
        _ = try t.store.log.appendAndWait(
            AppendRequest(
                stream: stream,
                expectedVersion: .exactly(t.store.log.version(of: stream)),
                events: [
                    ProposedEvent(
                        type: "PersonalDataErased",
                        occurredAt: RFC3339Moment.june,
                        metadata: metadata.bytes,
                        payload: payload
                    )
                ],
                idempotencyKey: "crash-1"
            )
        )
    }

    @Test func aCrashAfterTheEventBeforeTheKeysIsCompletedOnOpen() throws {
        let t = try Self.store()
        let sha = try Self.photo(of: "2024-04-000001", t)
        #expect(
            t.submit([Line.withdraw("2024-04-000002", at: "2024-03-07T10:00:00+08:00"), Line.erase("2024-04-000002")])
                .allSatisfy { $0.ok }
        )
        // Step 1: the event is durable, the photo and keys are not yet touched.
        try Self.appendErasureOnly(t, caseID: "2024-04-000001")
        #expect(t.store.keyring?.liveKeys(of: "2024-04-000001").count == 2, "the crash left the keys")
        try t.reopen()
        try t.store.prepareForCommands()
        #expect(t.store.keyring?.liveKeys(of: "2024-04-000001").isEmpty == true, "the open completed the erasure")
        #expect(try t.store.photos.bytes(sha256: sha) == nil)
        #expect(try t.view("2024-04-000001").state.application?.candidate.isIdentityErased == true)
    }

    @Test func aCrashAfterThePhotoBeforeTheKeysIsCompletedOnOpen() throws {
        let t = try Self.store()
        #expect(
            t.submit([Line.withdraw("2024-04-000002", at: "2024-03-07T10:00:00+08:00"), Line.erase("2024-04-000002")])
                .allSatisfy { $0.ok }
        )
        let sha = try Self.photo(of: "2024-04-000001", t)
        // Step 2: the event is durable and the photo deleted; the keys are not yet destroyed.
        try Self.appendErasureOnly(t, caseID: "2024-04-000001")
        try t.store.photos.delete(sha256: sha)
        try t.reopen()
        try t.store.prepareForCommands()
        #expect(t.store.keyring?.liveKeys(of: "2024-04-000001").isEmpty == true)
        #expect(try t.view("2024-04-000001").state.application?.candidate.isIdentityErased == true)
    }

    @Test func aCrashBeforeTheEventLeavesTheKeysAndARetryCompletes() throws {
        let t = try Self.store()
        // Step 0: the command was decided but the crash came before its group was written.
        try t.reopen()
        #expect(t.store.keyring?.liveKeys(of: "2024-04-000001").count == 2)
        #expect(try t.view("2024-04-000001").state.application?.candidate.name == "欧阳娜娜")
        let line = Line.erase("2024-04-000001", id: "erase-1")
        #expect(t.submit(line).ok)
        // The retry of the same command is answered from the log; the keys stay gone.
        #expect(t.submit(line).ok)
        #expect(t.store.keyring?.liveKeys(of: "2024-04-000001").isEmpty == true)
    }

    @Test func aTornKeyringTailIsCutAndATornDestructionCountsAsDestroyed() throws {
        let t = try Self.store()
        try t.store.close()
        let path = PersonalKeyring.path(storeRoot: t.path)
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        let intact = bytes.count
        // A torn append: half a record of a key no event uses.
        bytes += Array(bytes[0..<(intact / 4 - 10)])
        // A torn destruction of the first record: some of its key bytes zeroed, its check not.
        let keyOffset = 15 + "2024-04-000001".utf8.count
        for i in keyOffset..<(keyOffset + 10) { bytes[i] = 0 }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try t.reopen()
        var info = stat()
        #expect(stat(path, &info) == 0 && Int(info.st_size) == intact, "the torn tail is cut")
        let keys = t.store.keyring?.liveKeys(of: "2024-04-000001") ?? []
        #expect(keys.count == 1 && keys.first?.group == .details, "the torn identity key is destroyed")
        #expect(try t.view("2024-04-000001").state.application?.candidate.isIdentityErased == true)
        #expect(try t.view("2024-04-000002").state.application?.candidate.name == "张伟")
    }

    @Test func aNoteDecidedRightAfterAnErasureIsSealedUnderAKeyTheErasureDoesNotDestroy() throws {
        let t = try Self.store()
        let note = Line.on(
            "2024-04-000001",
            "add-note",
            "supervisor",
            at: "2026-06-01T10:00:00+08:00",
            data: #"{"text":"called back after the erasure"}"#
        )
        // One submit: the note is decided before the erasure is durable.
        let outcomes = t.submit([Line.erase("2024-04-000001", scope: "details"), note])
        #expect(outcomes.allSatisfy { $0.ok }, "\(outcomes.map(\.code))")
        let keys = t.store.keyring?.liveKeys(of: "2024-04-000001") ?? []
        #expect(keys.map(\.generation).sorted() == [1, 2], "identity 1 kept, details 1 destroyed, details 2 made")
        try t.reopen()
        try t.store.prepareForCommands()
        let recorded = try t.store.log.event(at: t.store.log.lastPosition)
        guard case .caseEvent(.noteAdded(let n)) = try RecordedDomainEvent(recorded, keys: t.store.personalKeys).event
        else {
            Issue.record("not a note")
            return
        }
        #expect(n.text == "called back after the erasure")
    }

    @Test func anErasureIsRefusedInAStoreThatDoesNotSeal() throws {
        let t = try Self.store()
        try t.store.close()
        // A store made before sealing: no keyring, no marker.
        try FileManager.default.removeItem(atPath: PersonalKeyring.path(storeRoot: t.path))
        try FileManager.default.removeItem(atPath: t.path + "/keys/sealed")
        let legacy = try TemporaryStore()
        try legacy.store.close()
        try FileManager.default.removeItem(atPath: PersonalKeyring.path(storeRoot: legacy.path))
        try FileManager.default.removeItem(atPath: legacy.path + "/keys/sealed")
        try legacy.reopen()
        #expect(
            legacy.submit([Self.april, Line.apply("2024-04-000009"), Line.withdraw("2024-04-000009")]).allSatisfy {
                $0.ok
            }
        )
        let refused = legacy.submit(Line.erase("2024-04-000009"))
        #expect(refused.code == "not-sealed" && refused.rejection?.message.contains("privacy migrate") == true)
    }

    @Test func aSealedStoreWithoutItsKeyringIsNotOpened() throws {
        let t = try Self.store()
        try t.store.close()
        try FileManager.default.removeItem(atPath: PersonalKeyring.path(storeRoot: t.path))
        #expect(throws: DocketStoreError.self) { try t.reopen() }
    }
}

enum RFC3339Moment {
    static let june = RFC3339.parse("2026-06-01T10:00:00+08:00")!
}
