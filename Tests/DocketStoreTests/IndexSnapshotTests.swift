import Certification
import CertificationWire
import DocketTestSupport
import EventLog
import Foundation
import Testing

@testable import DocketStore

/// The write side's cross-case index saved at close and read back on opening, with the log
/// after it: the same index a scan of the whole log builds, used only when it is whole, made
/// under this store's key and of this log, and never holding a document number or an erased
/// person.
@Suite struct IndexSnapshotTests {
    static let april = Line.schedule("2024-04", examStartsAt: "2024-04-20T09:00:00+08:00")
    static let first = Line.residentNumber(birth: "19900512", sequence: 77)
    static let second = Line.residentNumber(birth: "19920101", sequence: 5)
    static let third = Line.residentNumber(birth: "19930303", sequence: 9)

    static var snapshotEveryClose: DocketStore.Options {
        var options = DocketStore.Options()
        options.indexSnapshotEvents = 1
        return options
    }

    /// Three people: one case paid, ticketed, scored and complained about, one withdrawn, one
    /// just applied.
    static func store() throws -> TemporaryStore {
        let t = try TemporaryStore(options: snapshotEveryClose)
        let outcomes = t.submit(
            [april]
                + Line.happyPath("2024-04-000001", n: 1, number: first)
                + [
                    Line.complaint("2024-04-000001", id: "CP-1"),
                    Line.apply("2024-04-000002", number: second),
                    Line.withdraw("2024-04-000002"),
                    Line.apply("2024-04-000003", number: third),
                ]
        )
        #expect(outcomes.allSatisfy { $0.ok }, "\(outcomes.map(\.code))")
        return t
    }

    static func persons(_ t: TemporaryStore) throws -> PersonTokenizer {
        try #require(try PersonTokenizer.load(storeRoot: t.path, create: false))
    }

    static func snapshot(_ t: TemporaryStore) throws -> CrossCaseIndexSnapshot {
        let bytes = try Posix.readFile(CrossCaseIndexSnapshot.path(storeRoot: t.path))
        return try CrossCaseIndexSnapshot.decode(bytes, persons: try persons(t)).get()
    }

    /// The core as opened from the snapshot on disk (or `reason` why not), and as a whole scan.
    static func opened(_ t: TemporaryStore) throws -> (snapshot: DecisionCore, reason: String?, scan: DecisionCore) {
        let persons = try persons(t)
        let bytes = try Posix.readFile(CrossCaseIndexSnapshot.path(storeRoot: t.path))
        let snapshot = try? CrossCaseIndexSnapshot.decode(bytes, persons: persons).get()
        let (core, reason) = try DecisionCore.load(
            from: t.store.log,
            cacheCapacity: 16,
            keys: t.store.personalKeys,
            persons: persons,
            snapshot: snapshot
        )
        let scan = try DecisionCore.load(
            from: t.store.log,
            cacheCapacity: 16,
            keys: t.store.personalKeys,
            persons: persons
        )
        return (core, snapshot == nil ? "unreadable" : reason, scan.core)
    }

    @Test func theSnapshotHoldsWhatAScanOfTheWholeLogBuilds() throws {
        let t = try Self.store()
        try t.reopen()  // the close saves it
        let snapshot = try Self.snapshot(t)
        #expect(snapshot.digest.position == t.store.log.lastPosition)
        let (core, reason, scan) = try Self.opened(t)
        #expect(reason == nil)
        #expect(core.index.hasSameEntries(as: scan.index))
        #expect(snapshot.index.hasSameEntries(as: scan.index))
        #expect(core.index.paymentRefs == ["PAY-1": "2024-04-000001"])
        #expect(core.index.ticketNumbers == ["T-1": "2024-04-000001"])
        #expect(core.index.complaintIDs == ["CP-1": "2024-04-000001"])
        #expect(core.index.batchesWithScores == ["2024-04"])
        #expect(core.index.casesByPerson.count == 3)
        #expect(Set(core.batches.keys) == Set(scan.batches.keys))
    }

    /// Every field at sizes the small store does not reach: one photo sent by a million
    /// candidates (a count larger than the file), empty and long strings, many people.
    @Test func everyEntryRoundTripsWhateverItsSize() throws {
        let persons = PersonTokenizer.ephemeral()
        var byPerson: [PersonToken: [String]] = [:]
        for i in 0..<2_000 {
            byPerson[PersonToken(high: UInt64(i), low: ~UInt64(i))] = ["2024-04-\(i)", "2024-07-\(i)"]
        }
        let index = CrossCaseIndex(
            persons: persons,
            casesByPerson: byPerson,
            paymentRefs: ["": "a", String(repeating: "支", count: 5_000): "b"],
            ticketNumbers: ["T-1": "2024-04-000001"],
            certificateNumbers: [:],
            complaintIDs: ["CP-1": "2024-04-000001"],
            batchesWithScores: ["2024-04", "2024-07"],
            photoUsers: [String(repeating: "a", count: 64): 1_000_000, "b": 1]
        )
        let digest = LogDigest(position: 123_456, head: .genesis)
        let bytes = CrossCaseIndexSnapshot(digest: digest, index: index, batchIDs: ["2024-04", "2024-07"]).encoded()
        let back = try CrossCaseIndexSnapshot.decode(bytes, persons: persons).get()
        #expect(back.digest == digest)
        #expect(back.index.hasSameEntries(as: index))
        #expect(Set(back.batchIDs) == ["2024-04", "2024-07"])
        // Cut anywhere, it is refused, never read as a smaller index.
        for cut in [1, 37, bytes.count / 3, bytes.count - 33] {
            #expect(throws: CrossCaseIndexSnapshot.Unusable.self) {
                try CrossCaseIndexSnapshot.decode(Array(bytes[..<cut]), persons: persons).get()
            }
        }
    }

    @Test func reopenedFromTheSnapshotTheRulesAcrossCasesStillHold() throws {
        let t = try Self.store()
        try t.reopen()
        #expect(try Self.opened(t).reason == nil)
        // A person with an open case may not apply again; a payment reference is used once.
        #expect(t.submit(Line.apply("2024-04-000004", number: Self.third)).code == "duplicate-application")
        #expect(t.submit(Line.approve("2024-04-000003")).ok)
        #expect(t.submit(Line.pay("2024-04-000003", ref: "PAY-1")).code == "payment-ref-reused")
        #expect(t.submit(Line.pay("2024-04-000003", ref: "PAY-3")).ok)
        // The withdrawn person may apply again, once.
        #expect(t.submit(Line.apply("2024-04-000005", number: Self.second)).ok)
        #expect(t.submit(Line.apply("2024-04-000006", number: Self.second)).code == "duplicate-application")
    }

    @Test func theSnapshotAndItsKeyAreOwnerOnlyAndHoldNoDocumentNumber() throws {
        let t = try Self.store()
        try t.reopen()
        for path in [CrossCaseIndexSnapshot.path(storeRoot: t.path), PersonTokenizer.keyPath(storeRoot: t.path)] {
            var info = stat()
            #expect(stat(path, &info) == 0)
            #expect(info.st_mode & 0o077 == 0, "\(path) readable by others")
        }
        let bytes = try Posix.readFile(CrossCaseIndexSnapshot.path(storeRoot: t.path))
        let text = String(decoding: bytes, as: UTF8.self)
        for secret in [Self.first, Self.second, "张伟"] { #expect(!text.contains(secret)) }
    }

    @Test func aDamagedOrForeignSnapshotIsNotUsedAndTheWholeLogIsRead() throws {
        let t = try Self.store()
        try t.reopen()
        let path = CrossCaseIndexSnapshot.path(storeRoot: t.path)
        let good = try Posix.readFile(path)
        for offset in [0, 5, good.count / 2, good.count - 1] {
            var damaged = good
            damaged[offset] ^= 0x01
            #expect(throws: CrossCaseIndexSnapshot.Unusable.self) {
                try CrossCaseIndexSnapshot.decode(damaged, persons: try Self.persons(t)).get()
            }
        }
        // Another store's key: the MAC does not hold.
        #expect(throws: CrossCaseIndexSnapshot.Unusable.self) {
            try CrossCaseIndexSnapshot.decode(good, persons: .ephemeral()).get()
        }
        var damaged = good
        damaged[good.count / 2] ^= 0x01
        try Posix.writeFile(path, damaged)
        try t.reopen()
        #expect(t.submit(Line.apply("2024-04-000004", number: Self.third)).code == "duplicate-application")
    }

    @Test func aLogThatWentBackOrDivergedIsNotMatchedToALaterSnapshot() throws {
        let t = try Self.store()
        try t.reopen()
        let backup = t.path + "-backup"
        try t.store.close()
        try FileManager.default.copyItem(atPath: t.path, toPath: backup)
        try t.reopen()
        #expect(t.submit(Line.apply("2024-04-000007", number: Line.residentNumber(birth: "19950505", sequence: 1))).ok)
        #expect(t.submit(Line.withdraw("2024-04-000007")).ok)
        try t.reopen()
        let later = try Posix.readFile(CrossCaseIndexSnapshot.path(storeRoot: t.path))
        try t.store.close()

        // The backup's log ends before the later snapshot's position.
        let snapshotPath = CrossCaseIndexSnapshot.path(storeRoot: backup)
        try Posix.writeFile(snapshotPath, later)
        var store = try DocketStore.open(at: backup, options: Self.snapshotEveryClose)
        let persons = try #require(try PersonTokenizer.load(storeRoot: backup, create: false))
        let snapshot = try CrossCaseIndexSnapshot.decode(later, persons: persons).get()
        var (_, reason) = try DecisionCore.load(
            from: store.log,
            cacheCapacity: 16,
            keys: store.personalKeys,
            persons: persons,
            snapshot: snapshot
        )
        #expect(reason?.contains("beyond the end of the log") == true)

        // The backup grows as long by other events: same positions, another chain.
        let other = [
            Line.apply("2024-04-000009", number: Line.residentNumber(birth: "19940404", sequence: 3)),
            Line.withdraw("2024-04-000009"),
        ]
        for line in other { #expect(store.submitAndWait(Array(line.utf8)).ok) }
        try store.close()
        try Posix.writeFile(snapshotPath, later)
        store = try DocketStore.open(at: backup, options: Self.snapshotEveryClose)
        #expect(store.log.lastPosition == snapshot.digest.position)
        (_, reason) = try DecisionCore.load(
            from: store.log,
            cacheCapacity: 16,
            keys: store.personalKeys,
            persons: persons,
            snapshot: snapshot
        )
        #expect(reason?.contains("chain head") == true)
        // The store itself opens from the whole log and decides from it.
        let again = Line.apply("2024-04-000010", number: Line.residentNumber(birth: "19940404", sequence: 3))
        #expect(store.submitAndWait(Array(again.utf8)).ok)
        try store.close()
    }

    @Test func anErasedPersonIsForgottenAndNotSaved() throws {
        let t = try Self.store()
        #expect(t.submit(Line.erase("2024-04-000002")).ok)
        try t.reopen()
        let persons = try Self.persons(t)
        let snapshot = try Self.snapshot(t)
        let document = Candidate.IdentityDocument(type: .residentIDCard, number: Self.second)
        #expect(snapshot.index.casesByPerson[persons.token(document, .blockchainOperator)] == nil)
        #expect(snapshot.index.casesByPerson.count == 2)
        let (core, reason, scan) = try Self.opened(t)
        #expect(reason == nil)
        #expect(core.index.hasSameEntries(as: scan.index))
    }

    /// An erasure left half done by a crash (the event durable, the keys not destroyed) is
    /// completed by the next opening, whose scan could still open the person: the person is
    /// forgotten then, so the snapshot saved afterwards is what a scan of the log builds.
    @Test func anErasureCompletedOnOpenForgetsThePersonBeforeTheNextSnapshot() throws {
        let t = try Self.store()
        try t.reopen()
        try ErasureTests.appendErasureOnly(t, caseID: "2024-04-000002")
        try t.reopen()  // the write side was not opened: nothing saved
        try t.store.prepareForCommands()  // the whole log read (an erasure follows the snapshot)
        #expect(t.store.keyring?.liveKeys(of: "2024-04-000002").isEmpty == true)
        try t.reopen()
        let persons = try Self.persons(t)
        let snapshot = try Self.snapshot(t)
        #expect(snapshot.digest.position == t.store.log.lastPosition)
        let document = Candidate.IdentityDocument(type: .residentIDCard, number: Self.second)
        #expect(snapshot.index.casesByPerson[persons.token(document, .blockchainOperator)] == nil)
        let (core, reason, scan) = try Self.opened(t)
        #expect(reason == nil)
        #expect(core.index.hasSameEntries(as: scan.index))
    }

    @Test func anErasureAfterTheSnapshotHasTheWholeLogRead() throws {
        let t = try Self.store()
        try t.reopen()  // a snapshot of the log as it is
        #expect(t.submit(Line.erase("2024-04-000002")).ok)  // the store is not closed again
        let (_, reason, _) = try Self.opened(t)
        #expect(reason?.contains("erasure") == true)
    }
}
