import Certification
import CertificationWire
import Chronology
import DocketJSON
import DocketStore

/// A batch and its history: its exam start now, its occupations, each reschedule with its
/// reason, whether scores are published, and every event of its stream with a summary.
public struct BatchAnswer: Sendable {
    public var batchID: String
    public var state: BatchState
    public var events: [TimelineEntry]
    /// A reschedule: when it was decided, the new exam start, and why.
    public struct Reschedule: Sendable, Hashable {
        public var at: Timestamp
        public var examStartsAt: Timestamp
        public var reason: String
    }

    /// The reschedules, in order.
    public var reschedules: [Reschedule]
    public var logPosition: UInt64

    public var json: JSONValue {
        var eventLines: [JSONValue] = []
        for entry in events {
            var out: [UInt8] = []
            entry.write(into: &out)
            eventLines.append((try? JSONParser.parse(out)) ?? .null)
        }
        return .object([
            "batch": .string(batchID), "version": .int(state.version),
            "examStartsAt": .optional(state.examStartsAt?.description),
            "examDate": .optional(state.examDate?.description),
            "occupations": .array(state.occupations.map { .string($0.rawValue) }),
            "reschedules": .array(
                reschedules.map {
                    .object([
                        "at": .string($0.at.description), "examStartsAt": .string($0.examStartsAt.description),
                        "reason": .string($0.reason),
                    ])
                }
            ),
            "scoresPublished": .bool(state.scoresPublishedAt != nil), "logPosition": .int(logPosition),
            "events": .array(eventLines),
        ])
    }
}
