import Certification
import DocketJSON

/// Who caused an event and through which command: the log's per-event metadata, stored as
/// compact JSON `{"actor":{"id","role"},"commandId":…,"commandDigest":…}`.
///
/// `commandDigest` (SHA-256 of the command's canonical JSON) lets a resubmitted command id be
/// told apart: the same command again, or a different one (`command-id-reused`).
public struct EventMetadata: Sendable, Hashable {
    public var actorID: String
    /// The role as recorded (imports keep what the older system wrote).
    public var role: String
    public var commandID: String?
    public var commandDigest: String?

    public init(actorID: String, role: String, commandID: String?, commandDigest: String?) {
        self.actorID = actorID
        self.role = role
        self.commandID = commandID
        self.commandDigest = commandDigest
    }

    /// The stored bytes (written directly: this runs for every event appended).
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48 + actorID.utf8.count + role.utf8.count + (commandID?.utf8.count ?? 4) + 82)
        out.append(contentsOf: #"{"actor":{"id":"#.utf8)
        JSONWriter.writeString(actorID, into: &out)
        out.append(contentsOf: #","role":"#.utf8)
        JSONWriter.writeString(role, into: &out)
        out.append(contentsOf: #"},"commandId":"#.utf8)
        if let commandID { JSONWriter.writeString(commandID, into: &out) } else { out.append(contentsOf: "null".utf8) }
        if let commandDigest {
            out.append(contentsOf: #","commandDigest":"#.utf8)
            JSONWriter.writeString(commandDigest, into: &out)
        }
        out.append(0x7D)
        return out
    }

    /// Reads stored bytes; unreadable metadata yields an unknown actor rather than failing a read.
    public init(bytes: [UInt8]) {
        if let stored = StoredPayloadReader.metadata(bytes) {
            self = stored
            return
        }
        let value = try? JSONParser.parse(bytes)
        actorID = value?["actor"]?["id"]?.stringValue ?? "unknown"
        role = value?["actor"]?["role"]?.stringValue ?? "unknown"
        commandID = value?["commandId"]?.stringValue
        commandDigest = value?["commandDigest"]?.stringValue
    }
}
