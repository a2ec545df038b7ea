/// A calendar date with no time or zone: a birth date, an exam day, the last day of a window.
///
/// Certification rules count in whole local days (Asia/Shanghai for this body). Dates compare and
/// step as days since 1970-01-01 in the proleptic Gregorian calendar.
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A valid date, or `nil` (for instance 2023-02-29).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= Int(RFC3339.daysIn(month: Int64(month), year: Int64(year)))
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`; `nil` for any other text or an impossible date.
    public init?(_ text: String) {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == 45, u[7] == 45 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                guard u[i] >= 48, u[i] <= 57 else { return nil }
                n = n * 10 + Int(u[i] - 48)
            }
            return n
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The date `days` after 1970-01-01.
    public init(daysSinceEpoch days: Int64) {
        let (y, m, d) = RFC3339.civilFromDays(days)
        year = Int(y)
        month = Int(m)
        day = Int(d)
    }

    /// Days since 1970-01-01.
    public var daysSinceEpoch: Int64 { RFC3339.daysFromCivil(Int64(year), Int64(month), Int64(day)) }

    /// The date `days` later (earlier if negative).
    public func adding(days: Int) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + Int64(days)) }

    /// The same month and day `years` later; 29 February becomes 28 February in a common year.
    public func adding(years: Int) -> LocalDate {
        let target = year + years
        let last = Int(RFC3339.daysIn(month: Int64(month), year: Int64(target)))
        return LocalDate(year: target, month: month, day: min(day, last))!
    }

    /// Whole years from `self` to `date` (an age on a day: the birthday counts from its day).
    public func wholeYears(until date: LocalDate) -> Int {
        var years = date.year - year
        if (date.month, date.day) < (month, day) { years -= 1 }
        return years
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var description: String {
        func pad(_ n: Int, _ w: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }
}

extension Timestamp {
    /// The calendar date of this instant at a fixed UTC offset.
    ///
    /// Asia/Shanghai is UTC+08:00 all year (no daylight saving since 1991), so the certification
    /// rules use ``chinaStandardOffset``.
    public func localDate(utcOffsetSeconds offset: Int32) -> LocalDate {
        let local = microseconds + Int64(offset) * 1_000_000
        return LocalDate(daysSinceEpoch: local.floorDivided(by: 86_400_000_000))
    }

    /// Asia/Shanghai's offset from UTC, in seconds.
    public static let chinaStandardOffset: Int32 = 8 * 3600

    /// The instant `days` whole days later.
    public func adding(days: Int) -> Timestamp {
        Timestamp(microseconds: microseconds + Int64(days) * 86_400_000_000, utcOffsetSeconds: utcOffsetSeconds)
    }
}
