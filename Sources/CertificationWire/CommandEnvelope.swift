import Certification
import Chronology
import DocketJSON

/// A command line's envelope (SPEC §3): what, by whom, when, on which stream; its data still
/// untyped (shapes are checked after the role, the target and the versions, SPEC §5).
public struct CommandEnvelope: Sendable {
    public var name: CommandName
    /// The idempotency key, 1–64 characters, if given.
    public var commandID: String?
    /// The case or batch id.
    public var target: String
    /// The log stream: `case-<id>` or `batch-<id>`.
    public var stream: String
    public var at: Timestamp
    public var actorID: String
    /// The role as written; an unknown one is refused at the role check (`role-not-allowed`).
    public var role: String
    public var expectedVersion: UInt64?
    /// The command's data object (absent only for `publish-scores`).
    public var data: JSONValue
    /// The whole command as received, for idempotency ("the same JSON object, key order aside").
    public var raw: JSONValue

    /// A refused envelope: the rejection, with the command id and stream when they were readable.
    public struct Failure: Error, Sendable {
        public var rejection: Rejection
        public var commandID: String?
        public var stream: String?
    }

    /// Where a command's `at` is checked against the store's clock: the allowance and the
    /// clock's reading when the line was read.
    public struct Clock: Sendable {
        public var limit: ClockSkewLimit
        public var now: Timestamp
        public init(limit: ClockSkewLimit, now: Timestamp) {
            self.limit = limit
            self.now = now
        }
    }

    /// Parses one line of JSON (with `clock`, an `at` too far ahead of it is refused).
    public static func parse(line: [UInt8], clock: Clock? = nil) -> Result<CommandEnvelope, Failure> {
        line.withUnsafeBufferPointer { parse(buffer: $0, clock: clock) }
    }

    /// Parses one line of JSON in place. With `actor`, the command's `actor` is that one,
    /// whatever the line says (the server's token holder): it is replaced before anything is
    /// read, so the envelope, the idempotency digest and the events all carry it.
    public static func parse(
        buffer: UnsafeBufferPointer<UInt8>,
        actor: Actor? = nil,
        clock: Clock? = nil
    ) -> Result<CommandEnvelope, Failure> {
        var value: JSONValue
        do throws(JSONParseError) {
            value = try JSONParser.parse(buffer: buffer)
        } catch {
            return .failure(Failure(rejection: Rejection(.invalidJSON, "the line is not valid JSON: \(error)")))
        }
        if let actor, case .object(var object) = value {
            value = .null  // let `object` be the only reference, so it is changed in place
            object.set("actor", .object(["id": .string(actor.id), "role": .string(actor.role.rawValue)]))
            value = .object(object)
        }
        return parse(value, clock: clock)
    }

    /// Reads the envelope of a parsed command, checking its fields in SPEC §5's order (with
    /// `clock`, `at` may not be further ahead of it than its limit).
    public static func parse(_ value: JSONValue, clock: Clock? = nil) -> Result<CommandEnvelope, Failure> {
        guard case .object(let object) = value else {
            return .failure(
                Failure(rejection: Rejection(.invalidJSON, "a command is a JSON object, not \(value.kindDescription)"))
            )
        }
        let fields = FieldReader(object, path: "", checksText: true)
        var commandID: String?
        var stream: String?
        func fail(_ rejection: Rejection) -> Result<CommandEnvelope, Failure> {
            .failure(Failure(rejection: rejection, commandID: commandID, stream: stream))
        }
        do throws(Rejection) {
            if let id = try fields.optionalString("commandId", "the command's idempotency key") {
                // 64 characters, and at most 255 bytes: the log's limit for an idempotency key
                // (64 characters of four bytes each would be 256).
                guard (1...64).contains(id.count), id.utf8.count <= 255 else {
                    throw Rejection(
                        .invalidField,
                        "commandId is 1 to 64 characters (at most 255 bytes of UTF-8)",
                        field: "commandId"
                    )
                }
                commandID = id
            }
        } catch {
            commandID = nil
            return fail(error)
        }
        let name: CommandName
        do throws(Rejection) {
            let text = try fields.string("command", "the command's name, such as apply")
            guard let known = CommandName(rawValue: text) else {
                let all = CommandName.allCases.map(\.rawValue).joined(separator: ", ")
                return .failure(
                    Failure(
                        rejection: Rejection(
                            .unknownCommand,
                            "no command \"\(text)\"; the commands are \(all)",
                            field: "command"
                        )
                    )
                )
            }
            name = known
        } catch {
            return .failure(Failure(rejection: error))
        }
        do throws(Rejection) {
            let key = name.target.rawValue
            let target = try fields.string(key, "the \(key) id")
            guard StreamName.isValidID(target) else {
                throw Rejection(
                    .invalidField,
                    "a \(key) id is 1 to 64 letters, digits, '.', '_' or '-'",
                    field: key
                )
            }
            stream = name.target == .case ? StreamName.forCase(target) : StreamName.forBatch(target)
            let at = try fields.timestamp("at", "when it happened")
            if let clock, let tooLate = clock.limit.check(at, now: clock.now) { throw tooLate }
            let actor = try fields.object("actor", "the actor {id, role}")
            let actorID = try actor.text("id", "the actor's id")
            let role = try actor.string("role", "the actor's role")
            var expectedVersion: UInt64?
            if let v = fields.optional("expectedVersion") {
                guard let n = v.intValue, n >= 0 else {
                    throw Rejection(
                        .invalidField,
                        "expectedVersion is the stream version you expect, a whole number from 0",
                        field: "expectedVersion"
                    )
                }
                expectedVersion = UInt64(n)
            }
            let data: JSONValue
            if let d = fields.optional("data") {
                guard case .object = d else {
                    throw Rejection(.invalidField, "data must be an object, not \(d.kindDescription)", field: "data")
                }
                data = d
            } else if name == .publishScores {
                data = .object(JSONObject())
            } else {
                throw Rejection(.missingField, "give the command's data", field: "data")
            }
            return .success(
                CommandEnvelope(
                    name: name,
                    commandID: commandID,
                    target: target,
                    stream: stream!,
                    at: at,
                    actorID: actorID,
                    role: role,
                    expectedVersion: expectedVersion,
                    data: data,
                    raw: value
                )
            )
        } catch {
            return fail(error)
        }
    }

    /// The actor if the role is known.
    public var actor: Actor? { Actor.Role(rawValue: role).map { Actor(id: actorID, role: $0) } }
}
