import Certification
import Chronology
import DocketJSON

/// What a retention policy asks of a store's closed cases at a moment: for each case a rule
/// applies to, whether its personal data is due for erasure, held, not yet due, or done.
public struct RetentionPlan: Sendable {
    /// One case under a rule.
    public struct Item: Sendable, Hashable {
        public enum State: String, Sendable, Hashable {
            /// The rule's time has come and nothing holds the case: `retention apply` erases it.
            case due
            /// Due, but kept: an open legal hold, an open complaint, or a refund still due.
            case held
            /// Not due yet.
            case waiting
            /// Already erased as the rule asks.
            case done
        }

        public var caseID: String
        /// The case's stream version when planned (an erasure's command id names it, so a case
        /// due again after new data gets a new one).
        public var version: UInt64
        public var status: CaseStatus
        /// The business day of the case's latest event (the retention count starts there).
        public var lastEventOn: LocalDate
        public var dueOn: LocalDate
        public var erase: PersonalDataGroups
        public var state: State
        /// Why a held case is held.
        public var reason: String?

        public var json: JSONValue {
            .object([
                "case": .string(caseID),
                "status": .string(status.rawValue),
                "lastEventOn": .string(lastEventOn.description),
                "dueOn": .string(dueOn.description),
                "erase": .string(erase == .all ? "all" : "details"),
                "state": .string(state.rawValue),
                "reason": .optional(reason),
            ])
        }
    }

    public var policy: RetentionPolicy
    /// The moment the plan was made for.
    public var at: Timestamp
    /// The log position it reflects.
    public var logPosition: UInt64
    /// Every case a rule applies to, in case id order.
    public var items: [Item]

    public var due: [Item] { items.filter { $0.state == .due } }

    /// Counts by state.
    public var counts: [Item.State: Int] { items.reduce(into: [:]) { $0[$1.state, default: 0] += 1 } }

    public var json: JSONValue {
        let counts = self.counts
        return .object([
            "at": .string(at.description),
            "logPosition": .int(logPosition),
            "policy": policy.json,
            "due": .int(counts[.due] ?? 0),
            "held": .int(counts[.held] ?? 0),
            "waiting": .int(counts[.waiting] ?? 0),
            "done": .int(counts[.done] ?? 0),
            "cases": .array(items.map(\.json)),
        ])
    }
}
