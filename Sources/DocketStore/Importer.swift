import Certification
import CertificationWire
import EventLog

/// `import`: histories from an older system in the interchange format, taken as they are —
/// envelope and schema checked, no rules (`verify` re-runs them and reports what broke one).
///
/// Two passes: the first checks every line (and that each stream's versions continue from the
/// store's without gaps) and appends nothing if any line is wrong; the second appends in the
/// log's bulk mode, with one sync at the end. Positions are reassigned; original times are kept.
public enum Importer {
    /// A line that cannot be imported.
    public struct LineProblem: Sendable, CustomStringConvertible {
        public var line: Int
        public var rejection: Rejection
        public var description: String {
            "line \(line): \(rejection.code.rawValue): \(rejection.message)"
                + (rejection.field.map { " (\($0))" } ?? "")
        }
    }

    /// The first pass: up to `limit` problems, none when the input can be imported as a whole.
    public static func check(
        _ lines: inout LineReader,
        against log: EventLog,
        limit: Int = 20
    ) -> (events: Int, problems: [LineProblem]) {
        var nextVersion: [String: UInt64] = [:]
        var problems: [LineProblem] = []
        var events = 0
        while let line = lines.next() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            switch InterchangeEvent.parse(line: line) {
            case .failure(let r):
                problems.append(LineProblem(line: lines.lineNumber, rejection: r))
            case .success(let (event, _)):
                let expected = nextVersion[event.stream] ?? (log.version(of: event.stream) + 1)
                if event.version != expected {
                    problems.append(
                        LineProblem(
                            line: lines.lineNumber,
                            rejection: Rejection(
                                .versionConflict,
                                "\(event.stream) continues at version \(expected), not \(event.version)",
                                field: "version"
                            )
                        )
                    )
                }
                nextVersion[event.stream] = event.version + 1
                events += 1
            }
            if problems.count >= limit { break }
        }
        if let error = lines.error {
            problems.append(LineProblem(line: lines.lineNumber, rejection: Rejection(.invalidJSON, error.message)))
        }
        return (events, problems)
    }

    /// The second pass: appends every line (already checked) in groups, then syncs once.
    /// - Returns: the number of events appended.
    public static func append(
        _ lines: inout LineReader,
        to store: DocketStore,
        progress: (Int) -> Void = { _ in }
    ) throws(DocketStoreError) -> Int {
        var parts: [AppendRequest.StreamEvents] = []
        var pending = 0
        var total = 0
        func flushGroup() throws(DocketStoreError) {
            guard !parts.isEmpty else { return }
            do throws(EventLogError) {
                _ = try store.log.appendAndWait(AppendRequest(streams: parts))
            } catch {
                throw DocketStoreError.from(error)
            }
            parts.removeAll(keepingCapacity: true)
            pending = 0
            progress(total)
        }
        while let line = lines.next() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            guard case .success(let (event, decoded)) = InterchangeEvent.parse(line: line) else {
                throw DocketStoreError(.invalidRequest, "line \(lines.lineNumber) changed since it was checked")
            }
            // Sealed under this store's keys (an erased group stays erased).
            let payload: [UInt8]
            do throws(PersonalSeal.SealingError) {
                payload = try PersonalSeal.storedPayload(
                    of: decoded,
                    stream: event.stream,
                    position: store.log.lastPosition + UInt64(pending) + 1,
                    keys: store.personalKeys
                )
            } catch {
                throw DocketStoreError(.io, error.message)
            }
            // Events after an imported erasure are sealed under new keys (the erasure is
            // completed, destroying the keys before it, when the store is next opened to write).
            if case .caseEvent(.personalDataErased(let erased)) = decoded,
                let caseID = StreamName.caseID(of: event.stream)
            {
                store.keyring?.retire(caseID: caseID, groups: erased.groups)
            }
            let proposed = ProposedEvent(
                type: event.type,
                occurredAt: event.at,
                recordedAt: event.recordedAt,
                metadata: event.metadata.bytes,
                payload: payload
            )
            if let last = parts.indices.last, parts[last].stream == event.stream {
                parts[last].events.append(proposed)
            } else {
                parts.append(
                    .init(stream: event.stream, expectedVersion: .exactly(event.version - 1), events: [proposed])
                )
            }
            pending += 1
            total += 1
            if pending >= 4096 { try flushGroup() }
        }
        try flushGroup()
        try store.flush()
        return total
    }
}
