@testable import Certification

/// Builds structurally valid JPEG files of a given size and frame dimensions for tests.
enum JPEGFixture {
    static func make(width: Int, height: Int, size: Int, sof: UInt8 = 0xC0) -> [UInt8] {
        var b: [UInt8] = [0xFF, 0xD8]
        // APP0 JFIF
        b +=
            [0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [
                0x00, 0x01, 0x02, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
            ]
        // DQT (one table)
        b += [0xFF, 0xDB, 0x00, 0x43, 0x00] + [UInt8](repeating: 1, count: 64)
        // A DHT before the frame header must be skipped, not read as one.
        b += [0xFF, 0xC4, 0x00, 0x14, 0x00] + [UInt8](repeating: 0, count: 15) + [0x00, 0x00]
        // SOF: precision 8, height, width, 3 components
        b += [
            0xFF, sof, 0x00, 0x11, 0x08, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8),
            UInt8(width & 0xFF), 0x03,
        ]
        b += [0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]
        let tail: [UInt8] = [0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x12, 0x34, 0xFF, 0xD9]
        // Fill with COM segments (≤ 65,535 bytes each) to reach the exact size.
        var remaining = size - b.count - tail.count
        precondition(remaining >= 0 && (remaining == 0 || remaining >= 4))
        while remaining > 0 {
            var chunk = min(remaining, 65_537)
            if remaining - chunk > 0 && remaining - chunk < 4 { chunk -= 4 }
            b +=
                [0xFF, 0xFE, UInt8((chunk - 2) >> 8), UInt8((chunk - 2) & 0xFF)]
                + [UInt8](repeating: 0x41, count: chunk - 4)
            remaining -= chunk
        }
        return b + tail
    }

    static func base64(width: Int, height: Int, size: Int) -> String {
        Base64.encode(make(width: width, height: height, size: size))
    }
}
