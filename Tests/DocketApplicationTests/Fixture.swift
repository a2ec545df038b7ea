import CertificationWire
import Chronology
import DocketApplication
import DocketJSON
import DocketStore
import DocketTestSupport
import EventLog
import Foundation
import Projections

/// A store for application tests: commands submitted now, or a history imported with the
/// recorded times an older system would have given them (so business and recorded time differ).
final class Fixture {
    let temporary: TemporaryStore
    let service: DocketService

    /// Submits `lines` into a fresh store (recorded now); every command must be accepted.
    init(_ lines: [String], clock: @escaping @Sendable () -> Timestamp = { .now() }) throws {
        temporary = try TemporaryStore()
        let outcomes = temporary.submit(lines)
        if let refused = outcomes.first(where: { !$0.ok }) {
            throw FixtureError("a fixture command was refused: \(refused.code ?? "?")")
        }
        service = DocketService(
            store: temporary.store,
            projector: Projector(
                storeRoot: temporary.path,
                log: temporary.store.log,
                keys: temporary.store.personalKeys
            ),
            clock: clock
        )
    }

    /// Submits `lines` into a scratch store, then imports its export into this one with each
    /// event's recorded time set by `recordedAt(position)`.
    init(
        _ lines: [String],
        recordedAt: (UInt64) -> String,
        clock: @escaping @Sendable () -> Timestamp = { .now() }
    ) throws {
        let scratch = try TemporaryStore()
        let outcomes = scratch.submit(lines)
        if let refused = outcomes.first(where: { !$0.ok }) {
            throw FixtureError("a fixture command was refused: \(refused.code ?? "?")")
        }
        var exported: [UInt8] = []
        _ = try Exporter.export(scratch.store.log, keys: scratch.store.personalKeys, write: { exported += $0 })
        var rewritten = ""
        for line in exported.split(separator: 0x0A) {
            guard case .object(var object) = try JSONParser.parse(Array(line)),
                let position = object["position"]?.intValue
            else { throw FixtureError("an export line is not an event") }
            object.set("recordedAt", .string(recordedAt(UInt64(position))))
            rewritten += JSONWriter.string(.object(object)) + "\n"
        }
        temporary = try TemporaryStore()
        let file = temporary.path + "-import.jsonl"
        try rewritten.write(toFile: file, atomically: true, encoding: .utf8)
        var reader = try LineReader.file(file)
        defer { reader.close() }
        _ = try Importer.append(&reader, to: temporary.store)
        service = DocketService(
            store: temporary.store,
            projector: Projector(
                storeRoot: temporary.path,
                log: temporary.store.log,
                keys: temporary.store.personalKeys
            ),
            clock: clock
        )
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `2024-05-01T00:00:00+08:00` as a timestamp.
func moment(_ text: String) -> Timestamp { RFC3339.parse(text)! }
