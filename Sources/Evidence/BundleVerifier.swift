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
                    report.notProven.append("the bundle names another key (\(carried)); it was checked against the key you trust")
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

        // Each event: its proof, then what its record says.
        func check(_ entry: EvidenceBundle.Entry, _ label: String) -> RecordedDomainEvent? {
            guard entry.position <= checkpoint.size else {
                report.failures.append("\(label): position \(entry.position) is beyond the checkpoint's \(checkpoint.size) events")
                return nil
            }
            guard let leaf = entry.leaf,
                Merkle.verifyInclusion(
                    leaf: leaf, index: entry.position - 1, size: checkpoint.size, proof: entry.proof, root: checkpoint.root
                )
            else {
                report.failures.append(
                    "\(label): the inclusion proof for position \(entry.position) does not verify against the checkpoint (the event, its salt or the proof was changed)"
                )
                return nil
            }
            if let record = entry.record {
                do throws(EventLogError) {
                    return try RecordedDomainEvent(RecordedEvent(record: record, position: entry.position))
                } catch {
                    report.failures.append("\(label): the record at position \(entry.position) cannot be read: \(error.message)")
                    return nil
                }
            }
            // Withheld: its place and hash are proven; what is shown is not.
            guard let shown = entry.shown else {
                report.failures.append("\(label): a withheld event must show the event as the reader may see it")
                return nil
            }
            var line: [UInt8] = []
            JSONWriter.write(Self.foldable(shown), into: &line)
            switch InterchangeEvent.parse(line: line) {
            case .success(let (event, domain)):
                guard event.position == entry.position else {
                    report.failures.append("\(label): the shown event's position \(event.position) is not the proof's \(entry.position)")
                    return nil
                }
                report.notProven.append(
                    "the content of the event at position \(entry.position) (\(event.type), version \(event.version)): withheld (\(entry.withheld ?? "masked")); its place and leaf hash are proven, the event shown for it is not"
                )
                return RecordedDomainEvent(
                    position: event.position, stream: event.stream, version: event.version, at: event.at,
                    recordedAt: event.recordedAt, metadata: event.metadata, event: domain, payload: event.data
                )
            case .failure(let rejection):
                report.notProven.append("the event at position \(entry.position): withheld, and what is shown cannot be read (\(rejection.message))")
                return nil
            }
        }

        var caseEvents: [RecordedDomainEvent] = []
        for (i, entry) in bundle.caseEvents.enumerated() {
            guard let event = check(entry, "caseEvents[\(i)]") else { continue }
            guard event.stream == StreamName.forCase(bundle.caseID) else {
                report.failures.append("caseEvents[\(i)]: the event at position \(event.position) is of \(event.stream), not case \(bundle.caseID)")
                continue
            }
            caseEvents.append(event)
        }
        var batchEvents: [RecordedDomainEvent] = []
        for (i, entry) in bundle.batchEvents.enumerated() {
            guard let event = check(entry, "batchEvents[\(i)]") else { continue }
            guard event.batchID != nil else {
                report.failures.append("batchEvents[\(i)]: the event at position \(event.position) is of \(event.stream), not a batch")
                continue
            }
            batchEvents.append(event)
        }

        // The case's stream, whole from version 1.
        caseEvents.sort { $0.position < $1.position }
        if caseEvents.isEmpty {
            report.failures.append("the bundle holds no event of case \(bundle.caseID) that verifies")
        } else if caseEvents.enumerated().allSatisfy({ $0.element.version == UInt64($0.offset + 1) }),
            caseEvents.count == bundle.caseEvents.count
        {
            let positions = caseEvents.map(\.position)
            report.proven.append(
                "case \(bundle.caseID)'s events, versions 1 to \(caseEvents.count) with no gap, are in that log at positions \(Self.ranges(positions)), in this order"
            )
        } else {
            report.failures.append(
                "case \(bundle.caseID)'s events are not its whole stream from version 1: versions \(caseEvents.map { String($0.version) }.joined(separator: ", "))"
            )
        }
        if !batchEvents.isEmpty {
            report.proven.append(
                "\(batchEvents.count) events of batch\(Set(batchEvents.compactMap(\.batchID)).count == 1 ? "" : "es") \(Set(batchEvents.compactMap(\.batchID)).sorted().joined(separator: ", ")) that affect the case are in that log"
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
                    first: checkpoint.size, second: next.size, firstRoot: checkpoint.root, secondRoot: next.root, proof: later.proof
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
            let moment =
                checkpoint.time.flatMap { RFC3339.parse($0) } ?? caseEvents.map(\.recordedAt).max() ?? caseEvents[0].at
            let view = fold.view(at: moment)
            report.caseView = view.json(bundle.disclosure == "full" ? .full : .masked)
            report.proven.append(
                "those events, folded by Docket's rules, give the case status \(view.status.rawValue) at \(moment) (version \(view.state.version))"
            )
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
