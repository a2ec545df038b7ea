import Chronology

/// Decides batch commands: `decide(command, state, context) → events | rejection`, pure.
///
/// Checks here are the role, the batch's existence, and the rules; the runner checks the
/// envelope, `out-of-order` and `version-conflict` around it, in the order of SPEC §5.
public enum BatchDecider {
    /// What the decision needs beyond the batch's own events.
    public struct Context: Sendable {
        /// When the command happened (its `at`).
        public var at: Timestamp
        public var actor: Actor
        /// Whether any case has a score recorded in this batch (rescheduling is then refused).
        public var batchHasScores: Bool

        public init(at: Timestamp, actor: Actor, batchHasScores: Bool = false) {
            self.at = at
            self.actor = actor
            self.batchHasScores = batchHasScores
        }
    }

    /// The events `command` produces for batch `batchID` in `state`, or why it is refused.
    public static func decide(
        _ command: BatchCommand,
        batchID: String,
        state: BatchState,
        context: Context
    ) -> Result<[BatchEvent], Rejection> {
        guard context.actor.role == command.role else {
            return .failure(
                Rejection(
                    .roleNotAllowed,
                    "\(command.name) is for the \(command.role.rawValue) role, not \(context.actor.role.rawValue)",
                    field: "actor.role"
                )
            )
        }
        switch command {
        case .schedule(let start, let occupations):
            guard !state.isScheduled else {
                return .failure(
                    Rejection(
                        .batchExists,
                        "batch \(batchID) is already scheduled; use reschedule-batch to move it",
                        field: "batch"
                    )
                )
            }
            guard let (year, month) = parseBatchID(batchID) else {
                return .failure(Rejection(.invalidField, "a batch id is YYYY-MM, such as 2024-04", field: "batch"))
            }
            guard !occupations.isEmpty else {
                return .failure(
                    Rejection(
                        .invalidField,
                        "name at least one occupation the batch examines",
                        field: "data.occupations"
                    )
                )
            }
            if let duplicate = occupations.firstIndex(where: { o in occupations.filter { $0 == o }.count > 1 }) {
                return .failure(
                    Rejection(
                        .invalidField,
                        "\(occupations[duplicate].rawValue) is listed twice",
                        field: "data.occupations[\(duplicate)]"
                    )
                )
            }
            for (i, occupation) in occupations.enumerated() where !occupation.batchMonths.contains(month) {
                return .failure(
                    Rejection(
                        .invalidField,
                        "\(occupation.rawValue) is examined in months \(occupation.batchMonths.sorted()), not \(month)",
                        field: "data.occupations[\(i)]"
                    )
                )
            }
            let local = start.localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset)
            guard local.year == year, local.month == month else {
                return .failure(
                    Rejection(
                        .invalidField,
                        "the exam of batch \(batchID) must start within \(batchID) (Asia/Shanghai), not on \(local)",
                        field: "data.examStartsAt"
                    )
                )
            }
            guard start > context.at else {
                return .failure(
                    Rejection(.invalidField, "the exam must start after the command's time", field: "data.examStartsAt")
                )
            }
            return .success([.scheduled(examStartsAt: start, occupations: occupations)])

        case .reschedule(let start, let reason):
            guard state.isScheduled else {
                return .failure(Rejection(.batchNotFound, "batch \(batchID) has not been scheduled", field: "batch"))
            }
            guard !reason.trimmingWhitespace.isEmpty else {
                return .failure(
                    Rejection(
                        .missingField,
                        "give the reason for the reschedule (force majeure, notice §五)",
                        field: "data.reason"
                    )
                )
            }
            guard start > context.at else {
                return .failure(
                    Rejection(
                        .invalidField,
                        "the new exam start must be after the command's time",
                        field: "data.examStartsAt"
                    )
                )
            }
            guard !context.batchHasScores else {
                return .failure(
                    Rejection(
                        .scoresExist,
                        "scores of batch \(batchID) are already recorded; it can no longer be rescheduled"
                    )
                )
            }
            return .success([.rescheduled(examStartsAt: start, reason: reason)])

        case .publishScores:
            guard let examStart = state.examStartsAt else {
                return .failure(Rejection(.batchNotFound, "batch \(batchID) has not been scheduled", field: "batch"))
            }
            guard context.at >= examStart else {
                return .failure(
                    Rejection(
                        .examNotHeld,
                        "the exam of batch \(batchID) starts at \(examStart); scores can be published after it"
                    )
                )
            }
            return .success([.scoresPublished])
        }
    }

    /// Year and month of a `YYYY-MM` batch id.
    static func parseBatchID(_ id: String) -> (year: Int, month: Int)? {
        let u = Array(id.utf8)
        guard u.count == 7, u[4] == 45, u.enumerated().allSatisfy({ $0.offset == 4 || (48...57).contains($0.element) })
        else { return nil }
        let year = Int(String(id.prefix(4)))!
        let month = Int(String(id.suffix(2)))!
        return (1...12).contains(month) && year >= 2000 ? (year, month) : nil
    }
}

extension String {
    var trimmingWhitespace: Substring {
        let trimmed = drop { $0.isWhitespace }
        return trimmed.dropLast(trimmed.reversed().prefix { $0.isWhitespace }.count)
    }
}
