/// Text made safe inside HTML or SVG, in element content and in quoted attributes:
/// `& < > " '` escaped. The reference page and the console's charts share it (the console's
/// templates escape through Mustache).
enum HTMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
