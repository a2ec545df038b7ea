import Testing

@testable import LZ4Codec

@Suite struct LZ4BlockTests {
    static let text: [UInt8] = Array(
        String(
            repeating: "{\"type\":\"Applied\",\"batch\":\"2024-04\",\"occupation\":\"ai-trainer\",\"level\":5}",
            count: 40
        ).utf8
    )

    static func compress(_ input: [UInt8], dictionary: LZ4Dictionary? = nil, high: Bool = false) -> [UInt8]? {
        let compressor = LZ4BlockCompressor()
        var out = [UInt8](repeating: 0, count: LZ4Block.compressBound(input.count))
        let written = input.withUnsafeBytes { source in
            out.withUnsafeMutableBytes {
                compressor.compress(source, into: $0, dictionary: dictionary, highCompression: high)
            }
        }
        return written.map { Array(out.prefix($0)) }
    }

    @Test(arguments: [false, true])
    func aBlockRoundTripsAndShrinks(high: Bool) throws {
        let compressed = try #require(Self.compress(Self.text, high: high))
        #expect(compressed.count < Self.text.count / 4)
        let back = try compressed.withUnsafeBytes { try LZ4Block.decompress($0, rawSize: Self.text.count) }
        #expect(back == Self.text)
    }

    @Test(arguments: [false, true])
    func aDictionaryShrinksASmallBlockAndIsNeededToDecodeIt(high: Bool) throws {
        let dictionary = LZ4Dictionary(Self.text)
        let small = Array("{\"type\":\"Applied\",\"batch\":\"2024-07\",\"occupation\":\"ai-trainer\",\"level\":5}".utf8)
        let alone = try #require(Self.compress(small, high: high))
        let withDictionary = try #require(Self.compress(small, dictionary: dictionary, high: high))
        #expect(withDictionary.count < alone.count / 2)
        let back = try withDictionary.withUnsafeBytes {
            try LZ4Block.decompress($0, rawSize: small.count, dictionary: dictionary)
        }
        #expect(back == small)
        // Without the dictionary the block does not decode to the original.
        let wrong = try? withDictionary.withUnsafeBytes { try LZ4Block.decompress($0, rawSize: small.count) }
        #expect(wrong != small)
    }

    @Test func aDictionaryKeepsOnlyItsLast64KiB() {
        let big = [UInt8](repeating: 7, count: 100_000) + [1, 2, 3]
        let dictionary = LZ4Dictionary(big)
        #expect(dictionary.count == LZ4Dictionary.maximumSize)
        #expect(dictionary.bytes.suffix(3) == [1, 2, 3])
    }

    @Test func aWrongDeclaredSizeIsRefused() throws {
        let compressed = try #require(Self.compress(Self.text))
        for size in [Self.text.count - 1, Self.text.count + 1] {
            #expect(throws: LZ4Error.self) {
                _ = try compressed.withUnsafeBytes { try LZ4Block.decompress($0, rawSize: size) }
            }
        }
    }

    @Test func damagedInputNeverDecodesToTheOriginalOrCrashes() throws {
        let compressed = try #require(Self.compress(Self.text))
        for i in 0..<compressed.count {
            var damaged = compressed
            damaged[i] ^= 0xFF
            let result = try? damaged.withUnsafeBytes { try LZ4Block.decompress($0, rawSize: Self.text.count) }
            // Either refused, or (a literal byte changed) different output: never silently the original.
            #expect(result != Self.text, "flip at \(i)")
        }
        let truncated = Array(compressed.dropLast(5))
        #expect(throws: LZ4Error.self) {
            _ = try truncated.withUnsafeBytes { try LZ4Block.decompress($0, rawSize: Self.text.count) }
        }
    }

    @Test func anEmptyBlockIsTheSingleZeroToken() throws {
        let empty = try [UInt8]([0]).withUnsafeBytes { try LZ4Block.decompress($0, rawSize: 0) }
        #expect(empty.isEmpty)
        #expect(throws: LZ4Error.self) {
            _ = try [UInt8]([1]).withUnsafeBytes { try LZ4Block.decompress($0, rawSize: 0) }
        }
    }
}
