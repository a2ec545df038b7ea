import Testing

@testable import Chronology

@Suite struct RFC3339Tests {
    @Test(arguments: [
        "2024-03-02T10:15:00+08:00", "2024-03-02T02:15:00Z", "1969-12-31T23:59:59.5Z",
        "2024-02-29T00:00:00.000001-05:30",
    ])
    func textRoundTripsWithItsOffset(text: String) throws {
        let t = try #require(RFC3339.parse(text))
        #expect(RFC3339.format(t) == text)
    }

    @Test func theSameInstantInTwoOffsetsIsEqual() {
        #expect(RFC3339.parse("2024-03-02T10:15:00+08:00") == RFC3339.parse("2024-03-02T02:15:00Z"))
        #expect(RFC3339.parse("2024-03-02T10:15:00+08:00")!.utcOffsetSeconds == 28_800)
    }

    @Test(arguments: [
        "2024-03-02T10:15:00", "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z",
        "2024-03-02 10:15Z",
        "2024-03-02T24:00:00Z", "2024-03-02T10:15:00+0800", "2024-03-02T10:15:00.Z", "",
    ])
    func invalidTextIsRefused(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test func localDatesParseStrictlyAndStepByDaysAndYears() {
        #expect(LocalDate("2024-02-29") != nil)
        #expect(LocalDate("2023-02-29") == nil)
        #expect(LocalDate("2024-2-29") == nil)
        #expect(LocalDate("2024-12-31")!.adding(days: 1) == LocalDate("2025-01-01")!)
        #expect(LocalDate("1995-06-01")!.wholeYears(until: LocalDate("2024-05-31")!) == 28)
        #expect(LocalDate("1995-06-01")!.wholeYears(until: LocalDate("2024-06-01")!) == 29)
        #expect(RFC3339.parse("2024-03-01T16:30:00Z")!.localDate(utcOffsetSeconds: 28_800) == LocalDate("2024-03-02")!)
    }
}
