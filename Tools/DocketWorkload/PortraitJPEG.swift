/// Generates real, decodable baseline JPEG portraits for the workload: a head-and-shoulders
/// silhouette on a light background with film-like grain, encoded as greyscale baseline JPEG
/// (ITU-T T.81: one component, the standard Annex K luminance tables).
///
/// Written by hand because no JPEG encoder is available to this build (no image library is
/// among the machine's packages); the encoder is the textbook one, small and deterministic.
public enum PortraitJPEG {
    /// A portrait of `width` × `height` pixels whose encoded size falls in `sizeRange`: the
    /// quality is searched until it does (grain keeps the size predictable).
    public static func make(width: Int, height: Int, seed: UInt64, sizeRange: ClosedRange<Int>) -> [UInt8] {
        let pixels = portrait(width: width, height: height, seed: seed)
        var low = 10
        var high = 100
        var best = encode(pixels, width: width, height: height, quality: 75)
        while low <= high {
            let quality = (low + high) / 2
            let bytes = encode(pixels, width: width, height: height, quality: quality)
            best = bytes
            if sizeRange.contains(bytes.count) { return bytes }
            if bytes.count < sizeRange.lowerBound { low = quality + 1 } else { high = quality - 1 }
        }
        return best
    }

    /// Greyscale pixels of a simple portrait.
    static func portrait(width: Int, height: Int, seed: UInt64) -> [UInt8] {
        var g = SeededGenerator(seed: seed)
        var pixels = [UInt8](repeating: 0, count: width * height)
        let cx = Double(width) / 2
        let headY = Double(height) * 0.38
        let headRX = Double(width) * 0.22
        let headRY = Double(height) * 0.2
        let shade = Double(g.next() % 60)
        for y in 0..<height {
            for x in 0..<width {
                let dx = (Double(x) - cx) / headRX
                let dy = (Double(y) - headY) / headRY
                var v: Double
                if dx * dx + dy * dy <= 1 {
                    v = 150 + shade - 40 * dx * dx  // face, shaded at the sides
                } else if Double(y) > Double(height) * 0.62
                    && abs(Double(x) - cx) < Double(width) * (0.25 + (Double(y) / Double(height) - 0.62) * 1.2)
                {
                    v = 60 + shade / 2  // shoulders
                } else {
                    v = 225 - 20 * Double(y) / Double(height)  // background
                }
                v += Double(Int(g.next() % 41) - 20)  // grain
                pixels[y * width + x] = UInt8(max(0, min(255, v)))
            }
        }
        return pixels
    }

    static let zigzag: [Int] = [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14,
        21,
        28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61,
        54, 47, 55, 62, 63,
    ]
    static let luminanceQuantization: [Int] = [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29,
        51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121,
        120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ]
    static let dcBits: [UInt8] = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    static let dcValues: [UInt8] = Array(0...11)
    static let acBits: [UInt8] = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D]
    static let acValues: [UInt8] = [
        0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71,
        0x14,
        0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0, 0x24, 0x33, 0x62, 0x72, 0x82,
        0x09,
        0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39,
        0x3A,
        0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64,
        0x65,
        0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84, 0x85, 0x86, 0x87,
        0x88,
        0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8,
        0xA9,
        0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9,
        0xCA,
        0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9,
        0xEA,
        0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA,
    ]

    /// Canonical Huffman codes (T.81 Annex C) for symbols: (code, length) by symbol.
    static func codes(bits: [UInt8], values: [UInt8]) -> [(code: UInt32, length: Int)] {
        var table = [(code: UInt32, length: Int)](repeating: (0, 0), count: 256)
        var code: UInt32 = 0
        var k = 0
        for length in 1...16 {
            for _ in 0..<Int(bits[length - 1]) {
                table[Int(values[k])] = (code, length)
                code += 1
                k += 1
            }
            code <<= 1
        }
        return table
    }

    struct BitWriter {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var count = 0

        mutating func write(_ bits: UInt32, _ length: Int) {
            for i in stride(from: length - 1, through: 0, by: -1) {
                buffer = (buffer << 1) | ((bits >> UInt32(i)) & 1)
                count += 1
                if count == 8 {
                    let byte = UInt8(buffer & 0xFF)
                    out.append(byte)
                    if byte == 0xFF { out.append(0x00) }  // byte stuffing
                    buffer = 0
                    count = 0
                }
            }
        }

        mutating func finish() {
            if count > 0 { write((1 << UInt32(8 - count)) - 1, 8 - count) }  // pad with ones
        }
    }

    /// The magnitude category and bits of a coefficient (T.81 F.1.2.1).
    static func category(_ v: Int) -> (size: Int, bits: UInt32) {
        let magnitude = abs(v)
        var size = 0
        while (1 << size) <= magnitude { size += 1 }
        let bits = v >= 0 ? UInt32(v) : UInt32((v - 1) & ((1 << size) - 1))
        return (size, bits)
    }

    /// Encodes greyscale pixels as a baseline JPEG.
    public static func encode(_ pixels: [UInt8], width: Int, height: Int, quality: Int) -> [UInt8] {
        let q = max(1, min(100, quality))
        let scale = q < 50 ? 5000 / q : 200 - 2 * q
        let quant = luminanceQuantization.map { max(1, min(255, ($0 * scale + 50) / 100)) }
        var out: [UInt8] = [0xFF, 0xD8]
        out += [
            0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
        ]
        out += [0xFF, 0xDB, 0x00, 0x43, 0x00] + zigzag.map { UInt8(quant[$0]) }
        out += [
            0xFF, 0xC0, 0x00, 0x0B, 0x08, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8),
            UInt8(width & 0xFF), 0x01, 0x01, 0x11, 0x00,
        ]
        out += [0xFF, 0xC4, 0x00, UInt8(3 + 16 + dcValues.count), 0x00] + dcBits + dcValues
        out += [0xFF, 0xC4, 0x00, UInt8(3 + 16 + acValues.count), 0x10] + acBits + acValues
        out += [0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]

        let dc = codes(bits: dcBits, values: dcValues)
        let ac = codes(bits: acBits, values: acValues)
        var cosines = [Double](repeating: 0, count: 64)
        for x in 0..<8 {
            for u in 0..<8 { cosines[x * 8 + u] = cos(Double(2 * x + 1) * Double(u) * Double.pi / 16) }
        }
        var writer = BitWriter()
        var previousDC = 0
        var block = [Double](repeating: 0, count: 64)
        var temp = [Double](repeating: 0, count: 64)
        for by in stride(from: 0, to: height, by: 8) {
            for bx in stride(from: 0, to: width, by: 8) {
                for y in 0..<8 {
                    for x in 0..<8 {
                        let px = min(bx + x, width - 1)
                        let py = min(by + y, height - 1)
                        block[y * 8 + x] = Double(pixels[py * width + px]) - 128
                    }
                }
                // Separable forward DCT: rows, then columns.
                for y in 0..<8 {
                    for u in 0..<8 {
                        var s = 0.0
                        for x in 0..<8 { s += block[y * 8 + x] * cosines[x * 8 + u] }
                        temp[y * 8 + u] = s * (u == 0 ? 0.5.squareRoot() : 1) / 2
                    }
                }
                var coefficients = [Int](repeating: 0, count: 64)
                for u in 0..<8 {
                    for v in 0..<8 {
                        var s = 0.0
                        for y in 0..<8 { s += temp[y * 8 + u] * cosines[y * 8 + v] }
                        let value = s * (v == 0 ? 0.5.squareRoot() : 1) / 2
                        let k = v * 8 + u
                        coefficients[k] = Int((value / Double(quant[k])).rounded())
                    }
                }
                let zz = zigzag.map { coefficients[$0] }
                let diff = zz[0] - previousDC
                previousDC = zz[0]
                let (dcSize, dcBitsValue) = category(diff)
                writer.write(dc[dcSize].code, dc[dcSize].length)
                if dcSize > 0 { writer.write(dcBitsValue, dcSize) }
                var run = 0
                for k in 1..<64 {
                    if zz[k] == 0 {
                        run += 1
                        continue
                    }
                    while run > 15 {
                        writer.write(ac[0xF0].code, ac[0xF0].length)
                        run -= 16
                    }
                    let (size, bits) = category(zz[k])
                    let symbol = (run << 4) | size
                    writer.write(ac[symbol].code, ac[symbol].length)
                    writer.write(bits, size)
                    run = 0
                }
                if run > 0 { writer.write(ac[0x00].code, ac[0x00].length) }
            }
        }
        writer.finish()
        return out + writer.out + [0xFF, 0xD9]
    }
}

#if canImport(Glibc)
import Glibc
#endif
