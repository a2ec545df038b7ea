import Chronology
import DocketApplication
import DocketTestSupport
import Foundation
import Projections
import Testing

/// Reports now and in the past, and filters a client may send.
@Suite struct ReportTests {
    @Test func aReportKnownAtAMomentIsBuiltFromWhatTheStoreHeldThen() throws {
        let f = try CaseReadTests.lateComplaintHistory()
        let now = try f.service.report("complaints")
        #expect(now.report.rows.count == 1)
        let before = try f.service.report("complaints", cut: .knownAt(moment("2024-05-31T00:00:00+08:00")))
        #expect(before.report.rows.isEmpty)
        #expect(before.logPosition == 5)
        #expect(before.today.description == "2024-05-31")
        // By business time the complaint (25 April) had been lodged by 1 May.
        let asOf = try f.service.report("complaints", cut: .asOf(moment("2024-05-01T00:00:00+08:00")))
        #expect(asOf.report.rows.count == 1)
        // The build is kept: a second ask reads the same file.
        let files = try FileManager.default.contentsOfDirectory(atPath: f.temporary.path + "/projections")
        #expect(files.contains("complaints.known-5.e0.sqlite"), "named by position and erasure count")
    }

    @Test(arguments: [
        (36_500, nil), (36_501, "expiringWithin"), (-1, "expiringWithin"), (Int.max, "expiringWithin"),
    ] as [(Int, String?)])
    func aCountOfDaysOutOfRangeIsRefusedNotOverflowed(days: Int, field: String?) throws {
        let f = try Fixture([Line.schedule("2024-04", examStartsAt: "2024-04-20T09:00:00+08:00")])
        var filters = Report.Filters()
        filters.expiringWithinDays = days
        if let field {
            let error = #expect(throws: DocketError.self) { try f.service.report("retakes", filters: filters) }
            #expect(error?.field == field)
        } else {
            #expect(throws: Never.self) { try f.service.report("retakes", filters: filters) }
        }
    }

    @Test func anUnknownReportIsRefusedNamingTheReports() throws {
        let f = try Fixture([Line.schedule("2024-04", examStartsAt: "2024-04-20T09:00:00+08:00")])
        let error = #expect(throws: DocketError.self) { try f.service.report("payments") }
        #expect(error?.code == .unknownReport && error?.message.contains("revenue") == true)
    }

    @Test func anUnknownBatchOrOccupationIsRefusedNamingTheKnownOnes() throws {
        let f = try Fixture([
            Line.schedule("2024-04", examStartsAt: "2024-04-20T09:00:00+08:00"),
            Line.schedule("2024-07", examStartsAt: "2024-07-20T09:00:00+08:00"), Line.apply("2024-04-000001"),
        ])
        var filters = Report.Filters()
        filters.batch = "2024-05"
        let batch = #expect(throws: DocketError.self) { try f.service.report("revenue", filters: filters) }
        #expect(batch?.code == .unknownFilterValue && batch?.field == "batch")
        #expect(batch?.message.contains("2024-04, 2024-07") == true)
        filters.batch = "2024-07"
        #expect(throws: Never.self) { try f.service.report("revenue", filters: filters) }
        filters.occupation = "chef"
        let occupation = #expect(throws: DocketError.self) { try f.service.report("revenue", filters: filters) }
        #expect(occupation?.field == "occupation" && occupation?.message.contains("ai-trainer") == true)
    }
}
