import DocketJSON
import DocketStore
import EventLog

/// A whole store verified: every frame, chain link, seal and index entry, each digest the
/// auditor expects confirmed or refuted, then every history re-run through the rules and every
/// photo read. What `docket verify --output json` prints and `GET /v1/verify` answers (one shape).
public struct VerifyAnswer: Sendable {
    public var log: VerificationReport
    /// The rules' re-run; `nil` when the log itself was not clean (nothing to re-run) or it failed.
    public var rules:
        (events: Int, cases: Int, findings: [HistoryVerifier.Finding], photos: HistoryVerifier.PhotoCheck)?
    /// Why the rules could not be re-run, if they could not.
    public var rulesError: String?

    /// Clean: the log, every expected digest, the rules and the photos.
    public var isClean: Bool { log.isClean && rulesError == nil && (rules?.findings.isEmpty ?? false) }

    /// Verifies the store at `path`; `progress` gets positions now and then.
    public static func verify(
        storeAt path: String,
        expecting digests: [LogDigest] = [],
        progress: @escaping @Sendable (String, UInt64) -> Void = { _, _ in }
    ) -> VerifyAnswer {
        let report = EventLog.verify(at: path, expecting: digests) { progress("verified", $0) }
        var answer = VerifyAnswer(log: report, rules: nil, rulesError: nil)
        guard report.isClean else { return answer }
        do {
            let log = try EventLog.open(at: path, readOnly: true)
            defer { try? log.close() }
            let keys = try PersonalKeyring.open(storeRoot: path, readOnly: true)
            answer.rules = try HistoryVerifier.verify(log, photos: PhotoStore(storeRoot: path), keys: keys) {
                progress("re-ran the rules over", $0)
            }
        } catch let error as DocketStoreError {
            answer.rulesError = error.message
        } catch let error as EventLogError {
            answer.rulesError = error.message
        } catch {
            answer.rulesError = "\(error)"
        }
        return answer
    }

    public var json: JSONValue {
        let problems: [JSONValue] = log.problems.map { p in
            .object([
                "kind": .string(p.kind), "message": .string(p.message), "file": .optional(p.file),
                "offset": p.offset.map { .int($0) } ?? .null, "position": p.position.map { .int($0) } ?? .null,
            ])
        }
        var rulesObject = JSONObject([("checked", .bool(rules != nil))])
        if let rules {
            rulesObject.set("events", .int(rules.events))
            rulesObject.set("cases", .int(rules.cases))
            rulesObject.set("photosNamed", .int(rules.photos.named))
            rulesObject.set("photosMissing", .int(rules.photos.missing))
            rulesObject.set(
                "findings",
                .array(
                    rules.findings.map { f in
                        .object([
                            "stream": .string(f.stream), "version": .int(f.version), "position": .int(f.position),
                            "type": .string(f.type), "code": .string(f.code), "message": .string(f.message),
                        ])
                    }
                )
            )
        }
        rulesObject.set("error", .optional(rulesError))
        return .object([
            "clean": .bool(isClean), "segments": .int(log.segments), "blocks": .int(log.blocks),
            "events": .int(log.events), "streams": .int(log.streams), "digest": .string(log.head.description),
            "confirmedDigests": .array(log.confirmedDigests.map { .string($0.description) }),
            "notes": .array(log.notes.map { .string($0) }), "problems": .array(problems), "rules": .object(rulesObject),
        ])
    }
}
