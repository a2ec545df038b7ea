import DocketJSON

/// What verifying a bundle found: what its proofs establish, what they do not, what failed, and
/// the case state the events imply.
public struct EvidenceReport: Sendable {
    public var caseID: String = ""
    public var proven: [String] = []
    public var notProven: [String] = []
    public var failures: [String] = []
    /// The case view the bundle's events fold to (the domain's own fold).
    public var caseView: JSONValue?

    /// Whether every check passed.
    public var ok: Bool { failures.isEmpty }

    /// For people: a verdict, then each list.
    public var text: String {
        var out =
            ok
            ? "VERIFIED: the evidence for case \(caseID) checks out.\n"
            : "NOT VERIFIED: the evidence for case \(caseID) fails \(failures.count) check\(failures.count == 1 ? "" : "s").\n"
        if !failures.isEmpty { out += "\nFailed:\n" + failures.map { "  ✗ " + $0 }.joined(separator: "\n") + "\n" }
        if !proven.isEmpty { out += "\nProven:\n" + proven.map { "  ✓ " + $0 }.joined(separator: "\n") + "\n" }
        if !notProven.isEmpty {
            out += "\nNot proven:\n" + notProven.map { "  · " + $0 }.joined(separator: "\n") + "\n"
        }
        if let caseView {
            var bytes: [UInt8] = []
            JSONWriter.write(caseView, into: &bytes)
            out +=
                "\nThe case state the events imply (the domain's fold):\n  " + String(decoding: bytes, as: UTF8.self)
                + "\n"
        }
        return out
    }

    /// Writes `value` as compact JSON (for tools that link only this module).
    public static func write(_ value: JSONValue, into out: inout [UInt8]) { JSONWriter.write(value, into: &out) }

    /// For programs.
    public var json: JSONValue {
        .object([
            "case": .string(caseID), "verified": .bool(ok), "failures": .array(failures.map(JSONValue.string)),
            "proven": .array(proven.map(JSONValue.string)), "notProven": .array(notProven.map(JSONValue.string)),
            "caseView": caseView ?? .null,
        ])
    }
}
