import Chronology
import Testing

@testable import Certification

@Suite struct CertificationCalendarTests {
    static func at(_ text: String) -> Timestamp { RFC3339.parse(text)! }
    static let exam = at("2024-04-20T09:00:00+08:00")

    @Test func registrationClosesAtExactlySevenDaysBeforeTheExam() {
        #expect(
            CertificationCalendar.acceptsApplication(at: Self.at("2024-04-13T08:59:59+08:00"), examStartsAt: Self.exam)
        )
        #expect(
            !CertificationCalendar.acceptsApplication(at: Self.at("2024-04-13T09:00:00+08:00"), examStartsAt: Self.exam)
        )
        // The same instant written in UTC.
        #expect(!CertificationCalendar.acceptsApplication(at: Self.at("2024-04-13T01:00:00Z"), examStartsAt: Self.exam))
    }

    @Test func aTicketExactlySevenDaysBeforeIsOnTimeAndLaterIsLate() {
        #expect(
            !CertificationCalendar.ticketIsLate(sentAt: Self.at("2024-04-13T09:00:00+08:00"), examStartsAt: Self.exam)
        )
        #expect(
            CertificationCalendar.ticketIsLate(sentAt: Self.at("2024-04-13T09:00:01+08:00"), examStartsAt: Self.exam)
        )
    }

    @Test func ageCountsInLocalDaysOnTheApplicationDate() {
        let birth = LocalDate("2008-03-02")!
        #expect(CertificationCalendar.age(birthDate: birth, at: Self.at("2024-03-02T00:00:00+08:00")) == 16)
        #expect(CertificationCalendar.age(birthDate: birth, at: Self.at("2024-03-01T23:59:59+08:00")) == 15)
        // 2024-03-01T16:30Z is already 2 March in Shanghai.
        #expect(CertificationCalendar.age(birthDate: birth, at: Self.at("2024-03-01T16:30:00Z")) == 16)
    }

    @Test func aPassIsKeptThroughTheSameDateOneYearLater() {
        let examDay = LocalDate("2024-04-20")!
        #expect(CertificationCalendar.passKeptUntil(examDate: examDay) == LocalDate("2025-04-20")!)
        #expect(CertificationCalendar.passIsKept(examDate: examDay, at: Self.at("2025-04-20T23:59:59+08:00")))
        #expect(!CertificationCalendar.passIsKept(examDate: examDay, at: Self.at("2025-04-21T00:00:00+08:00")))
    }

    @Test func twentyNinthFebruaryPlusAYearIsTwentyEighthFebruary() {
        #expect(CertificationCalendar.passKeptUntil(examDate: LocalDate("2024-02-29")!) == LocalDate("2025-02-28")!)
        #expect(LocalDate("2024-02-29")!.adding(years: 4) == LocalDate("2028-02-29")!)
    }
}
