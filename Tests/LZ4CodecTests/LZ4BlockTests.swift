import Testing

@testable import LZ4Codec

@Test func placeholder() {}
