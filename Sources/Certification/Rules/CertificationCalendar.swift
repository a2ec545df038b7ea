import Chronology

/// The calendar rules of SPEC §2 and §5, in Asia/Shanghai local time.
public enum CertificationCalendar {
    /// How long before the exam tickets are due, and registration closes (notice §三(四)).
    public static let ticketLeadDays = 7

    /// The instant registration closes: exactly exam start − 7 days. An application at or after
    /// it is refused (`registration-closed`).
    public static func registrationCloses(examStartsAt: Timestamp) -> Timestamp {
        examStartsAt.adding(days: -ticketLeadDays)
    }

    /// Whether an application made at `at` is in time for an exam starting at `examStartsAt`.
    public static func acceptsApplication(at: Timestamp, examStartsAt: Timestamp) -> Bool {
        at < registrationCloses(examStartsAt: examStartsAt)
    }

    /// `registration-closed` for batch `batchID` when `at` is at or after its registration
    /// closes (applications, and retakes, which register for a sitting the same way).
    static func registrationRejection(
        batchID: String,
        examStartsAt: Timestamp,
        at: Timestamp,
        field: String
    ) -> Rejection? {
        guard !acceptsApplication(at: at, examStartsAt: examStartsAt) else { return nil }
        return Rejection(
            .registrationClosed,
            "registration for batch \(batchID) closed at \(registrationCloses(examStartsAt: examStartsAt)), 7 days before the exam",
            field: field
        )
    }

    /// Whether a ticket sent at `at` is late (sent after exam start − 7 days: accepted, but an
    /// audit finding `ticket-late`). Exactly 7 days before is on time.
    public static func ticketIsLate(sentAt: Timestamp, examStartsAt: Timestamp) -> Bool {
        sentAt > registrationCloses(examStartsAt: examStartsAt)
    }

    /// The candidate's age in whole years on the local date of `at` (decision: age is counted
    /// on the application date).
    public static func age(birthDate: LocalDate, at: Timestamp) -> Int {
        birthDate.wholeYears(until: at.localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset))
    }

    /// The last local day a subject passed at an exam on `examDate` is kept: one year later,
    /// inclusive (2024-04-20 → 2025-04-20; 2024-02-29 → 2025-02-28).
    public static func passKeptUntil(examDate: LocalDate) -> LocalDate {
        examDate.adding(years: 1)
    }

    /// Whether a pass from an exam on `examDate` still counts on the local date of `at`.
    public static func passIsKept(examDate: LocalDate, at: Timestamp) -> Bool {
        at.localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset) <= passKeptUntil(examDate: examDate)
    }
}
