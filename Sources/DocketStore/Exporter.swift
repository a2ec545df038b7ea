import CertificationWire
import EventLog

/// `export`: the log as interchange lines (SPEC §3), from a position on. Stored payloads are
/// spliced as they are, except those holding sealed personal data, which are opened under the
/// store's keys (erased fields left out and named: ``PersonalSeal``).
public enum Exporter {
    /// Writes each event from `position` as one line to `write`, in chunks of about 1 MiB;
    /// `progress` gets the last position written after each chunk.
    /// - Returns: the number of events written.
    public static func export(
        _ log: EventLog,
        from position: UInt64 = 1,
        keys: (any PersonalDataKeys)?,
        write: ([UInt8]) -> Void,
        progress: (UInt64) -> Void = { _ in }
    ) throws(DocketStoreError) -> Int {
        var cursor = log.events(from: max(1, position))
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20 + 4096)
        var count = 0
        while true {
            let next: RecordedEvent?
            do throws(EventLogError) { next = try cursor.next() } catch { throw DocketStoreError.from(error) }
            guard let recorded = next else { break }
            try StoredEvent.interchange(recorded, keys: keys).write(into: &out)
            out.append(0x0A)
            count += 1
            if out.count >= 1 << 20 {
                write(out)
                out.removeAll(keepingCapacity: true)
                progress(recorded.position)
            }
        }
        if !out.isEmpty { write(out) }
        return count
    }
}
