/// Where one block of events lives, and the chain head after its last event.
struct BlockLocation: Equatable, Sendable {
    var firstPosition: UInt64
    var eventCount: UInt32
    var segment: UInt32
    var offset: UInt64
    var length: UInt32
    var headAfter: ChainHash

    var lastPosition: UInt64 { firstPosition + UInt64(eventCount) - 1 }
    func contains(_ position: UInt64) -> Bool { position >= firstPosition && position <= lastPosition }
}

/// Where an idempotent append's events live.
struct KeyLocation: Equatable, Sendable {
    var firstPosition: UInt64
    var eventCount: UInt32
}

/// The end of what an index covers: the last frame it has seen.
struct IndexCoverage: Equatable, Sendable {
    var lastPosition: UInt64
    var head: ChainHash
    var segment: UInt64
    var lastFrameOffset: UInt64
    var endOffset: UInt64
}
