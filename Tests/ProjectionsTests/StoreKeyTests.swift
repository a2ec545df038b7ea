import Foundation
import Testing

@testable import Projections

/// The store's key for hashing identity numbers is made once, whoever asks first.
@Suite struct StoreKeyTests {
    @Test func projectorsStartingTogetherOnANewStoreAllUseOneKey() throws {
        for round in 0..<20 {
            let root = NSTemporaryDirectory() + "docket-storekey-\(UUID().uuidString.prefix(8))-\(round)"
            defer { try? FileManager.default.removeItem(atPath: root) }
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let keys = (0..<6).map { _ in StoreKey(storeRoot: root) }
            let results = Results()
            DispatchQueue.concurrentPerform(iterations: keys.count) { i in
                results.add((try? keys[i].writingHash().hex("110101199506011034")) ?? "failed")
            }
            #expect(Set(results.all).count == 1, "round \(round): \(Set(results.all))")
            #expect(!results.all.contains("failed"))
            // And a projector opened later reads the same key.
            #expect(try StoreKey(storeRoot: root).writingHash().hex("110101199506011034") == results.all.first)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: root + "/projections").filter {
                $0.contains(".tmp")
            }
            #expect(leftovers.isEmpty)
        }
    }

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        func add(_ value: String) { lock.withLock { list.append(value) } }
        var all: [String] { lock.withLock { list } }
    }
}
