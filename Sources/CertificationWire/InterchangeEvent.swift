import Certification
import Chronology
import DocketJSON

/// One event in the interchange format of SPEC §3 (export, import, live feed): one JSON object
/// per line, `{"position","stream","version","type","at","recordedAt","actor","commandId","data"}`.
public struct InterchangeEvent: Sendable, Hashable {
    public var position: UInt64
    public var stream: String
    public var version: UInt64
    public var type: String
    public var at: Timestamp
    public var recordedAt: Timestamp
    public var metadata: EventMetadata
    /// The `data` object as compact JSON bytes (the log's payload, spliced as is).
    public var data: [UInt8]

    public init(
        position: UInt64,
        stream: String,
        version: UInt64,
        type: String,
        at: Timestamp,
        recordedAt: Timestamp,
        metadata: EventMetadata,
        data: [UInt8]
    ) {
        self.position = position
        self.stream = stream
        self.version = version
        self.type = type
        self.at = at
        self.recordedAt = recordedAt
        self.metadata = metadata
        self.data = data
    }

    /// Appends the line (without a newline). `extra` members go after `data` (the timeline's
    /// `summary`).
    public func write(into out: inout [UInt8], extra: [(String, JSONValue)] = []) {
        func key(_ k: String) {
            JSONWriter.writeString(k, into: &out)
            out.append(0x3A)
        }
        out.append(0x7B)
        key("position")
        out.append(contentsOf: String(position).utf8)
        out.append(0x2C)
        key("stream")
        JSONWriter.writeString(stream, into: &out)
        out.append(0x2C)
        key("version")
        out.append(contentsOf: String(version).utf8)
        out.append(0x2C)
        key("type")
        JSONWriter.writeString(type, into: &out)
        out.append(0x2C)
        key("at")
        JSONWriter.writeString(at.description, into: &out)
        out.append(0x2C)
        key("recordedAt")
        JSONWriter.writeString(recordedAt.description, into: &out)
        out.append(0x2C)
        key("actor")
        JSONWriter.write(.object(["id": .string(metadata.actorID), "role": .string(metadata.role)]), into: &out)
        out.append(0x2C)
        key("commandId")
        JSONWriter.write(.optional(metadata.commandID), into: &out)
        out.append(0x2C)
        key("data")
        out.append(contentsOf: data.isEmpty ? Array("{}".utf8) : data)
        for (k, v) in extra {
            out.append(0x2C)
            key(k)
            JSONWriter.write(v, into: &out)
        }
        out.append(0x7D)
    }

    /// The line as a string.
    public var line: String {
        var out: [UInt8] = []
        write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads one line of an import: the envelope and schema are checked (the type is known and
    /// its data has the fields that type needs); no rules are applied. The data is re-encoded
    /// compactly, so what the log stores is canonical whatever the input's spacing.
    public static func parse(line: [UInt8]) -> Result<(InterchangeEvent, DomainEvent), Rejection> {
        let value: JSONValue
        do throws(JSONParseError) {
            value = try JSONParser.parse(line)
        } catch {
            return .failure(Rejection(.invalidJSON, "the line is not valid JSON: \(error)"))
        }
        do throws(Rejection) {
            let f = try FieldReader(value, path: "")
            let position = try f.int("position", "the event's position")
            let stream = try f.text("stream", "the stream")
            let version = try f.int("version", "the event's version in its stream")
            guard position >= 1, version >= 1 else {
                throw Rejection(
                    .invalidField,
                    "positions and versions count from 1",
                    field: position < 1 ? "position" : "version"
                )
            }
            let type = try f.text("type", "the event type")
            let at = try f.timestamp("at", "the business time")
            let recordedAt = try f.timestamp("recordedAt", "when it was recorded")
            let actor = try f.object("actor", "the actor {id, role}")
            let metadata = EventMetadata(
                actorID: try actor.text("id", "the actor's id"),
                role: try actor.text("role", "the actor's role"),
                commandID: try f.optionalString("commandId", "the command id"),
                commandDigest: nil
            )
            let data = try f.required("data", "the event's data")
            let event: DomainEvent
            do throws(EventCoding.DecodingError) {
                event = try EventCoding.decode(type: type, data: data, stream: stream, keys: nil)
            } catch {
                throw error.rejection
            }
            let isCase = StreamName.caseID(of: stream).map(StreamName.isValidID) ?? false
            let isBatch = StreamName.batchID(of: stream).map(StreamName.isValidID) ?? false
            switch event {
            case .caseEvent where !isCase, .batchEvent where !isBatch:
                throw Rejection(
                    .invalidField,
                    "a \(type) event belongs in a \(isCase ? "batch" : "case")-<id> stream",
                    field: "stream"
                )
            default: break
            }
            return .success(
                (
                    InterchangeEvent(
                        position: UInt64(position),
                        stream: stream,
                        version: UInt64(version),
                        type: type,
                        at: at,
                        recordedAt: recordedAt,
                        metadata: metadata,
                        data: PersonalSeal.interchangeData(of: event)
                    ),
                    event
                )
            )
        } catch {
            return .failure(error)
        }
    }
}
