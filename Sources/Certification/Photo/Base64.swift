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
    ///
    /// Photos are ~70 KB of base64 on the hot path of `apply`: the loop reads the text's UTF-8
    /// in place and writes into uninitialised capacity, four characters per step.
    public static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { input -> [UInt8]? in
            let n = input.count
            guard n % 4 == 0 else { return nil }
            guard n > 0 else { return [] }
            var padding = 0
            if input[n - 1] == 61 { padding += 1 }
            if input[n - 2] == 61 { padding += 1 }
            let outCount = n / 4 * 3 - padding
            var valid = true
            let out = table.withUnsafeBufferPointer { t in
                [UInt8](unsafeUninitializedCapacity: outCount) { buffer, initialized in
                    var o = 0
                    var i = 0
                    // Whole groups (the last group, which may be padded, is handled below).
                    while i + 4 < n || (i + 4 == n && padding == 0) {
                        let a = t[Int(input[i])]
                        let b = t[Int(input[i + 1])]
                        let c = t[Int(input[i + 2])]
                        let d = t[Int(input[i + 3])]
                        if a == 0xFF || b == 0xFF || c == 0xFF || d == 0xFF {
                            valid = false
                            break
                        }
                        buffer[o] = a << 2 | b >> 4
                        buffer[o + 1] = (b & 0x0F) << 4 | c >> 2
                        buffer[o + 2] = (c & 0x03) << 6 | d
                        o += 3
                        i += 4
                    }
                    if valid && padding > 0 {
                        let a = t[Int(input[i])]
                        let b = t[Int(input[i + 1])]
                        if a == 0xFF || b == 0xFF {
                            valid = false
                        } else {
                            buffer[o] = a << 2 | b >> 4
                            o += 1
                            if padding == 1 {
                                let c = t[Int(input[i + 2])]
                                if c == 0xFF || c & 0x03 != 0 {
                                    valid = false
                                } else {
                                    buffer[o] = (b & 0x0F) << 4 | c >> 2
                                    o += 1
                                }
                            } else if b & 0x0F != 0 {
                                valid = false
                            }
                        }
                    }
                    initialized = valid ? o : 0
                }
            }
            return valid ? out : nil
        }
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
