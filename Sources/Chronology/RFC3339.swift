/// RFC 3339 formatting and parsing without Foundation, fast enough for hot paths.
///
/// Written by hand because Foundation's `ISO8601DateFormatter` loses the offset the time was
/// written in and is slow (a formatter object per call site, ~10 µs per parse).
public enum RFC3339 {
    /// Formats `timestamp` as `YYYY-MM-DDThh:mm:ss[.ffffff]±hh:mm` (`Z` for UTC).
    public static func format(_ timestamp: Timestamp) -> String {
        let offset = Int64(timestamp.utcOffsetSeconds)
        let local = timestamp.microseconds + offset * 1_000_000
        var seconds = local.floorDivided(by: 1_000_000)
        var micros = local - seconds * 1_000_000
        let days = seconds.floorDivided(by: 86_400)
        seconds -= days * 86_400
        let (year, month, day) = civilFromDays(days)
        // Written byte by byte: timelines format two timestamps per event, and building the
        // text from padded pieces was most of a timeline row's cost.
        return String(unsafeUninitializedCapacity: 40) { out in
            var n = 0
            func put(_ byte: UInt8) {
                out[n] = byte
                n += 1
            }
            func digits(_ value: Int64, _ width: Int) {
                var value = value
                if width == 4, value > 9999 || value < 0 {
                    for byte in String(value).utf8 { put(byte) }
                    return
                }
                var i = width - 1
                while i >= 0 {
                    out[n + i] = UInt8(48 + value % 10)
                    value /= 10
                    i -= 1
                }
                n += width
            }
            digits(year, 4)
            put(45)
            digits(month, 2)
            put(45)
            digits(day, 2)
            put(84)
            digits(seconds / 3600, 2)
            put(58)
            digits(seconds / 60 % 60, 2)
            put(58)
            digits(seconds % 60, 2)
            if micros != 0 {
                var width = 6
                while micros % 10 == 0 {
                    micros /= 10
                    width -= 1
                }
                put(46)
                digits(micros, width)
            }
            if offset == 0 {
                put(90)
            } else {
                put(offset < 0 ? 45 : 43)
                let magnitude = abs(offset)
                digits(magnitude / 3600, 2)
                put(58)
                digits(magnitude / 60 % 60, 2)
            }
            return n
        }
    }

    /// Parses RFC 3339 text with a required offset (`Z` or `±hh:mm`).
    /// - Returns: `nil` when the text is not a valid RFC 3339 date-time with offset.
    public static func parse(_ text: String) -> Timestamp? {
        var utf8 = Array(text.utf8)
        return utf8.withUnsafeMutableBufferPointer { parse(UnsafeBufferPointer($0)) }
    }

    static func parse(_ s: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        guard s.count >= 20 else { return nil }
        func digits(_ start: Int, _ count: Int) -> Int64? {
            var value: Int64 = 0
            for i in start..<(start + count) {
                let c = s[i]
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int64(c - 48)
            }
            return value
        }
        guard let year = digits(0, 4), s[4] == 45, let month = digits(5, 2), s[7] == 45, let day = digits(8, 2),
            s[10] == 84 || s[10] == 116 || s[10] == 32, let hour = digits(11, 2), s[13] == 58,
            let minute = digits(14, 2), s[16] == 58, let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60,
            second < 60
        else { return nil }
        var i = 19
        var micros: Int64 = 0
        if i < s.count, s[i] == 46 {
            i += 1
            var count = 0
            while i < s.count, s[i] >= 48, s[i] <= 57 {
                if count < 6 { micros = micros * 10 + Int64(s[i] - 48) }
                count += 1
                i += 1
            }
            guard count > 0 else { return nil }
            for _ in min(count, 6)..<6 { micros *= 10 }
        }
        guard i < s.count else { return nil }
        var offset: Int64 = 0
        if s[i] == 90 || s[i] == 122 {
            i += 1
        } else if s[i] == 43 || s[i] == 45 {
            guard i + 6 == s.count, let oh = digits(i + 1, 2), s[i + 3] == 58, let om = digits(i + 4, 2), oh < 24,
                om < 60
            else { return nil }
            offset = (oh * 3600 + om * 60) * (s[i] == 45 ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == s.count else { return nil }
        let days = daysFromCivil(year, month, day)
        let localSeconds = days * 86_400 + hour * 3600 + minute * 60 + second
        return Timestamp(
            microseconds: (localSeconds - offset) * 1_000_000 + micros,
            utcOffsetSeconds: Int32(offset)
        )
    }

    /// The number of days in `month` of `year` (Gregorian leap years).
    public static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01.
    public static func civilFromDays(_ z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }
}
