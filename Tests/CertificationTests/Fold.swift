import Chronology

/// Shared by folds in tests whose business times do not matter to what they prove.
enum Fold {
    /// A business time (2023-11-14T22:13:20Z).
    static let anyTime = Timestamp(microseconds: 1_700_000_000_000_000)
}
