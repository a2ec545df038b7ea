import Certification
import DocketJSON

/// The result line of one command (SPEC §3): accepted with its events' places, or refused with
/// the code, a message for a person and the field at fault.
public struct CommandOutcome: Sendable, Hashable {
    /// One appended event's type and places.
    public struct Placed: Sendable, Hashable {
        public var type: String
        public var version: UInt64
        public var position: UInt64
        public init(type: String, version: UInt64, position: UInt64) {
            self.type = type
            self.version = version
            self.position = position
        }
    }

    public var commandID: String?
    public var stream: String?
    /// `nil` when accepted.
    public var rejection: Rejection?
    /// The events appended (empty for an accepted retry that appended nothing).
    public var events: [Placed]
    /// Set when the store itself failed (a write or sync error): not the command's fault; the
    /// command may or may not be in the log, and the store must be reopened.
    public var storeFailure: String?

    public init(commandID: String?, stream: String?, rejection: Rejection? = nil, events: [Placed] = []) {
        self.commandID = commandID
        self.stream = stream
        self.rejection = rejection
        self.events = events
    }

    public var ok: Bool { rejection == nil && storeFailure == nil }

    /// This outcome, refused for `rejection`.
    public func refused(_ rejection: Rejection) -> CommandOutcome {
        var copy = self
        copy.rejection = rejection
        return copy
    }

    /// The result as JSON.
    public var json: JSONValue {
        var object = JSONObject([
            ("ok", .bool(ok)), ("commandId", .optional(commandID)), ("stream", .optional(stream)),
        ])
        if let storeFailure {
            object.set(
                "error",
                .object(["code": .string("store-failed"), "message": .string(storeFailure), "field": .null])
            )
        } else if let rejection {
            object.set(
                "error",
                .object([
                    "code": .string(rejection.code.rawValue),
                    "message": .string(rejection.message),
                    "field": .optional(rejection.field),
                ])
            )
        } else {
            object.set(
                "events",
                .array(
                    events.map {
                        .object(["type": .string($0.type), "version": .int($0.version), "position": .int($0.position)])
                    }
                )
            )
        }
        return .object(object)
    }

    /// The result line's bytes, ending in a newline; the same text as ``json``, written
    /// directly (one line per command on the hot path).
    public func writeLine(into out: inout [UInt8]) {
        guard ok else {
            JSONWriter.write(json, into: &out)
            out.append(0x0A)
            return
        }
        out.append(contentsOf: #"{"ok":true,"commandId":"#.utf8)
        if let commandID { JSONWriter.writeString(commandID, into: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: #","stream":"#.utf8)
        if let stream { JSONWriter.writeString(stream, into: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: #","events":["#.utf8)
        for (k, event) in events.enumerated() {
            if k > 0 { out.append(0x2C) }
            out.append(contentsOf: #"{"type":"#.utf8)
            JSONWriter.writeString(event.type, into: &out)
            out.append(contentsOf: #","version":"#.utf8)
            out.append(contentsOf: String(event.version).utf8)
            out.append(contentsOf: #","position":"#.utf8)
            out.append(contentsOf: String(event.position).utf8)
            out.append(0x7D)
        }
        out.append(contentsOf: "]}\n".utf8)
    }
}
