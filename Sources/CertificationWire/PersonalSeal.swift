import Certification
import Crypto
import DocketJSON

/// Sealing a case event's personal data under its case's keys, and opening it again (issue 17).
///
/// A stored payload keeps every field the rules, read models and reports use in clear; the
/// fields of ``PersonalFields`` move, per group, into an AES-256-GCM box under that case's key
/// of the group, and the payload gains one member:
///
/// ```
/// "sealed":{"identity":{"key":1,"box":"<base64 nonce‖ciphertext‖tag>"},"details":{…}}
/// ```
///
/// The box holds the moved fields as a JSON object of the same shape; its associated data binds
/// it to the stream, event type, group and key generation, so a box cannot be moved to another
/// case or event. The log's checksums, hash chain and Merkle tree cover the boxes as stored,
/// so the log verifies with or without keys. A group whose key is destroyed opens as *erased*:
/// its fields hold their erased values (``PersonalFields/Field/erased``).
///
/// The interchange format (export, import, the live feed, timelines) carries personal data
/// opened; an erased group's fields are left out and named in `"erased":["identity"]`. Import
/// records such an event with the same marker.
public enum PersonalSeal {
    /// The stored payload of `event` on `stream`, its personal fields sealed under `keys` (the
    /// event's first use of a new key is at log position `position`). Without keys, the fields
    /// stay in clear (a store made before sealing). Erased groups are left out and named.
    /// - Throws: `storeFailed`-like ``SealingError`` when no key can be had.
    public static func storedPayload(
        of event: DomainEvent,
        stream: String,
        position: UInt64,
        keys: (any PersonalDataKeys)?
    ) throws(SealingError) -> [UInt8] {
        guard case .caseEvent(let caseEvent) = event, !caseEvent.personalGroups.isEmpty else {
            return EventCoding.payload(of: event)
        }
        let erased = caseEvent.erasedGroups
        guard keys != nil || !erased.isEmpty else { return EventCoding.payload(of: event) }
        let type = caseEvent.typeName
        let fields = PersonalFields.fields(of: type)
        var data = EventCoding.data(of: caseEvent)
        var sealed = JSONObject()
        for (name, group) in PersonalDataGroups.named where caseEvent.personalGroups.contains(group) {
            var secret = JSONValue.object(JSONObject())
            for field in fields where field.group == group {
                PersonalFields.move(field.path[...], from: &data, into: &secret)
            }
            if erased.contains(group) { continue }
            guard let keys else {
                PersonalFields.merge(secret, into: &data)  // (not reached: erased-only without keys)
                continue
            }
            guard let caseID = StreamName.caseID(of: stream),
                let (generation, key) = keys.sealingKey(caseID: caseID, group: group, position: position)
            else { throw SealingError(message: "no key to seal the \(name) data of \(stream) under") }
            var plain: [UInt8] = []
            JSONWriter.write(secret, into: &plain)
            let box: AES.GCM.SealedBox
            do {
                box = try AES.GCM.seal(
                    plain,
                    using: key,
                    authenticating: associatedData(stream: stream, type: type, group: name, generation: generation)
                )
            } catch {
                throw SealingError(message: "cannot seal the \(name) data of \(stream): \(error)")
            }
            sealed.set(
                name,
                .object(["key": .int(generation), "box": .string(Base64.encode(Array(box.combined!)))])
            )
        }
        guard case .object(var object) = data else { return EventCoding.payload(of: event) }
        if !erased.isEmpty { object.set("erased", .array(erased.names.map(JSONValue.string))) }
        if sealed.count > 0 { object.set("sealed", .object(sealed)) }
        var out: [UInt8] = []
        JSONWriter.write(.object(object), into: &out)
        return out
    }

    /// `data` (a stored payload or an imported line's data) with its sealed groups opened under
    /// `keys` and its erased groups' fields set to their erased values; `data` itself when it
    /// holds neither marker.
    /// - Throws: a ``Rejection`` when a box is malformed or fails authentication (tampered
    ///   with, or moved from another event).
    public static func open(
        _ data: JSONValue,
        type: String,
        stream: String,
        keys: (any PersonalDataKeys)?
    ) throws(Rejection) -> (data: JSONValue, erased: PersonalDataGroups) {
        guard case .object(var object) = data, object["sealed"] != nil || object["erased"] != nil else {
            return (data, [])
        }
        var erased: PersonalDataGroups = []
        if let list = object.remove("erased") {
            guard case .array(let names) = list else {
                throw Rejection(.invalidField, "erased is a list of group names", field: "data.erased")
            }
            for item in names {
                guard let name = item.stringValue, let group = PersonalDataGroups(name: name) else {
                    throw Rejection(.invalidField, "erased names identity or details", field: "data.erased")
                }
                erased.insert(group)
            }
        }
        var opened = JSONValue.object(object)
        if let boxes = object.remove("sealed") {
            opened = .object(object)
            guard case .object(let members) = boxes else {
                throw Rejection(.invalidField, "sealed is an object of boxes", field: "data.sealed")
            }
            for (name, value) in members.members {
                guard let group = PersonalDataGroups(name: name), case .object(let sealedBox) = value,
                    case .number(let number)? = sealedBox["key"], let generation = Int(number.text),
                    let boxText = sealedBox["box"]?.stringValue, let combined = Base64.decode(boxText)
                else {
                    throw Rejection(.invalidField, "sealed.\(name) is not a box", field: "data.sealed.\(name)")
                }
                guard let caseID = StreamName.caseID(of: stream),
                    let key = keys?.key(caseID: caseID, group: group, generation: generation)
                else {
                    erased.insert(group)
                    continue
                }
                let plain: [UInt8]
                do {
                    plain = Array(
                        try AES.GCM.open(
                            AES.GCM.SealedBox(combined: combined),
                            using: key,
                            authenticating: associatedData(stream: stream, type: type, group: name, generation: generation)
                        )
                    )
                } catch {
                    throw Rejection(
                        .invalidField,
                        "the sealed \(name) data does not open under its key: tampered with, or not this event's",
                        field: "data.sealed.\(name)"
                    )
                }
                let secret: JSONValue
                do throws(JSONParseError) { secret = try JSONParser.parse(plain) } catch {
                    throw Rejection(.invalidField, "the sealed \(name) data is not JSON", field: "data.sealed.\(name)")
                }
                PersonalFields.merge(secret, into: &opened)
            }
        }
        for field in PersonalFields.fields(of: type) where erased.contains(field.group) {
            if let value = field.erased { PersonalFields.fill(field.path[...], with: value, in: &opened) }
        }
        return (opened, erased)
    }

    /// The interchange `data` of an opened event: its personal data in clear, an erased group's
    /// fields left out and named in `erased`.
    public static func interchangeData(of event: DomainEvent) -> [UInt8] {
        guard case .caseEvent(let caseEvent) = event, !caseEvent.erasedGroups.isEmpty,
            let payload = try? storedPayload(of: event, stream: "", position: 0, keys: nil)
        else { return EventCoding.payload(of: event) }
        return payload
    }

    /// Interchange `data` (as a read model keeps it) with the fields of `groups` left out and
    /// named in `erased`: how a read model forgets what an erasure erased without its event.
    public static func erase(_ data: [UInt8], type: String, groups: PersonalDataGroups) -> [UInt8] {
        let fields = PersonalFields.fields(of: type).filter { groups.contains($0.group) }
        guard !fields.isEmpty, case .object(var object)? = try? JSONParser.parse(data) else { return data }
        var names = Set(
            (object.remove("erased")?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(PersonalDataGroups.init(name:)) }
        )
        var value = JSONValue.object(object)
        var discarded = JSONValue.object(JSONObject())
        for field in fields { PersonalFields.move(field.path[...], from: &value, into: &discarded) }
        for (_, group) in PersonalDataGroups.named where groups.contains(group) { names.insert(group) }
        guard case .object(var result) = value else { return data }
        let all = names.reduce(into: PersonalDataGroups()) { $0.formUnion($1) }
        result.set("erased", .array(all.names.map(JSONValue.string)))
        var out: [UInt8] = []
        JSONWriter.write(.object(result), into: &out)
        return out
    }

    /// Whether a stored payload holds sealed personal data (its `"sealed":{` member, which no
    /// string value can fake: quotes inside strings are escaped).
    public static func isSealed(_ payload: [UInt8]) -> Bool {
        let marker = Array(",\"sealed\":{".utf8)
        guard payload.count > marker.count else { return false }
        return payload.withUnsafeBufferPointer { bytes in
            var i = 0
            while i + marker.count <= bytes.count {
                if bytes[i] == 0x2C, bytes[i + 1] == 0x22, Array(bytes[i..<(i + marker.count)]) == marker { return true }
                i += 1
            }
            return false
        }
    }

    static func associatedData(stream: String, type: String, group: String, generation: Int) -> [UInt8] {
        Array("docket-seal/1\n\(stream)\n\(type)\n\(group)\n\(generation)".utf8)
    }

    /// A payload that could not be sealed (no key could be had).
    public struct SealingError: Error, Sendable {
        public var message: String
    }
}
