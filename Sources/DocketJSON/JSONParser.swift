/// A strict RFC 8259 JSON reader.
///
/// Written by hand, and why: measured here, Foundation's `JSONSerialization` parses about 100,000
/// small commands a second and `JSONDecoder` about 47,000, and an `apply` command carrying a
/// 50 KB base64 photo runs at only ~7,000 a second through either — the photo string dominates.
/// This reader scans plain string runs in bulk, builds no Foundation objects, and reports the
/// byte, line and column of every error. It refuses what RFC 8259 refuses (and duplicate keys,
/// which make a command ambiguous), checks UTF-8, and caps nesting depth.
public struct JSONParser {
    /// The deepest nesting accepted (commands need 4 or 5 levels).
    public static let maximumDepth = 64

    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Parses one JSON text (any value, surrounded by optional whitespace).
    public static func parse(_ text: [UInt8]) throws(JSONParseError) -> JSONValue {
        var result: Result<JSONValue, JSONParseError>?
        text.withUnsafeBufferPointer { buffer in
            result = Result { () throws(JSONParseError) in try parse(buffer: buffer) }
        }
        return try result!.get()
    }

    /// Parses one JSON text in place (a line still in a reader's buffer: no copy).
    public static func parse(buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(buffer)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.i == buffer.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    /// Parses one JSON text given as a string.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue { try parse(Array(text.utf8)) }

    private func error(_ message: String, at offset: Int? = nil) -> JSONParseError {
        let at = min(offset ?? i, bytes.count)
        var line = 1
        var lineStart = 0
        for k in 0..<at where bytes[k] == 0x0A {
            line += 1
            lineStart = k + 1
        }
        return JSONParseError(message: message, offset: at, line: line, column: at - lineStart + 1)
    }

    private mutating func skipWhitespace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard i < bytes.count else { throw error("the text ends where a value was expected") }
        switch bytes[i] {
        case 0x7B: return .object(try parseObject())
        case 0x5B: return .array(try parseArray())
        case 0x22: return .string(try parseString())
        case 0x74:
            try literal("true")
            return .bool(true)
        case 0x66:
            try literal("false")
            return .bool(false)
        case 0x6E:
            try literal("null")
            return .null
        case 0x2D, 0x30...0x39: return .number(try parseNumber())
        default: throw error("unexpected character '\(Self.show(bytes[i]))' where a value was expected")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard i + count <= bytes.count else { throw error("the text ends inside '\(word)'") }
        for k in 0..<count where bytes[i + k] != word.utf8Start[k] {
            throw error("unexpected character '\(Self.show(bytes[i + k]))'; expected '\(word)'", at: i + k)
        }
        i += count
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONObject {
        try enter()
        defer { depth -= 1 }
        i += 1
        var object = JSONObject()
        // Duplicate keys: a linear look among the first members (objects from clients are
        // small), a hash set once an object grows past them, so a hostile object of 100,000 keys
        // costs linear time, not quadratic (13.5 s for 40,000 keys before).
        var seen: Set<String>?
        skipWhitespace()
        if i < bytes.count, bytes[i] == 0x7D {
            i += 1
            return object
        }
        while true {
            skipWhitespace()
            guard i < bytes.count else { throw error("the text ends inside an object") }
            guard bytes[i] == 0x22 else {
                throw error("expected a member name in double quotes, found '\(Self.show(bytes[i]))'")
            }
            let keyOffset = i
            let key = try parseString()
            if seen == nil, object.count >= 16 { seen = Set(object.keys) }
            let duplicate: Bool
            if seen != nil { duplicate = !seen!.insert(key).inserted } else { duplicate = object[key] != nil }
            if duplicate { throw error("the member \"\(key)\" appears twice", at: keyOffset) }
            skipWhitespace()
            guard i < bytes.count, bytes[i] == 0x3A else {
                throw error("expected ':' after the member name \"\(key)\"")
            }
            i += 1
            skipWhitespace()
            object.appendNew(key, try parseValue())
            skipWhitespace()
            guard i < bytes.count else { throw error("the text ends inside an object") }
            if bytes[i] == 0x2C {
                i += 1
                continue
            }
            guard bytes[i] == 0x7D else {
                throw error("expected ',' or '}' in an object, found '\(Self.show(bytes[i]))'")
            }
            i += 1
            return object
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> [JSONValue] {
        try enter()
        defer { depth -= 1 }
        i += 1
        var array: [JSONValue] = []
        skipWhitespace()
        if i < bytes.count, bytes[i] == 0x5D {
            i += 1
            return array
        }
        while true {
            skipWhitespace()
            array.append(try parseValue())
            skipWhitespace()
            guard i < bytes.count else { throw error("the text ends inside an array") }
            if bytes[i] == 0x2C {
                i += 1
                continue
            }
            guard bytes[i] == 0x5D else {
                throw error("expected ',' or ']' in an array, found '\(Self.show(bytes[i]))'")
            }
            i += 1
            return array
        }
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = i
        if bytes[i] == 0x2D { i += 1 }
        guard i < bytes.count, (0x30...0x39).contains(bytes[i]) else { throw error("a number needs a digit after '-'") }
        if bytes[i] == 0x30 {
            i += 1
            if i < bytes.count, (0x30...0x39).contains(bytes[i]) { throw error("numbers may not have leading zeros") }
        } else {
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == 0x2E {
            i += 1
            guard i < bytes.count, (0x30...0x39).contains(bytes[i]) else {
                throw error("a number needs digits after '.'")
            }
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == 0x65 || bytes[i] == 0x45 {
            i += 1
            if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
            guard i < bytes.count, (0x30...0x39).contains(bytes[i]) else {
                throw error("a number needs digits in its exponent")
            }
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
        }
        return JSONNumber(text: String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        i += 1
        let start = i
        // Fast path: a run with no escapes, no control characters and only ASCII or valid UTF-8.
        var hasNonASCII = false
        // Eight bytes at a time while none is a quote, a backslash or a control character (a
        // 70 KB base64 photo is one such run); the byte loop below takes over at the first.
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let base = UnsafeRawPointer(bytes.baseAddress!)
        while i + 8 <= bytes.count {
            let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let quote = w ^ (ones &* 0x22)
            let backslash = w ^ (ones &* 0x5C)
            let special =
                ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((w &- ones &* 0x20) & ~w)
            if special & highs != 0 { break }
            if w & highs != 0 { hasNonASCII = true }
            i += 8
        }
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x22 {
                let run = UnsafeBufferPointer(rebasing: bytes[start..<i])
                if hasNonASCII { try validateUTF8(run, at: start) }
                i += 1
                return String(decoding: run, as: UTF8.self)
            }
            if c == 0x5C { break }
            if c < 0x20 { throw error("control character U+00\(Self.hex2(c)) inside a string; escape it") }
            if c >= 0x80 { hasNonASCII = true }
            i += 1
        }
        guard i < bytes.count else { throw error("the text ends inside a string", at: start - 1) }
        // Slow path: escapes.
        var out = Array(bytes[start..<i])
        if hasNonASCII { try validateUTF8(UnsafeBufferPointer(rebasing: bytes[start..<i]), at: start) }
        while i < bytes.count {
            let c = bytes[i]
            switch c {
            case 0x22:
                i += 1
                return String(decoding: out, as: UTF8.self)
            case 0x5C:
                guard i + 1 < bytes.count else { throw error("the text ends inside an escape") }
                let e = bytes[i + 1]
                i += 2
                switch e {
                case 0x22: out.append(0x22)
                case 0x5C: out.append(0x5C)
                case 0x2F: out.append(0x2F)
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x75:
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard i + 1 < bytes.count, bytes[i] == 0x5C, bytes[i + 1] == 0x75 else {
                            throw error("a high surrogate \\u escape must be followed by a low surrogate")
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw error("invalid low surrogate in a \\u escape")
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("a lone low surrogate in a \\u escape")
                    }
                    out.append(contentsOf: Array(String(Unicode.Scalar(scalar)!).utf8))
                default:
                    throw error("invalid escape '\\\(Self.show(e))'", at: i - 2)
                }
            default:
                if c < 0x20 { throw error("control character U+00\(Self.hex2(c)) inside a string; escape it") }
                // Copy a run of plain bytes, validating any non-ASCII.
                let runStart = i
                var nonASCII = false
                while i < bytes.count, bytes[i] != 0x22, bytes[i] != 0x5C, bytes[i] >= 0x20 {
                    if bytes[i] >= 0x80 { nonASCII = true }
                    i += 1
                }
                let run = UnsafeBufferPointer(rebasing: bytes[runStart..<i])
                if nonASCII { try validateUTF8(run, at: runStart) }
                out.append(contentsOf: run)
            }
        }
        throw error("the text ends inside a string", at: start - 1)
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw error("the text ends inside a \\u escape") }
        var value: UInt32 = 0
        for k in 0..<4 {
            let c = bytes[i + k]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            default: throw error("a \\u escape needs four hexadecimal digits", at: i + k)
            }
            value = value << 4 | digit
        }
        i += 4
        return value
    }

    /// Checks well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
    private func validateUTF8(_ run: UnsafeBufferPointer<UInt8>, at base: Int) throws(JSONParseError) {
        var k = 0
        while k < run.count {
            let b0 = run[k]
            if b0 < 0x80 {
                k += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                upper = 0x9F
            case 0xF0:
                length = 4
                lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                upper = 0x8F
            default: throw error("invalid UTF-8 in a string", at: base + k)
            }
            guard k + length <= run.count else { throw error("invalid UTF-8 in a string", at: base + k) }
            guard run[k + 1] >= lower, run[k + 1] <= upper else {
                throw error("invalid UTF-8 in a string", at: base + k)
            }
            for m in 2..<max(2, length) where run[k + m] & 0xC0 != 0x80 {
                throw error("invalid UTF-8 in a string", at: base + k)
            }
            k += length
        }
    }

    private static func show(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "\\x" + hex2(byte)
    }

    private static func hex2(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
    }
}
