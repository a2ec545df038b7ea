/// Where a store's files live.
///
/// ```
/// <store>/LOCK                          the writer's lock; holds the writer's pid
/// <store>/log/segment-0000000001.dlog   segment files, numbered from 1
/// <store>/log/index.dlix                the stream index (derived; rebuilt when missing or stale)
/// ```
/// Other modules keep their own files beside `log/` (blobs, projections).
public struct StoreLayout: Sendable, Hashable {
    /// The store's root directory.
    public var root: String

    /// Describes the store at `root`.
    public init(root: String) {
        var r = root
        while r.count > 1 && r.hasSuffix("/") { r.removeLast() }
        self.root = r
    }

    var logDirectory: String { root + "/log" }
    var lockPath: String { root + "/LOCK" }
    var indexPath: String { logDirectory + "/" + Self.indexName }
    static let indexName = "index.dlix"

    static func segmentName(_ number: UInt64) -> String {
        let digits = String(number)
        return "segment-" + String(repeating: "0", count: max(0, 10 - digits.count)) + digits + ".dlog"
    }

    func segmentPath(_ number: UInt64) -> String { logDirectory + "/" + Self.segmentName(number) }

    /// The segment number in a file name, or `nil` if it is not a segment's name.
    static func segmentNumber(fromName name: String) -> UInt64? {
        guard name.hasPrefix("segment-"), name.hasSuffix(".dlog") else { return nil }
        return UInt64(name.dropFirst(8).dropLast(5))
    }

    /// "log/<name>", as errors name files.
    static func relative(_ name: String) -> String { "log/" + name }
}
