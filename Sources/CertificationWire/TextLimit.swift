/// How long a string in a command may be, and which characters it may hold.
///
/// Names, numbers, references and addresses are short (200 characters, one line); reasons,
/// summaries, resolutions, descriptions and notes are free text (2,000 characters, tabs and line
/// breaks allowed). No string may hold other control characters (C0, DEL, C1), the line and
/// paragraph separators, or the bidirectional overrides that make a name display as another.
public struct TextLimit: Sendable {
    /// The most characters (grapheme clusters).
    var maximum: Int
    /// Whether tabs and line breaks are allowed.
    var allowsLineBreaks: Bool

    public static let short = TextLimit(maximum: 200, allowsLineBreaks: false)
    static let freeText = TextLimit(maximum: 2_000, allowsLineBreaks: true)
    /// A photo's base64: its size is a rule of its own (`photo-size-out-of-range`).
    static let unbounded = TextLimit(maximum: .max, allowsLineBreaks: false)

    /// What is wrong with `text`, as the end of a sentence naming the field; `nil` when nothing.
    public func problem(with text: String) -> String? {
        // A photo's base64 is checked by its decoder (a character outside the alphabet is
        // `invalid-field`): 60 KB of it need no second walk.
        if maximum == .max { return nil }
        // The byte length bounds the character count: most strings need no count at all.
        if text.utf8.count > maximum, text.count > maximum {
            return "is at most \(maximum) characters; this one has \(text.count)"
        }
        // Every byte below 0x80 that is not a control character is fine: only the rest is
        // looked at as Unicode.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return nil }
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if (v == 0x09 || v == 0x0A || v == 0x0D) && allowsLineBreaks { continue }
            if v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029 || (0x202A...0x202E).contains(v)
                || (0x2066...0x2069).contains(v)
            {
                return "may not hold control characters (found U+\(String(v, radix: 16, uppercase: true)))"
            }
        }
        return nil
    }
}
