import Certification
import CertificationWire
import Chronology
import DocketJSON
import EventLog
import Foundation
import MerkleTree

/// Verifies a case evidence bundle with nothing but its bytes and, ideally, the key the verifier
/// trusts (docs/EVIDENCE.md, "Verifying"): the checkpoint's signature, every event's inclusion
/// proof against it, that the events are case `ID`'s stream from version 1 with no gap, that
/// each record decodes to the event it claims, the optional consistency proof to a later
/// checkpoint; then it folds the events with the domain's own fold and says plainly what is
/// proven and what is not.
public enum BundleVerifier {
    public static func verify(_ bytes: [UInt8], trusting trusted: NoteVerifier? = nil) -> EvidenceReport {
        var report = EvidenceReport()
        let bundle: EvidenceBundle
        do throws(EvidenceError) { bundle = try EvidenceBundle(json: bytes) } catch {
            report.failures.append("the bundle cannot be read: \(error.message)")
            return report
        }
        report.caseID = bundle.caseID

        // Who signed.
        let key: NoteVerifier
        do throws(EvidenceError) {
            let carried = try NoteVerifier(bundle.verifierKey)
            if let trusted {
                key = trusted
                if carried != trusted {
                    report.notProven.append(
                        "the bundle names another key (\(carried)); it was checked against the key you trust"
                    )
                }
            } else {
                key = carried
                report.notProven.append(
                    "who signed: no trusted key was given, so the key the bundle carries was used (\(carried)); compare it with the store's published key (`docket key show`)"
                )
            }
        } catch {
            report.failures.append("verifierKey: \(error.message)")
            return report
        }
        let checkpoint: Checkpoint
        do throws(EvidenceError) {
            checkpoint = try Checkpoint.verified(try SignedNote(bundle.checkpoint), by: key)
        } catch {
            report.failures.append("checkpoint: \(error.message)")
            return report
        }
        report.proven.append(
            "the checkpoint is signed by \(key.name): the log of \(checkpoint.size) events with root \(checkpoint.root.hex)"
                + (checkpoint.time.map { ", made at \($0)" } ?? "")
        )

        // Each event: its proof, then what its record says. A withheld record is allowed only
        // in a masked bundle, only among the case's events, and only for the application (the
        // one record a mask changes); what is shown for it is never counted as proven.
        var withheldPositions: [UInt64] = []
        let keys = BundleKeys(caseID: bundle.caseID, keys: bundle.personalDataKeys)
        var sealedUnopened = 0
        var sealedOpened = 0
        func check(_ entry: EvidenceBundle.Entry, _ label: String, mayWithhold: Bool) -> RecordedDomainEvent? {
            guard entry.position <= checkpoint.size else {
                report.failures.append(
                    "\(label): position \(entry.position) is beyond the checkpoint's \(checkpoint.size) events"
                )
                return nil
            }
            guard let leaf = entry.leaf,
                Merkle.verifyInclusion(
                    leaf: leaf,
                    index: entry.position - 1,
                    size: checkpoint.size,
                    proof: entry.proof,
                    root: checkpoint.root
                )
            else {
                report.failures.append(
                    "\(label): the inclusion proof for position \(entry.position) does not verify against the checkpoint (the event, its salt or the proof was changed)"
                )
                return nil
            }
            if let record = entry.record {
                do throws(EventLogError) {
                    let recorded = try RecordedEvent(record: record, position: entry.position)
                    let event = try RecordedDomainEvent(recorded, keys: keys)
                    if PersonalSeal.isSealed(recorded.payload) {
                        if case .caseEvent(let e) = event.event, !e.erasedGroups.isEmpty {
                            sealedUnopened += 1
                        } else {
                            sealedOpened += 1
                        }
                    }
                    return event
                } catch {
                    report.failures.append(
                        "\(label): the record at position \(entry.position) cannot be read: \(error.message)"
                    )
                    return nil
                }
            }
            guard mayWithhold, bundle.disclosure == "masked" else {
                report.failures.append(
                    "\(label): the record at position \(entry.position) is withheld, which only a masked bundle may do, and only for a case's application"
                )
                return nil
            }
            guard let shown = entry.shown else {
                report.failures.append("\(label): a withheld event must show the event as the reader may see it")
                return nil
            }
            var line: [UInt8] = []
            JSONWriter.write(Self.foldable(shown), into: &line)
            switch InterchangeEvent.parse(line: line) {
            case .success(let (event, domain)):
                guard event.position == entry.position, event.type == "Applied", event.version == 1 else {
                    report.failures.append(
                        "\(label): a withheld record may only be the case's application (version 1 at position \(entry.position)); it is shown as \(event.type) version \(event.version) at \(event.position)"
                    )
                    return nil
                }
                withheldPositions.append(entry.position)
                report.notProven.append(
                    "the application (Applied) at position \(entry.position): its record is withheld (\(entry.withheld ?? "masked")); that a record is there is proven, that it is this case's application as shown is not"
                )
                return RecordedDomainEvent(
                    position: event.position,
                    stream: event.stream,
                    version: event.version,
                    at: event.at,
                    recordedAt: event.recordedAt,
                    metadata: event.metadata,
                    event: domain,
                    payload: event.data
                )
            case .failure(let rejection):
                report.failures.append(
                    "\(label): the event shown for the withheld record cannot be read (\(rejection.message))"
                )
                return nil
            }
        }

        var caseEvents: [RecordedDomainEvent] = []
        for (i, entry) in bundle.caseEvents.enumerated() {
            guard let event = check(entry, "caseEvents[\(i)]", mayWithhold: true) else { continue }
            guard event.stream == StreamName.forCase(bundle.caseID) else {
                report.failures.append(
                    "caseEvents[\(i)]: the event at position \(event.position) is of \(event.stream), not case \(bundle.caseID)"
                )
                continue
            }
            caseEvents.append(event)
        }
        var batchEvents: [RecordedDomainEvent] = []
        for (i, entry) in bundle.batchEvents.enumerated() {
            guard let event = check(entry, "batchEvents[\(i)]", mayWithhold: false) else { continue }
            guard event.batchID != nil else {
                report.failures.append(
                    "batchEvents[\(i)]: the event at position \(event.position) is of \(event.stream), not a batch"
                )
                continue
            }
            batchEvents.append(event)
        }

        if sealedOpened > 0 {
            report.proven.append(
                "the personal data of \(sealedOpened) sealed record\(sealedOpened == 1 ? "" : "s") was opened here with the case's keys the bundle carries: it is what the log recorded"
            )
        }
        if sealedUnopened > 0 {
            report.notProven.append(
                "the personal data of \(sealedUnopened) record\(sealedUnopened == 1 ? "" : "s") is sealed and was not opened (no key: a masked bundle, or data erased); it is shown as erased"
            )
        }

        // The case's stream, whole from version 1.
        caseEvents.sort { $0.position < $1.position }
        let whole =
            !caseEvents.isEmpty && caseEvents.count == bundle.caseEvents.count
            && caseEvents.enumerated().allSatisfy { $0.element.version == UInt64($0.offset + 1) }
            && Set(caseEvents.map(\.position)).count == caseEvents.count
        if caseEvents.isEmpty {
            report.failures.append("the bundle holds no event of case \(bundle.caseID) that verifies")
        } else if !whole {
            report.failures.append(
                "case \(bundle.caseID)'s events are not its whole stream from version 1: versions \(caseEvents.map { String($0.version) }.joined(separator: ", "))"
            )
        } else if withheldPositions.isEmpty {
            report.proven.append(
                "case \(bundle.caseID)'s events, versions 1 to \(caseEvents.count) with no gap, are in that log at positions \(Self.ranges(caseEvents.map(\.position))), in this order"
            )
        } else {
            report.proven.append(
                "case \(bundle.caseID)'s events, versions 2 to \(caseEvents.count) with no gap, are in that log at positions \(Self.ranges(caseEvents.dropFirst().map(\.position))), in this order, after a withheld record at position \(Self.ranges(withheldPositions))"
            )
        }

        // Each batch's events, whole from version 1, and every batch the case names present.
        var byBatch: [String: [RecordedDomainEvent]] = [:]
        for event in batchEvents { byBatch[event.batchID ?? "", default: []].append(event) }
        var batchesWhole = true
        for (batch, events) in byBatch.sorted(by: { $0.key < $1.key }) {
            let sorted = events.sorted { $0.position < $1.position }
            guard sorted.enumerated().allSatisfy({ $0.element.version == UInt64($0.offset + 1) }) else {
                report.failures.append(
                    "batch \(batch)'s events are not its whole stream from version 1: versions \(sorted.map { String($0.version) }.joined(separator: ", ")) (an event dropped or repeated)"
                )
                batchesWhole = false
                continue
            }
        }
        if !byBatch.isEmpty, batchesWhole {
            report.proven.append(
                "the events of batch\(byBatch.count == 1 ? "" : "es") \(byBatch.keys.sorted().joined(separator: ", ")), each from version 1 with no gap, are in that log"
            )
            report.notProven.append(
                "that the batches had no event after those shown in the log of \(checkpoint.size) events (as for the case's own stream)"
            )
        }
        report.notProven.append(
            "that the case has no event after version \(caseEvents.count) in the log of \(checkpoint.size) events: a Merkle tree commits to the order of all events, not to where one case's stream ends (a bundle from a later checkpoint shows any later event)"
        )
        report.notProven.append(
            "that what the events say is true: the log proves what was recorded and when, in what order; business times (`at`) are what the commands said"
        )

        // The later checkpoint: the log only grew.
        if let later = bundle.later {
            do throws(EvidenceError) {
                let next = try Checkpoint.verified(try SignedNote(later.checkpoint), by: key)
                if Merkle.verifyConsistency(
                    first: checkpoint.size,
                    second: next.size,
                    firstRoot: checkpoint.root,
                    secondRoot: next.root,
                    proof: later.proof
                ) {
                    report.proven.append(
                        "the log only grew from \(checkpoint.size) to \(next.size) events between the two checkpoints (nothing before was changed, removed or reordered)"
                    )
                } else {
                    report.failures.append(
                        "the later checkpoint (\(next.size) events) is not an extension of this one: the consistency proof fails (the log was rewritten between them, or the proof was changed)"
                    )
                }
            } catch {
                report.failures.append("later checkpoint: \(error.message)")
            }
        }

        // The domain's fold over the events.
        if !caseEvents.isEmpty {
            var fold = CaseFold(caseID: bundle.caseID, batchEvents: batchEvents)
            for event in caseEvents { fold.apply(event) }
            fold.advanceBatches(through: checkpoint.size)
            // Every batch the case sat or applied for must be in the bundle: its schedule,
            // reschedules and publication decide the status.
            var named = Set(fold.state.results.values.map(\.batch))
            if let batch = fold.state.application?.batch { named.insert(batch) }
            if let batch = fold.state.sittingBatch { named.insert(batch) }
            if let retake = fold.state.retake { named.insert(retake.batch) }
            for batch in named.sorted() where byBatch[batch] == nil {
                report.failures.append(
                    "batch \(batch), which the case names, has no events in the bundle: its schedule and publication decide the case's status"
                )
            }
            let moment =
                checkpoint.time.flatMap { RFC3339.parse($0) } ?? caseEvents.map(\.recordedAt).max() ?? caseEvents[0].at
            let view = fold.view(at: moment)
            // Masked whenever anything was withheld: the shown event's placeholders never show.
            report.caseView = view.json(withheldPositions.isEmpty ? .full : .masked)
            let statement =
                "those events, folded by Docket's rules, give the case status \(view.status.rawValue) at \(moment) (version \(view.state.version))"
            if withheldPositions.isEmpty {
                report.proven.append(statement)
            } else {
                report.notProven.append(statement + ", with the withheld application as it is shown")
            }
        }
        return report
    }

    /// A masked event made readable for the fold: a birth date shown to the year (`1995-**-**`)
    /// becomes the year's first day, and the hidden digits of an identity number zeros. The
    /// view the fold gives is masked again, so neither placeholder is ever shown.
    static func foldable(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            var out = JSONObject()
            for key in object.keys {
                guard let member = object[key] else { continue }
                out.set(key, foldable(member))
            }
            return .object(out)
        case .array(let items):
            return .array(items.map(foldable))
        case .string(let text) where text.contains("*"):
            if text.hasSuffix("-**-**") { return .string(text.replacingOccurrences(of: "-**-**", with: "-01-01")) }
            return .string(text.replacingOccurrences(of: "*", with: "0"))
        default:
            return value
        }
    }

    /// `1–3, 7, 9–10`.
    static func ranges(_ positions: [UInt64]) -> String {
        var parts: [String] = []
        var i = 0
        while i < positions.count {
            var j = i
            while j + 1 < positions.count, positions[j + 1] == positions[j] + 1 { j += 1 }
            parts.append(i == j ? String(positions[i]) : "\(positions[i])–\(positions[j])")
            i = j + 1
        }
        return parts.joined(separator: ", ")
    }
}
