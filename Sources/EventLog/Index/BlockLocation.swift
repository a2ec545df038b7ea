/// Where one block of events lives, and the chain head before its first event.
struct BlockLocation: Equatable, Sendable {
    var firstPosition: UInt64
    var eventCount: UInt32
    var segment: UInt32
    var offset: UInt64
    var headBefore: ChainHash

    var lastPosition: UInt64 { firstPosition + UInt64(eventCount) - 1 }
    func contains(_ position: UInt64) -> Bool { position >= firstPosition && position <= lastPosition }
}

/// One event in a stream's index: its position and the block that holds it.
struct IndexEntry: Equatable, Sendable {
    var position: UInt64
    var segment: UInt32
    var offset: UInt32
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
