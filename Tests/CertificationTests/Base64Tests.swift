import Testing

@testable import Certification

@Suite struct Base64Tests {
    @Test(arguments: [[], [0], [0, 1], [0, 1, 2], [255, 254, 253, 252]] as [[UInt8]])
    func bytesRoundTrip(bytes: [UInt8]) {
        #expect(Base64.decode(Base64.encode(bytes)) == bytes)
    }

    @Test func knownVectorsDecode() {
        #expect(Base64.decode("Zm9vYmFy") == Array("foobar".utf8))
        #expect(Base64.decode("Zm9vYg==") == Array("foob".utf8))
        #expect(Base64.decode("Zm9vYmE=") == Array("fooba".utf8))
    }

    @Test(arguments: ["Zm9", "Zm9vYg=", "Zm9v\nYmFy", "Zm=vYmFy", "Zm9vYh==", "Zm9vYmF=", "Zm9v*mFy"])
    func malformedTextIsRefused(text: String) {
        #expect(Base64.decode(text) == nil)
    }
}
