import Certification
import CertificationWire
import Chronology
import DocketJSON
import DocketStore
import EventLog
import Foundation

/// Personal data with an end (issue 17): commands for erasure and legal holds, and retention.
extension DocketService {
    /// Submits one case command as `actor` at the service's clock and waits until it is durable
    /// or refused (what `docket erase` and `docket hold` send; the HTTP API takes the same
    /// commands as JSON lines).
    public func submit(
        _ name: CommandName,
        caseID: String,
        data: JSONObject,
        actor: Actor,
        commandID: String? = nil
    ) -> CommandOutcome {
        store.submitAndWait(
            Self.commandLine(name, caseID: caseID, data: data, actor: actor, commandID: commandID, at: clock())
        )
    }

    /// A command's JSON line (SPEC §3's envelope).
    static func commandLine(
        _ name: CommandName,
        caseID: String,
        data: JSONObject,
        actor: Actor,
        commandID: String?,
        at: Timestamp
    ) -> [UInt8] {
        var line: [UInt8] = []
        JSONWriter.write(
            .object([
                "commandId": .string(commandID ?? "\(name.rawValue)-\(UUID().uuidString.lowercased())"),
                "command": .string(name.rawValue),
                "case": .string(caseID),
                "at": .string(at.description),
                "actor": .object(["id": .string(actor.id), "role": .string(actor.role.rawValue)]),
                "data": .object(data),
            ]),
            into: &line
        )
        return line
    }

    /// What `policy` asks of the store's closed cases at `moment` (default: now): every case in
    /// a status a rule names, due, held, waiting or done. Folds every case from the log (with
    /// the store's keys: a group is erased when its key is gone, which the fold must see).
    public func retentionPlan(
        _ policy: RetentionPolicy,
        at moment: Timestamp? = nil,
        progress: (UInt64) -> Void = { _ in }
    ) throws(DocketError) -> RetentionPlan {
        let now = moment ?? clock()
        let log = store.log
        let keys = store.personalKeys
        let end = log.lastPosition
        var cases: [String: CaseState] = [:]
        // The count starts at the case's latest event other than a hold or an erasure (which
        // change nothing about the case's purpose).
        var lastActivity: [String: Timestamp] = [:]
        var batches: [String: BatchState] = [:]
        var cursor = log.events(from: 1)
        var count = 0
        do throws(EventLogError) {
            while let recorded = try cursor.next(), recorded.position <= end {
                count += 1
                if count % 65_536 == 0 { progress(recorded.position) }
                let event = try RecordedDomainEvent(recorded, keys: keys)
                switch event.event {
                case .caseEvent(let e):
                    guard let id = event.caseID else { continue }
                    cases[id, default: CaseState()].evolve(with: e, at: event.at, position: event.position)
                    switch e {
                    case .holdPlaced, .holdReleased, .personalDataErased: break
                    default: lastActivity[id] = event.at
                    }
                case .batchEvent(let e):
                    guard let id = event.batchID else { continue }
                    batches[id, default: BatchState()].evolve(with: e, at: event.at, position: event.position)
                }
            }
        } catch {
            throw DocketError.from(error)
        }
        let today = now.localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset)
        var items: [RetentionPlan.Item] = []
        for (id, state) in cases {
            let status = CaseStatus.of(state, batch: { batches[$0] }, at: now)
            guard let rule = policy.rules.first(where: { $0.status == status }), let lastAt = lastActivity[id] else {
                continue
            }
            let lastOn = lastAt.localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset)
            let dueOn = lastOn.adding(years: rule.afterYears)
            var item = RetentionPlan.Item(
                caseID: id,
                version: state.version,
                status: status,
                lastEventOn: lastOn,
                dueOn: dueOn,
                erase: rule.erase,
                state: .waiting
            )
            if state.erasedGroups.isSuperset(of: rule.erase) {
                item.state = .done
            } else if dueOn <= today {
                if let reason = PrivacyDecisions.holdReason(state) {
                    item.state = .held
                    item.reason = reason
                } else {
                    item.state = .due
                }
            }
            items.append(item)
        }
        items.sort { $0.caseID < $1.caseID }
        return RetentionPlan(policy: policy, at: now, logPosition: end, items: items)
    }

    /// Erases what `plan` finds due, as `actor` (a privacy officer), a chunk of commands at a
    /// time. Each erasure's command id is `retention-<case>-<scope>-v<version>`: running the
    /// plan again after an interruption answers the erasures already made from the log, while
    /// a case given new data since (a complaint after a details erasure) gets a new id.
    /// - Returns: each due case's outcome, in the plan's order; `progress` gets (done, total).
    public func applyRetention(
        _ plan: RetentionPlan,
        actor: Actor,
        progress: (Int, Int) -> Void = { _, _ in }
    ) -> [(caseID: String, outcome: CommandOutcome)] {
        let due = plan.due
        let at = clock()
        var results: [(caseID: String, outcome: CommandOutcome)] = []
        var start = 0
        while start < due.count {
            let chunk = Array(due[start..<min(due.count, start + 512)])
            let lines = chunk.map { item in
                Self.commandLine(
                    .erasePersonalData,
                    caseID: item.caseID,
                    data: JSONObject([
                        ("scope", .string(item.erase == .all ? "all" : "details")),
                        (
                            "reason",
                            .string(
                                "retention: \(item.status.rawValue) case, last event on \(item.lastEventOn), due on \(item.dueOn)"
                            )
                        ),
                        ("basis", .string("retention policy: \(item.status.rawValue) cases after the policy's years")),
                    ]),
                    actor: actor,
                    commandID: "retention-\(item.caseID)-\(item.erase == .all ? "all" : "details")-v\(item.version)",
                    at: at
                )
            }
            let collected = OutcomeCollector(count: lines.count)
            store.submit(lines) { i, outcome in collected.set(i, outcome) }
            for (item, outcome) in zip(chunk, collected.wait()) { results.append((item.caseID, outcome)) }
            start += chunk.count
            progress(start, due.count)
        }
        return results
    }
}

/// Waits for the outcomes of one submit call, delivered on any thread in any order.
final class OutcomeCollector: @unchecked Sendable {
    private let condition = NSCondition()
    private var outcomes: [CommandOutcome?]
    private var remaining: Int

    init(count: Int) {
        outcomes = Array(repeating: nil, count: count)
        remaining = count
    }

    func set(_ i: Int, _ outcome: CommandOutcome) {
        condition.lock()
        outcomes[i] = outcome
        remaining -= 1
        condition.broadcast()
        condition.unlock()
    }

    func wait() -> [CommandOutcome] {
        condition.lock()
        while remaining > 0 { condition.wait() }
        defer { condition.unlock() }
        return outcomes.map { $0! }
    }
}
