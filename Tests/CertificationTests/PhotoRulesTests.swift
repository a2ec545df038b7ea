import Testing

@testable import Certification

@Suite struct PhotoRulesTests {
    static let field = "data.photo.jpegBase64"

    static func code(_ text: String) -> RejectionCode? {
        if case .failure(let rejection) = PhotoRules.check(base64: text, field: field) {
            #expect(rejection.field == field)
            return rejection.code
        }
        return nil
    }

    @Test(arguments: [(88, RejectionCode.photoTooSmall as RejectionCode?), (89, nil)])
    func aPhotoMustBeWiderThan88Pixels(width: Int, expected: RejectionCode?) {
        #expect(Self.code(JPEGFixture.base64(width: width, height: 400, size: 50_000)) == expected)
    }

    @Test(arguments: [(132, RejectionCode.photoTooSmall as RejectionCode?), (133, nil)])
    func aPhotoMustBeTallerThan132Pixels(height: Int, expected: RejectionCode?) {
        #expect(Self.code(JPEGFixture.base64(width: 300, height: height, size: 50_000)) == expected)
    }

    @Test(arguments: [
        (40_959, RejectionCode.photoSizeOutOfRange as RejectionCode?), (40_960, nil), (81_920, nil),
        (81_921, .photoSizeOutOfRange),
    ])
    func aPhotoMustBe40To80KiB(size: Int, expected: RejectionCode?) {
        #expect(Self.code(JPEGFixture.base64(width: 300, height: 400, size: size)) == expected)
    }

    @Test func dimensionsAreReadFromTheFrameHeaderOfAnySOFKindButNotDHTOrDAC() throws {
        for sof: UInt8 in [0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF] {
            let frame = JPEGInspector.frame(of: JPEGFixture.make(width: 295, height: 413, size: 50_000, sof: sof))
            #expect(frame == .init(width: 295, height: 413), "SOF \(sof)")
        }
        // DAC (CC) and JPG (C8) are not frame headers: with no real SOF, the scan comes first.
        for notFrame: UInt8 in [0xC8, 0xCC] {
            #expect(
                JPEGInspector.frame(of: JPEGFixture.make(width: 295, height: 413, size: 50_000, sof: notFrame)) == nil
            )
        }
        let facts = try PhotoRules.check(
            base64: JPEGFixture.base64(width: 295, height: 413, size: 52_311),
            field: Self.field
        ).get()
        #expect(facts.widthPx == 295 && facts.heightPx == 413 && facts.byteCount == 52_311)
    }

    @Test func anythingThatIsNotAWellFormedJPEGIsRefused() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 50_000)
        #expect(Self.code(Base64.encode(png)) == .photoNotJPEG)
        // SOI then straight into a scan: no frame header before it.
        let scanFirst: [UInt8] = [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02] + [UInt8](repeating: 0x55, count: 50_000)
        #expect(Self.code(Base64.encode(scanFirst)) == .photoNotJPEG)
        // A segment whose length runs past the end.
        let truncated: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xF0, 0x00]
        #expect(Self.code(Base64.encode(truncated)) == .photoNotJPEG)
        // Every prefix of a good file that stops before the end of its frame header is refused,
        // never trapped on; once the frame header is whole, its dimensions are read.
        let good = JPEGFixture.make(width: 300, height: 400, size: 41_000)
        let sofEnd = (0..<good.count - 1).first { good[$0] == 0xFF && good[$0 + 1] == 0xC0 }! + 2 + 17
        for cut in 0..<sofEnd { #expect(JPEGInspector.frame(of: Array(good.prefix(cut))) == nil, "cut \(cut)") }
        #expect(JPEGInspector.frame(of: Array(good.prefix(sofEnd))) == .init(width: 300, height: 400))
    }

    @Test func undecodableBase64IsAnInvalidFieldBeforeAnyPhotoRule() {
        #expect(Self.code("not base64!!") == .invalidField)
        #expect(Self.code("/9j/4AAQ") != .invalidField)
    }

    @Test func theChecksRunInTheSpecsOrder() {
        // Too small and too large: the dimension rule is reported first.
        #expect(Self.code(JPEGFixture.base64(width: 50, height: 50, size: 90_000)) == .photoTooSmall)
    }
}
