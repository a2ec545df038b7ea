import Chronology

/// The case decider: `decide(command, state, context) → events | rejection`, pure. The fold of
/// ``CaseState/evolve(with:at:position:)`` over a case's events is the state it decides on.
public enum CaseDecider {
    /// An accepted command: its events, and for `apply` the photo bytes to store durably (by
    /// their SHA-256) before the events are appended.
    public struct Decision: Sendable, Hashable {
        public var events: [CaseEvent]
        public var photoBytes: [UInt8]?
        public init(events: [CaseEvent], photoBytes: [UInt8]? = nil) {
            self.events = events
            self.photoBytes = photoBytes
        }
    }

    /// What `apply` needs beyond ``CaseContext``.
    public struct ApplyLookups {
        /// Whether this person (document type and number) has an open case for the occupation.
        public var hasOpenCase: (Candidate.IdentityDocument, Occupation) -> Bool
        /// SHA-256 of bytes as lower-case hex (passed in: the domain does no crypto).
        public var sha256: ([UInt8]) -> String
        public init(
            hasOpenCase: @escaping (Candidate.IdentityDocument, Occupation) -> Bool,
            sha256: @escaping ([UInt8]) -> String
        ) {
            self.hasOpenCase = hasOpenCase
            self.sha256 = sha256
        }
    }

    /// Decides `command` for a case in `state`.
    public static func decide(
        _ command: CaseCommand,
        state: CaseState,
        context: CaseContext,
        apply lookups: ApplyLookups
    ) -> Result<Decision, Rejection> {
        func plain(_ result: Result<[CaseEvent], Rejection>) -> Result<Decision, Rejection> {
            result.map { Decision(events: $0) }
        }
        switch command {
        case .apply(let data):
            let applyContext = ApplyDecision.Context(
                at: context.at,
                actor: context.actor,
                batch: context.batch,
                hasOpenCase: lookups.hasOpenCase,
                sha256: lookups.sha256
            )
            return ApplyDecision.decide(data, state: state, context: applyContext).map {
                Decision(events: [$0.event], photoBytes: $0.photoBytes)
            }
        case .verifyDocuments(let v):
            return plain(EarlyStepDecisions.verifyDocuments(v, state: state, context: context))
        case .recordPayment(let p):
            return plain(EarlyStepDecisions.recordPayment(p, state: state, context: context))
        case .refund(let r):
            return plain(EarlyStepDecisions.refund(r, state: state, context: context))
        case .withdraw(let w):
            return plain(EarlyStepDecisions.withdraw(w, state: state, context: context))
        case .sendTicket(let number, let channel):
            return plain(
                LaterStepDecisions.sendTicket(ticketNumber: number, channel: channel, state: state, context: context)
            )
        case .recordScore(let subject, let score):
            return plain(LaterStepDecisions.recordScore(subject: subject, score: score, state: state, context: context))
        case .correctScore(let c):
            return plain(LaterStepDecisions.correctScore(c, state: state, context: context))
        case .requestRetake(let r):
            return plain(LaterStepDecisions.requestRetake(r, state: state, context: context))
        case .certify(let number):
            return plain(LaterStepDecisions.certify(certificateNumber: number, state: state, context: context))
        case .lodgeComplaint(let l):
            return plain(ComplaintDecisions.lodge(l, state: state, context: context))
        case .resolveComplaint(let r):
            return plain(ComplaintDecisions.resolve(r, state: state, context: context))
        case .addNote(let n):
            return plain(ComplaintDecisions.addNote(n, state: state, context: context))
        case .erasePersonalData(let e):
            return plain(PrivacyDecisions.erase(e, state: state, context: context))
        case .placeHold(let h):
            return plain(PrivacyDecisions.placeHold(h, state: state, context: context))
        case .releaseHold(let h):
            return plain(PrivacyDecisions.releaseHold(h, state: state, context: context))
        }
    }
}
