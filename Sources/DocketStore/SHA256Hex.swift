import Crypto

/// SHA-256 as lower-case hex: photo addresses and command digests.
enum SHA256Hex {
    static let digits = Array("0123456789abcdef".utf8)

    static func of(_ bytes: [UInt8]) -> String {
        let digest = SHA256.hash(data: bytes)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
