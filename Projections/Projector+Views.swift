import CertificationWire
import Chronology
import DocketJSON
import EventLog
import Foundation
import GRDB

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
        guard let queue = try openCurrent("cases") else { return nil }
        let row: Row?
        do {
            row = try queue.read { db in
                try Row.fetchOne(
                    db,
                    sql: "SELECT v.view, c.lapses_on FROM cases c JOIN case_views v USING (case_id) WHERE case_id = ?",
                    arguments: [caseID]
                )
            }
        } catch {
            throw ProjectionError(.database, "cannot read case \(caseID) from the cases model: \(error)")
        }
        guard let row, case .object(var view)? = try? JSONParser.parse(Array((row["view"] as String).utf8)) else {
            return nil
        }
        // A kept pass that ran out by now turns the status to failed, as the log's fold would.
        let today = now.localDate(utcOffsetSeconds: Timestamp.chinaStandardOffset).description
        if let lapses: String = row["lapses_on"], today >= lapses { view.set("status", .string("failed")) }
        view.set("asOf", .string(now.description))
        return .object(view)
    }

    /// Case `caseID`'s events from the timelines model when it holds every event of the log;
    /// `nil` when it is behind or the case is not there.
    public func currentTimeline(_ caseID: String) throws(ProjectionError) -> [TimelineEntry]? {
        guard let queue = try openCurrent("timelines") else { return nil }
        let rows: [Row]
        do {
            rows = try queue.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT position, version, type, at, recorded_at, actor_id, actor_role, command_id, summary, data
                        FROM timeline WHERE case_id = ? ORDER BY version
                        """,
                    arguments: [caseID]
                )
            }
        } catch {
            throw ProjectionError(.database, "cannot read case \(caseID) from the timelines model: \(error)")
        }
        guard !rows.isEmpty else { return nil }
        var entries: [TimelineEntry] = []
        for row in rows {
            guard let at = RFC3339.parse(row["at"]), let recordedAt = RFC3339.parse(row["recorded_at"]) else {
                return nil
            }
            let event = InterchangeEvent(
                position: UInt64(row["position"] as Int64),
                stream: StreamName.forCase(caseID),
                version: UInt64(row["version"] as Int64),
                type: row["type"],
                at: at,
                recordedAt: recordedAt,
                metadata: EventMetadata(
                    actorID: row["actor_id"],
                    role: row["actor_role"],
                    commandID: row["command_id"],
                    commandDigest: nil
                ),
                data: Array((row["data"] as String).utf8)
            )
            entries.append(TimelineEntry(event: event, summary: row["summary"]))
        }
        return entries
    }

    /// The live file of `name` for reading, if it exists and holds the whole log. Readers are
    /// kept open (a pool per model, reopened when a rebuild swaps the file): opening a file per
    /// read cost more than the read.
    func openCurrent(_ name: String) throws(ProjectionError) -> DatabasePool? {
        guard let pool = openReader(name),
            let position = try? pool.read({ db in try Int64.fetchOne(db, sql: "SELECT position FROM _checkpoint") }),
            UInt64(position ?? 0) == log.lastPosition
        else { return nil }
        return pool
    }

    /// The kept read-only pool of the live file of `name`, if the file exists.
    func openReader(_ name: String) -> DatabasePool? {
        let file = path(name)
        guard let inode = Self.inode(file) else { return nil }
        return readers.pool(name, inode: inode) { () -> DatabasePool? in
            var configuration = Configuration()
            configuration.readonly = true
            configuration.maximumReaderCount = 8
            return try? DatabasePool(path: file, configuration: configuration)
        }
    }
}

/// Read-only pools of the live models, by name, each with the inode it was opened on.
final class ReaderPools: @unchecked Sendable {
    private let lock = NSLock()
    private var pools: [String: (pool: DatabasePool, inode: UInt64)] = [:]

    func pool(_ name: String, inode: UInt64, open: () -> DatabasePool?) -> DatabasePool? {
        lock.withLock {
            if let known = pools[name], known.inode == inode { return known.pool }
            guard let pool = open() else { return nil }
            pools[name] = (pool, inode)
            return pool
        }
    }
}
