import Crypto
import DocketJSON

/// The digest that tells "the same command again" from "another command under the same id":
/// SHA-256 over an unambiguous canonical encoding of the command's JSON, with object members
/// sorted by key (SPEC §5: the same JSON object, key order aside).
///
/// The encoding is binary and length-prefixed rather than canonical JSON text, so strings (a
/// 70 KB photo) are fed to the hash in place, with no escaping pass and no copy.
enum CommandDigest {
    /// - Parameter photoSHA256: the SHA-256 of an application's decoded photo, which stands in
    ///   for its base64 text (`data.photo.jpegBase64`): strict base64 is one-to-one, so equal
    ///   bytes mean equal text, and the photo is not hashed twice.
    static func of(_ value: JSONValue, photoSHA256: String? = nil) -> String {
        var hasher = SHA256()
        if let photoSHA256, case .object(let command) = value, case .object(var data)? = command["data"],
            case .object(var photo)? = data["photo"], photo["jpegBase64"] != nil
        {
            photo.set("jpegBase64", .string("sha256:" + photoSHA256))
            data.set("photo", .object(photo))
            var replaced = command
            replaced.set("data", .object(data))
            tag(9, 0, into: &hasher)  // marks the substitution, so no literal text can collide
            feed(.object(replaced), into: &hasher)
        } else {
            feed(value, into: &hasher)
        }
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in hasher.finalize() {
            out.append(SHA256Hex.digits[Int(byte >> 4)])
            out.append(SHA256Hex.digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func tag(_ t: UInt8, _ length: Int, into hasher: inout SHA256) {
        var header = (t, UInt64(length).littleEndian)
        withUnsafeBytes(of: &header.0) { hasher.update(bufferPointer: $0) }
        withUnsafeBytes(of: &header.1) { hasher.update(bufferPointer: $0) }
    }

    private static func feed(_ string: String, _ t: UInt8, into hasher: inout SHA256) {
        var s = string
        s.withUTF8 { utf8 in
            tag(t, utf8.count, into: &hasher)
            hasher.update(bufferPointer: UnsafeRawBufferPointer(utf8))
        }
    }

    private static func feed(_ value: JSONValue, into hasher: inout SHA256) {
        switch value {
        case .null: tag(0, 0, into: &hasher)
        case .bool(let b): tag(b ? 2 : 1, 0, into: &hasher)
        case .number(let n): feed(n.text, 3, into: &hasher)
        case .string(let s): feed(s, 4, into: &hasher)
        case .array(let items):
            tag(5, items.count, into: &hasher)
            for item in items { feed(item, into: &hasher) }
        case .object(let object):
            tag(6, object.count, into: &hasher)
            let sorted = object.members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for member in sorted {
                feed(member.key, 7, into: &hasher)
                feed(member.value, into: &hasher)
            }
        }
    }
}
