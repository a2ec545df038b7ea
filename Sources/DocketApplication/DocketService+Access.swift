import Certification
import CertificationWire
import Chronology
import DocketStore

/// Purpose-bound access records (issue 17): every read of a case's personal data is recorded
/// with who, when, what and why, in the store's access log.
extension DocketService {
    /// Records that `purpose`'s reader read case `caseID` (`*` for reads across cases) as
    /// `disclosure` shows it.
    /// - Throws: `store-failed` when the record cannot be written: then nothing is answered.
    public func recordAccess(
        _ action: String,
        caseID: String,
        disclosure: Disclosure,
        purpose: ReadPurpose
    ) throws(DocketError) {
        let record = AccessLog.Record(
            at: clock(),
            actorID: purpose.actorID,
            role: purpose.role,
            channel: purpose.channel,
            action: action,
            caseID: caseID,
            fields: [disclosure == .full ? "identity:full" : "identity:masked", "details"],
            purpose: purpose.text
        )
        do throws(DocketStoreError) {
            try store.accessLog.append(record)
        } catch {
            throw DocketError(.storeFailed, "the read could not be recorded in the access log: \(error.message)")
        }
    }

    /// The access records of case `caseID` (with those of reads across cases: exports and
    /// feeds), oldest first: for auditors and privacy officers.
    public func accessRecords(of caseID: String) throws(DocketError) -> [AccessLog.Record] {
        do throws(DocketStoreError) {
            return try store.accessLog.records(caseID: caseID)
        } catch {
            throw DocketError.from(error)
        }
    }

    /// The console's case page in one recorded read: the folded case, its timeline and its
    /// replay (one access record, `case-page`).
    public func casePage(
        _ id: String,
        disclosure: Disclosure,
        purpose: ReadPurpose
    ) throws(DocketError) -> (view: CaseView, timeline: [TimelineEntry], replay: [ReplayStep]) {
        let view = try foldedCase(id)
        let timeline = try unrecordedTimeline(id, cut: .now, disclosure: disclosure)
        let replay = try unrecordedReplay(id, cut: .now, disclosure: disclosure)
        try recordAccess("case-page", caseID: id, disclosure: disclosure, purpose: purpose)
        return (view, timeline, replay)
    }
}
