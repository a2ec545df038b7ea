import Testing

@testable import DocketCLI

/// Tables for people line up under Chinese names: wide characters take two columns.
@Suite struct TextTableTests {
    @Test func wideCharactersCountTwoColumns() {
        #expect(TextTable.displayWidth("张伟") == 4)
        #expect(TextTable.displayWidth("欧阳子涵") == 8)
        #expect(TextTable.displayWidth("Zhang Wei") == 9)
        #expect(TextTable.displayWidth("ＡＢ") == 4)  // fullwidth forms
        #expect(TextTable.displayWidth("é") == 1)  // e + combining acute
    }

    @Test func columnsAlignByDisplayWidth() {
        var table = TextTable(["name", "case", "status"])
        table.add(["张伟", "2024-04-000001", "certified"])
        table.add(["欧阳子涵", "2024-04-000002", "applied"])
        table.add(["Li", "2024-04-000003", "failed"])
        let lines = table.rendered.split(separator: "\n").map(String.init)
        // The second column starts at the same terminal column on every line.
        let starts = lines.map { line -> Int in
            let prefix = line.prefix { $0 != "2" && $0 != "c" }
            return TextTable.displayWidth(String(prefix))
        }
        #expect(Set(starts).count == 1, "\(lines)")
        #expect(starts.first == TextTable.displayWidth("欧阳子涵") + 2)
    }
}
