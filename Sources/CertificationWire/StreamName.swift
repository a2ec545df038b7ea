/// The log's stream names for cases and batches (SPEC §2: `case-<caseId>`, `batch-<batchId>`).
public enum StreamName {
    public static let casePrefix = "case-"
    public static let batchPrefix = "batch-"

    public static func forCase(_ id: String) -> String { casePrefix + id }
    public static func forBatch(_ id: String) -> String { batchPrefix + id }

    /// The case id of a case stream.
    public static func caseID(of stream: String) -> String? { id(of: stream, after: casePrefix) }

    /// The batch id of a batch stream.
    public static func batchID(of stream: String) -> String? { id(of: stream, after: batchPrefix) }

    /// Whether `stream` is a case stream (no allocation).
    public static func isCase(_ stream: String) -> Bool { stream.utf8.starts(with: casePrefix.utf8) }

    /// The rest of `stream` after `prefix`, compared and cut on UTF-8 (replay calls this for
    /// every event; `hasPrefix` and `dropFirst` on `Character`s are several times slower).
    private static func id(of stream: String, after prefix: String) -> String? {
        let utf8 = stream.utf8
        guard utf8.starts(with: prefix.utf8) else { return nil }
        return String(Substring(utf8.dropFirst(prefix.utf8.count)))
    }

    /// Whether `id` is a valid case or batch id: `[A-Za-z0-9._-]{1,64}`.
    public static func isValidID(_ id: String) -> Bool {
        let utf8 = id.utf8
        guard (1...64).contains(utf8.count) else { return false }
        return utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F
                || b == 0x2D
        }
    }
}
