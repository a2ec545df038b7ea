import Certification
import Crypto
import DocketJSON

/// Sealing a case event's personal data under its case's keys, and opening it again (issue 17).
///
/// A sealed payload is the event in the store's own form with each sealed group's fields at
/// their erased values (``CaseEvent/erasing(_:)``: the empty string, `0001-01-01` for a birth
/// date), followed by one member holding a box per group:
///
/// ```
/// {…,"candidate":{"name":"","birthDate":"0001-01-01",…},…,"sealed":{"identity":{"key":1,"box":"<base64>"},"details":{…}}}
/// ```
///
/// A box is AES-256-GCM (`nonce ‖ ciphertext ‖ tag`) over the group's values as a JSON list
/// (``PersonalValues``), under the case's key of that group and generation; its associated
/// data binds it to the stream, event type, group and generation, so a box cannot be moved to
/// another case or event. Everything rules, read models and reports use stays in clear; the
/// log's checksums, hash chain and Merkle tree cover the boxes as stored, so the log verifies
/// with or without keys. A box whose key is destroyed is simply not opened: the event reads as
/// erased. A group with nothing to hide (an approval's empty reasons) is not sealed.
///
/// The interchange format (export, import, the live feed, timelines) carries personal data
/// opened; an erased group's fields are left out and named in `"erased":["identity"]`.
public enum PersonalSeal {
    // MARK: Writing

    /// The stored payload of `event` on `stream`, its personal data sealed under `keys` (a new
    /// key is first used at log position `position`). Without keys (a store made before
    /// sealing), personal data stays in clear and erased groups are named (`"erased"`).
    /// - Throws: ``SealingError`` when no key can be had.
    public static func storedPayload(
        of event: DomainEvent,
        stream: String,
        position: UInt64,
        keys: (any PersonalDataKeys)?
    ) throws(SealingError) -> [UInt8] {
        guard case .caseEvent(let caseEvent) = event, !caseEvent.personalGroups.isEmpty else {
            return EventCoding.payload(of: event)
        }
        guard let keys else { return interchangeData(of: event) }
        let live = caseEvent.personalGroups.subtracting(caseEvent.erasedGroups)
        var boxes: [(name: String, generation: Int, box: [UInt8])] = []
        var sealed: PersonalDataGroups = []
        for (name, group) in PersonalDataGroups.named where live.contains(group) {
            let values = PersonalValues.values(of: caseEvent, group)
            if PersonalValues.areEmpty(values) { continue }
            guard let caseID = StreamName.caseID(of: stream),
                let (generation, key) = keys.sealingKey(caseID: caseID, group: group, position: position)
            else { throw SealingError(message: "no key to seal the \(name) data of \(stream) under") }
            var plain: [UInt8] = []
            JSONWriter.write(.array(values), into: &plain)
            do {
                let box = try AES.GCM.seal(
                    plain,
                    using: key,
                    authenticating: associatedData(
                        stream: stream,
                        type: caseEvent.typeName,
                        group: name,
                        generation: generation
                    )
                )
                boxes.append((name, generation, Array(box.combined!)))
            } catch {
                throw SealingError(message: "cannot seal the \(name) data of \(stream): \(error)")
            }
            sealed.insert(group)
        }
        // The clear part: the event with what was sealed (and what was erased) at its erased values.
        var out = EventCoding.payload(of: .caseEvent(caseEvent.erasing(sealed)))
        guard !boxes.isEmpty else { return out }
        out.removeLast()  // the closing brace
        out += Array(",\"sealed\":{".utf8)
        for (i, box) in boxes.enumerated() {
            if i > 0 { out.append(0x2C) }
            out += Array("\"\(box.name)\":{\"key\":\(box.generation),\"box\":\"".utf8)
            out += Array(Base64.encode(box.box).utf8)
            out += Array("\"}".utf8)
        }
        out += Array("}}".utf8)
        return out
    }

    // MARK: Reading

    /// The event a stored payload holds, its sealed groups opened under `keys`; `nil` when the
    /// payload holds no box or is not in the store's own form (the general decoder then reads it).
    /// - Throws: a ``Rejection`` when a box is malformed or fails authentication.
    static func decodeSealed(
        type: String,
        buffer: UnsafeBufferPointer<UInt8>,
        stream: String,
        keys: (any PersonalDataKeys)?
    ) throws(Rejection) -> DomainEvent? {
        guard let marker = sealedMarker(in: buffer),
            case .caseEvent(let clear)? = StoredPayloadReader.decode(
                type: type,
                buffer: UnsafeBufferPointer(rebasing: buffer[0..<marker]),
                openEnded: true
            )
        else { return nil }
        // The boxes, in the form the writer gives them, read byte by byte (a JSON tree, then
        // Substring scanning, were a fifth and a tenth of a sealed event's reading).
        var boxes: [(group: PersonalDataGroups, name: String, generation: Int, box: String)] = []
        var i = marker + sealedPrefix.count
        let end = buffer.count
        func expect(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard i + count <= end else { return false }
            let same = text.withUTF8Buffer { t in (0..<count).allSatisfy { buffer[i + $0] == t[$0] } }
            if same { i += count }
            return same
        }
        func quoted() -> String? {
            guard i < end, buffer[i] == 0x22 else { return nil }
            let start = i + 1
            var j = start
            while j < end, buffer[j] != 0x22 { j += 1 }
            guard j < end else { return nil }
            i = j + 1
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<j]), as: UTF8.self)
        }
        while true {
            guard let name = quoted(), let group = PersonalDataGroups(name: name), expect(":{\"key\":") else {
                return nil
            }
            var generation = 0
            let digitsStart = i
            while i < end, buffer[i] >= 0x30, buffer[i] <= 0x39, i - digitsStart < 9 {
                generation = generation * 10 + Int(buffer[i] - 0x30)
                i += 1
            }
            guard i > digitsStart, expect(",\"box\":"), let box = quoted(), expect("}") else { return nil }
            boxes.append((group, name, generation, box))
            if expect(",") { continue }
            guard expect("}}"), i == end else { return nil }
            break
        }
        var opened = clear
        for box in boxes {
            opened = try open(
                opened,
                group: box.group,
                name: box.name,
                generation: box.generation,
                box: box.box,
                type: type,
                stream: stream,
                keys: keys
            )
        }
        return .caseEvent(opened)
    }

    /// `data` (a stored payload or an imported line's `data`, parsed) as its event: sealed
    /// groups opened under `keys`, erased ones (named in `"erased"`, or whose key is gone) at
    /// their erased values.
    /// - Throws: a ``Rejection`` naming the field at fault.
    static func decode(
        _ data: JSONValue,
        type: String,
        stream: String,
        keys: (any PersonalDataKeys)?
    )
        throws(Rejection) -> DomainEvent
    {
        guard case .object(var object) = data, object["sealed"] != nil || object["erased"] != nil else {
            return try clearEvent(type: type, data: data)
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
        let boxes = object.remove("sealed")
        var clear = JSONValue.object(object)
        for field in PersonalFields.fields(of: type) where erased.contains(field.group) {
            if let value = field.erased { PersonalFields.fill(field.path[...], with: value, in: &clear) }
        }
        let event = try clearEvent(type: type, data: clear)
        guard let boxes else { return event }
        guard case .caseEvent(let caseEvent) = event else { return event }
        return .caseEvent(try open(caseEvent, boxes: boxes, type: type, stream: stream, keys: keys))
    }

    /// `event` with each box of `boxes` opened and its values put back (a box whose key is gone
    /// stays closed: its group reads as erased).
    static func open(
        _ event: CaseEvent,
        boxes: JSONValue,
        type: String,
        stream: String,
        keys: (any PersonalDataKeys)?
    ) throws(Rejection) -> CaseEvent {
        guard case .object(let members) = boxes else {
            throw Rejection(.invalidField, "sealed is an object of boxes", field: "data.sealed")
        }
        var opened = event
        for (name, value) in members.members {
            guard let group = PersonalDataGroups(name: name), case .object(let sealedBox) = value,
                case .number(let number)? = sealedBox["key"], let generation = Int(number.text),
                let boxText = sealedBox["box"]?.stringValue
            else {
                throw Rejection(.invalidField, "sealed.\(name) is not a box", field: "data.sealed.\(name)")
            }
            opened = try open(
                opened,
                group: group,
                name: name,
                generation: generation,
                box: boxText,
                type: type,
                stream: stream,
                keys: keys
            )
        }
        return opened
    }

    /// `event` with one box opened and its values put back; as it is when the key is gone.
    static func open(
        _ event: CaseEvent,
        group: PersonalDataGroups,
        name: String,
        generation: Int,
        box: String,
        type: String,
        stream: String,
        keys: (any PersonalDataKeys)?
    ) throws(Rejection) -> CaseEvent {
        guard let combined = Base64.decode(box) else {
            throw Rejection(.invalidField, "sealed.\(name) is not base64", field: "data.sealed.\(name)")
        }
        guard let caseID = StreamName.caseID(of: stream),
            let key = keys?.key(caseID: caseID, group: group, generation: generation)
        else { return event }
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
        guard let values = PersonalValues.parse(plain) ?? (try? JSONParser.parse(plain))?.arrayValue,
            let restored = PersonalValues.restore(event, group, values)
        else {
            throw Rejection(
                .invalidField,
                "the sealed \(name) data does not fit a \(type)",
                field: "data.sealed.\(name)"
            )
        }
        return restored
    }

    // MARK: The interchange form

    /// The interchange `data` of an opened event: its personal data in clear, an erased group's
    /// fields left out and named in `erased`.
    public static func interchangeData(of event: DomainEvent) -> [UInt8] {
        guard case .caseEvent(let caseEvent) = event, !caseEvent.erasedGroups.isEmpty,
            case .object(var object) = EventCoding.data(of: event)
        else { return EventCoding.payload(of: event) }
        let erased = caseEvent.erasedGroups
        var value = JSONValue.object(object)
        var discarded = JSONValue.object(JSONObject())
        for field in PersonalFields.fields(of: caseEvent.typeName) where erased.contains(field.group) {
            PersonalFields.move(field.path[...], from: &value, into: &discarded)
        }
        guard case .object(let stripped) = value else { return EventCoding.payload(of: event) }
        object = stripped
        object.set("erased", .array(erased.names.map(JSONValue.string)))
        var out: [UInt8] = []
        JSONWriter.write(.object(object), into: &out)
        return out
    }

    /// Interchange `data` (as a read model keeps it) with the fields of `groups` left out and
    /// named in `erased`: how a read model forgets what an erasure erased without its event.
    public static func erase(_ data: [UInt8], type: String, groups: PersonalDataGroups) -> [UInt8] {
        let fields = PersonalFields.fields(of: type).filter { groups.contains($0.group) }
        guard !fields.isEmpty, case .object(var object)? = try? JSONParser.parse(data) else { return data }
        var all = groups
        for item in object.remove("erased")?.arrayValue ?? [] {
            if let group = item.stringValue.flatMap(PersonalDataGroups.init(name:)) { all.formUnion(group) }
        }
        var value = JSONValue.object(object)
        var discarded = JSONValue.object(JSONObject())
        for field in fields { PersonalFields.move(field.path[...], from: &value, into: &discarded) }
        guard case .object(var result) = value else { return data }
        result.set("erased", .array(all.names.map(JSONValue.string)))
        var out: [UInt8] = []
        JSONWriter.write(.object(result), into: &out)
        return out
    }

    // MARK: Helpers

    /// The tree decoder's event, its error as the rejection it carries.
    static func clearEvent(type: String, data: JSONValue) throws(Rejection) -> DomainEvent {
        do throws(EventCoding.DecodingError) { return try EventCoding.decode(type: type, data: data) } catch {
            throw error.rejection
        }
    }

    static let sealedPrefix = Array(",\"sealed\":{".utf8)

    /// Where `,"sealed":{` starts, searched from the end (the member is the payload's last; a
    /// string value cannot hold it unescaped).
    static func sealedMarker(in buffer: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = sealedPrefix.count
        guard buffer.count > n else { return nil }
        var i = buffer.count - n
        while i >= 0 {
            if buffer[i] == 0x2C, buffer[i + 1] == 0x22, buffer[i + 2] == 0x73 {
                var match = true
                for j in 3..<n where buffer[i + j] != sealedPrefix[j] {
                    match = false
                    break
                }
                if match { return i }
            }
            i -= 1
        }
        return nil
    }

    /// Whether a stored payload holds sealed personal data.
    public static func isSealed(_ payload: [UInt8]) -> Bool {
        payload.withUnsafeBufferPointer { sealedMarker(in: $0) != nil }
    }

    static func associatedData(stream: String, type: String, group: String, generation: Int) -> [UInt8] {
        // Appended piece by piece: string interpolation was a measurable part of opening a box.
        var out: [UInt8] = []
        out.reserveCapacity(32 + stream.utf8.count + type.utf8.count)
        out += associatedPrefix
        out += stream.utf8
        out.append(0x0A)
        out += type.utf8
        out.append(0x0A)
        out += group.utf8
        out.append(0x0A)
        out += String(generation).utf8
        return out
    }

    static let associatedPrefix = Array("docket-seal/1\n".utf8)

    /// A payload that could not be sealed (no key could be had).
    public struct SealingError: Error, Sendable {
        public var message: String
    }
}
