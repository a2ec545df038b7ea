import CertificationWire
import Chronology
import DocketJSON
import EventLog
import Foundation

extension Projector {
    /// A timeline entry read from the timelines model: the event as the interchange format
    /// shows it (identity number masked) and its one-line summary.
    public struct TimelineEntry: Sendable {
        public var event: InterchangeEvent
        public var summary: String
        public init(event: InterchangeEvent, summary: String) {
            self.event = event
            self.summary = summary
        }
    }

    /// Case `caseID`'s view from the cases model, with its status as of `now`, when the model
    /// holds every event of the log; `nil` when it is behind (read the log then) or the case is
    /// not there.
    public func currentCaseView(_ caseID: String, now: Timestamp) throws(ProjectionError) -> JSONValue? {
        guard let bytes = try currentCaseViewJSON(caseID, now: now) else { return nil }
        return try? JSONParser.parse(bytes)
    }

    /// ``currentCaseView(_:now:)`` as the JSON bytes the log's path writes for it (what the
    /// server sends): the stored view with its status brought to `now` and `asOf` set, spliced
    /// into the stored bytes rather than parsed and written again.
    public func currentCaseViewJSON(_ caseID: String, now: Timestamp) throws(ProjectionError) -> [UInt8]? {
        guard let reader = readers.reader("cases", path: path("cases")) else { return nil }
        let lastPosition = Int64(log.lastPosition)
        guard try reader.fileSchemaVersion() == Int64(schemaVersion(of: "cases") ?? 0) else { return nil }
        var found: (view: [UInt8], lapsesOn: String?)?
        // One statement: the checkpoint and the row come from one snapshot.
        try reader.read { connection throws(ProjectionError) in
            try connection.rows(
                """
                SELECT (SELECT position FROM _checkpoint), v.view, c.lapses_on
                FROM case_views v JOIN cases c USING (case_id) WHERE v.case_id = ?
                """,
                [caseID]
            ) { row in
                guard row.int(0) == lastPosition, let view = row.bytes(1) else { return }
                found = (view, row.text(2))
            }
        }
        guard let found else { return nil }
        // A kept pass that ran out by now turns the status to failed, as the log's fold would.
        let today = now.localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset).description
        let lapsed = found.lapsesOn.map { today >= $0 } ?? false
        return Self.restamp(found.view, failed: lapsed, asOf: now.description)
    }

    /// The stored view (`{"case":…,"version":…,"status":"…",…,"asOf":"…"}`, compact, in the
    /// view's key order) with `asOf` replaced and, if `failed`, the status too; nil if the bytes
    /// are not in that shape.
    static func restamp(_ view: [UInt8], failed: Bool, asOf: String) -> [UInt8]? {
        let asOfKey = Array(#","asOf":""#.utf8)
        guard view.last == 0x7D, let asOfAt = lastIndex(of: asOfKey, in: view) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(view.count + 16)
        var head = view[..<asOfAt]
        if failed {
            let statusKey = Array(#","status":""#.utf8)
            guard let statusAt = firstIndex(of: statusKey, in: head),
                let valueEnd = head[(statusAt + statusKey.count)...].firstIndex(of: 0x22)
            else { return nil }
            out += head[..<(statusAt + statusKey.count)]
            out += Array("failed".utf8)
            head = head[valueEnd...]
        }
        out += head
        out += asOfKey
        out += Array(asOf.utf8)
        out += [0x22, 0x7D]
        return out
    }

    private static func firstIndex(of needle: [UInt8], in bytes: ArraySlice<UInt8>) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var i = bytes.startIndex
        while i <= bytes.endIndex - needle.count {
            if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    private static func lastIndex(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var i = bytes.count - needle.count
        while i >= 0 {
            if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i -= 1
        }
        return nil
    }

    /// Case `caseID`'s events from the timelines model when it holds every event of the log;
    /// `nil` when it is behind or the case is not there.
    public func currentTimeline(_ caseID: String) throws(ProjectionError) -> [TimelineEntry]? {
        guard let reader = readers.reader("timelines", path: path("timelines")) else { return nil }
        let lastPosition = Int64(log.lastPosition)
        guard try reader.fileSchemaVersion() == Int64(schemaVersion(of: "timelines") ?? 0) else { return nil }
        var entries: [TimelineEntry] = []
        var current = true
        var readable = true
        try reader.read { connection throws(ProjectionError) in
            try connection.rows(
                """
                SELECT (SELECT position FROM _checkpoint), position, version, type, at, recorded_at,
                    actor_id, actor_role, command_id, summary, data
                FROM timeline WHERE case_id = ? ORDER BY version
                """,
                [caseID]
            ) { row in
                guard row.int(0) == lastPosition else {
                    current = false
                    return
                }
                guard let at = row.text(4).flatMap(RFC3339.parse), let recordedAt = row.text(5).flatMap(RFC3339.parse)
                else {
                    readable = false
                    return
                }
                let event = InterchangeEvent(
                    position: UInt64(row.int(1) ?? 0),
                    stream: StreamName.forCase(caseID),
                    version: UInt64(row.int(2) ?? 0),
                    type: row.text(3) ?? "",
                    at: at,
                    recordedAt: recordedAt,
                    metadata: EventMetadata(
                        actorID: row.text(6) ?? "",
                        role: row.text(7) ?? "",
                        commandID: row.text(8),
                        commandDigest: nil
                    ),
                    data: row.bytes(10) ?? []
                )
                entries.append(TimelineEntry(event: event, summary: row.text(9) ?? ""))
            }
        }
        guard current, readable, !entries.isEmpty else { return nil }
        return entries
    }
}
