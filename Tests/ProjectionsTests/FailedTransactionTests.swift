import DocketStore
import DocketWorkload
import EventLog
import Foundation
import GRDB
import Testing

@testable import Projections

/// A transaction that fails (a database gone, a disk full) rolls back its rows; the
/// projection's caches must forget what it applied too, or the next feed applies it again.
@Suite struct FailedTransactionTests {
    /// A model file that refuses its `failing`-th transaction after the events were applied.
    final class FailingDestination: ModelDestination {
        let inner: SQLiteDestination
        let failing: Int
        var transactions = 0

        init(_ inner: SQLiteDestination, failing: Int) {
            self.inner = inner
            self.failing = failing
        }

        var label: String { inner.label }
        func checkpoint() throws(ProjectionError) -> UInt64 { try inner.checkpoint() }
        func didApplyErasure() { inner.didApplyErasure() }

        func transaction(_ body: (any ModelStorage, UInt64) throws -> UInt64) throws(ProjectionError) {
            transactions += 1
            let n = transactions
            try inner.transaction { storage, stored in
                let through = try body(storage, stored)
                if n == failing { throw ProjectionError(.database, "injected failure") }
                return through
            }
        }
    }

    @Test(arguments: ["cases", "batches", "retakes", "findings"])
    func aFeedAfterAFailedTransactionAppliesNothingTwice(model: String) throws {
        let s = try ProjectionTests.Scratch()
        s.submit(Array(CommandWorkload(cases: 90, seed: 13)).map { String(decoding: $0, as: UTF8.self) })
        let projector = s.projector
        projector.batchSize = 64
        // One instance for both feeds, as a server keeps its projections.
        let projection = try #require(Projector.all(storeRoot: s.path).first { $0.name == model })
        let file = projector.path(model)
        try FileManager.default.createDirectory(atPath: projector.directory, withIntermediateDirectories: true)
        let queue = try Projector.openLive(file, projection)
        let failing = FailingDestination(SQLiteDestination(queue: queue, file: file), failing: 3)
        #expect(throws: ProjectionError.self) { try projector.feed([projection], into: [failing]) }
        #expect(try failing.checkpoint() > 0)
        let again = FailingDestination(SQLiteDestination(queue: queue, file: file), failing: .max)
        _ = try projector.feed([projection], into: [again])
        #expect(try again.checkpoint() == s.store.log.lastPosition)
        try queue.close()
        #expect(try projector.check([model]).isEmpty)
    }
}
