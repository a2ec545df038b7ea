import CertificationWire
import DocketJSON

/// A case view as JSON (SPEC §3 "Case view"), and the log position it reflects.
public struct CaseViewAnswer: Sendable {
    /// The view, compact, ending without a newline.
    public var json: [UInt8]
    /// The case's version shown.
    public var version: UInt64
    /// The log's last position when the view was made (a validator: the view cannot change
    /// until the log does).
    public var logPosition: UInt64
    /// Whether a read model answered (else the log).
    public var fromReadModel: Bool

    /// The view parsed (for people's tables).
    public var value: JSONValue { (try? JSONParser.parse(json)) ?? .null }
}

/// One line of a case's timeline: a case event, or an event of a batch the case was in.
public struct TimelineEntry: Sendable {
    /// Where the event comes from.
    public enum Source: String, Sendable {
        /// The case's own stream.
        case `case`
        /// The stream of a batch the case was in (a schedule, a reschedule with its reason,
        /// the publication of scores).
        case batch
    }

    public var source: Source
    /// The event in the interchange format, its identity as the reader may see it.
    public var event: InterchangeEvent
    /// One line a supervisor can read on the phone.
    public var summary: String

    public init(source: Source, event: InterchangeEvent, summary: String) {
        self.source = source
        self.event = event
        self.summary = summary
    }

    /// The interchange line with `summary` and `source` after `data`.
    public func write(into out: inout [UInt8]) {
        event.write(into: &out, extra: [("summary", .string(summary)), ("source", .string(source.rawValue))])
    }
}

/// One step of a replay: an event of the case, then the case as it stood after it.
public struct ReplayStep: Sendable {
    public var event: InterchangeEvent
    public var summary: String
    /// The case view after the event, its status at the event's business time.
    public var state: JSONValue

    /// `{"event":…,"summary":…,"state":…}`.
    public func write(into out: inout [UInt8]) {
        out.append(contentsOf: Array(#"{"event":"#.utf8))
        event.write(into: &out)
        out.append(contentsOf: Array(#","summary":"#.utf8))
        JSONWriter.writeString(summary, into: &out)
        out.append(contentsOf: Array(#","state":"#.utf8))
        JSONWriter.write(state, into: &out)
        out.append(0x7D)
    }
}
