import Chronology
import DocketStore
import DocketTestSupport
import Foundation
import Testing

/// The access log beside the log (issue 17): chained records, a torn last record cut back,
/// tampering found by `verify`.
@Suite struct AccessLogTests {
    static func record(_ purpose: String, case caseID: String = "2024-04-000001") -> AccessLog.Record {
        AccessLog.Record(
            at: RFC3339.parse("2026-12-03T10:00:00+08:00")!,
            actorID: "sup-1",
            role: "supervisor",
            channel: "api",
            action: "case-view",
            caseID: caseID,
            fields: ["identity:masked", "details"],
            purpose: purpose
        )
    }

    @Test func recordsAreChainedListedByCaseAndATornLastOneIsCutBack() throws {
        let t = try TemporaryStore()
        let log = try t.store.accessLog
        try log.append(Self.record("complaint C-1"))
        try log.append(Self.record("audit A-1", case: "2024-04-000002"))
        #expect(try log.records(caseID: "2024-04-000001").map(\.purpose) == ["complaint C-1"])
        #expect(try log.verify().records == 2 && log.verify().problem == nil)
        // A crash while writing a record: half a line at the end.
        let path = AccessLog.path(storeRoot: t.path)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"seq":3,"at":"2026-12-03T1"#.utf8))
        try handle.close()
        // Another process (a fresh reader) appends next: the torn record is cut, the chain goes on.
        let other = try AccessLog.open(storeRoot: t.path)
        let appended = try other.append(Self.record("complaint C-2"))
        #expect(appended.seq == 3)
        #expect(try other.verify().records == 3 && other.verify().problem == nil)
        // A record changed after the fact breaks the chain at the next line.
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "complaint C-1", with: "complaint C-9")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try other.verify().problem?.contains("line 2") == true)
    }
}
