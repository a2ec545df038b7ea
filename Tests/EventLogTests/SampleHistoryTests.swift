import Chronology
import Crypto
import DocketWorkload
import Foundation
import Testing

/// The benchmark workload must be the same for the same seed, or figures stop being comparable.
@Suite struct SampleHistoryTests {
    static func digest(cases: Int, seed: UInt64) -> String {
        var hasher = SHA256()
        for (i, event) in SampleHistory(cases: cases, seed: seed).enumerated() {
            let line = event.interchangeJSON(
                position: UInt64(i + 1),
                version: 1,
                recordedAt: Timestamp(microseconds: 0)
            )
            hasher.update(data: Array(line.utf8))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    @Test func theSameSeedGivesTheSameHistory() {
        #expect(Self.digest(cases: 300, seed: 2024) == Self.digest(cases: 300, seed: 2024))
        #expect(Self.digest(cases: 300, seed: 2024) != Self.digest(cases: 300, seed: 7))
    }

    @Test func theDefaultHistoryIsPinned() {
        #expect(Self.digest(cases: 300, seed: 2024) == Self.pinned)
    }

    static let pinned = "b3f515bf166718743adfea5f5bf5aa1309065eecf337024f854d872dd3584517"
}
