/// Standard base64 (RFC 4648 §4) decoding, strict: no whitespace, correct padding.
///
/// Hand-written because the domain uses the standard library only (Foundation's decoder is not
/// available to it), and a photo is decoded once per application, so a plain loop is enough.
public enum Base64 {
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8).enumerated() {
            t[Int(c)] = UInt8(i)
        }
        return t
    }()

    /// The bytes `text` encodes, or `nil` if it is not valid padded base64.
    public static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        var i = 0
        while i < input.count {
            let last = i + 4 == input.count
            let a = table[Int(input[i])]
            let b = table[Int(input[i + 1])]
            let c3 = input[i + 2]
            let d3 = input[i + 3]
            guard a != 0xFF, b != 0xFF else { return nil }
            out.append(a << 2 | b >> 4)
            if c3 == 61 {  // "=="
                guard last, d3 == 61, b & 0x0F == 0 else { return nil }
                break
            }
            let c = table[Int(c3)]
            guard c != 0xFF else { return nil }
            out.append((b & 0x0F) << 4 | c >> 2)
            if d3 == 61 {  // "="
                guard last, c & 0x03 == 0 else { return nil }
                break
            }
            let d = table[Int(d3)]
            guard d != 0xFF else { return nil }
            out.append((c & 0x03) << 6 | d)
            i += 4
        }
        return out
    }

    /// Standard padded base64 of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int(n >> UInt32(shift) & 63)]) }
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(rest == 2 ? alphabet[Int(n >> 6 & 63)] : 61)
            out.append(61)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
