import Projections
import Testing

@testable import ProjectionsPostgres

/// What reaches PostgreSQL as text: URLs read as libpq reads them (and never shown with their
/// password), literals that cannot be broken out of, statements with the store's id in every key.
@Suite struct PostgresSQLTests {
    @Test func aURLIsReadWithItsPartsAndShownWithoutItsPassword() throws {
        let url = try PostgresURL("postgres://docket:s3cret@db.example:6543/reports?sslmode=require")
        #expect(url.host == "db.example")
        #expect(url.port == 6543)
        #expect(url.user == "docket")
        #expect(url.password == "s3cret")
        #expect(url.database == "reports")
        #expect(url.tls == .require)
        #expect(url.redacted == "postgres://docket:***@db.example:6543/reports?sslmode=require")
        #expect(!url.description.contains("s3cret"))
        let defaults = try PostgresURL("postgresql://u@h/d")
        #expect(defaults.port == 5432 && defaults.tls == .prefer && defaults.password == nil)
    }

    @Test(arguments: [
        ("http://u@h/d", "not a PostgreSQL URL"),
        ("postgres://h/d", "no user"),
        ("postgres://u@h", "no database"),
        ("postgres://u@h/", "no database"),
        ("postgres://u@h:70000/d", "port"),
        ("postgres://u@h/d?sslmode=maybe", "sslmode maybe"),
        ("postgres://u@h/d?application_name=x", "parameter application_name"),
    ])
    func aBadURLIsRefusedSayingWhatIsWrong(text: String, expected: String) {
        #expect {
            _ = try PostgresURL(text)
        } throws: { error in
            "\(error)".contains(expected) && !"\(error)".contains("secret")
        }
    }

    @Test func textLiteralsDoubleTheirQuotesAndCannotHoldNUL() {
        #expect(PostgresLiteral.text("it's") == "'it''s'")
        #expect(PostgresLiteral.text("a\\'); DROP TABLE x; --") == "'a\\''); DROP TABLE x; --'")
        #expect(PostgresLiteral.text("a\u{0}b") == "'a\u{FFFD}b'")
        #expect(PostgresLiteral.sql(.null) == "NULL")
        #expect(PostgresLiteral.sql(.int(-42)) == "-42")
        #expect(PostgresLiteral.sql(.blob([0x00, 0xff])) == "'\\x00ff'::bytea")
    }

    @Test func copyTextEscapesItsSeparatorsAndMarksNull() {
        var out: [UInt8] = []
        PostgresLiteral.copy(ModelValue.text("a\tb\nc\\d\re"), into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "a\\tb\\nc\\\\d\\re")
        out = []
        PostgresLiteral.copy(ModelValue.null, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "\\N")
        out = []
        PostgresLiteral.copy(ModelValue.blob([0xab]), into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "\\\\xab")
    }

    static let table = ModelTable(
        "t",
        [.text("a"), .text("b"), .integer("n")],
        primaryKey: ["a", "b"]
    )

    /// A statement's PostgreSQL text with the values placed as a storage places them.
    static func postgres(_ statement: ModelStatement, _ values: [String]) -> String {
        var sql = ""
        for (i, index) in statement.postgresValueOrder.enumerated() { sql += statement.postgres[i] + values[index] }
        return sql + statement.postgres.last!
    }

    @Test func everyStatementCarriesTheStoreIdInItsKeyAndConditions() {
        #expect(
            Self.postgres(.replace(into: Self.table), ["S", "A", "B", "1"])
                == "INSERT INTO t (store_id, a, b, n) VALUES (S, A, B, 1) ON CONFLICT (store_id, a, b) DO UPDATE SET n = EXCLUDED.n"
        )
        #expect(
            Self.postgres(.add(into: Self.table), ["S", "A", "B", "1"])
                == "INSERT INTO t (store_id, a, b, n) VALUES (S, A, B, 1) ON CONFLICT (store_id, a, b) DO UPDATE SET n = t.n + EXCLUDED.n"
        )
        #expect(
            Self.postgres(.insertIfAbsent(into: Self.table), ["S", "A", "B", "1"])
                == "INSERT INTO t (store_id, a, b, n) VALUES (S, A, B, 1) ON CONFLICT (store_id, a, b) DO NOTHING"
        )
        #expect(
            Self.postgres(.update(Self.table, set: ["n", "b"], where: ["a"]), ["S", "1", "B", "A"])
                == "UPDATE t SET n = 1, b = B WHERE store_id = S AND a = A"
        )
        #expect(
            Self.postgres(.delete(from: Self.table, where: ["a", "b"]), ["S", "A", "B"])
                == "DELETE FROM t WHERE store_id = S AND a = A AND b = B"
        )
        #expect(
            Self.postgres(.select(["n"], from: Self.table, where: ["a"], orderBy: ["b"]), ["S", "A"])
                == "SELECT n FROM t WHERE store_id = S AND a = A ORDER BY b"
        )
        #expect(ModelStatement.update(Self.table, set: ["n"], where: ["a"]).sqlite == "UPDATE t SET n = ? WHERE a = ?")
        #expect(ModelStatement.add(into: Self.table).sqlite.hasSuffix("DO UPDATE SET n = n + excluded.n"))
    }

    @Test func aReportsQueryIsScopedToOneStoreWithItsArgumentsInlined() {
        let sql = PostgresTarget.inline("SELECT '?' AS q, x FROM t WHERE a = ? AND \"b?\" = ?", ["it's", "2"])
        #expect(sql == "SELECT '?' AS q, x FROM t WHERE a = 'it''s' AND \"b?\" = '2'")
    }

    @Test func storeIdsAreShortWordsOfLowerCaseLettersDigitsAndPunctuation() {
        for good in ["beijing", "body-1", "a.b_c", "0"] { #expect(PostgresTarget.isValidStoreID(good)) }
        for bad in ["", "A", "a b", "-a", ".a", "a'b", String(repeating: "a", count: 65), "é"] {
            #expect(!PostgresTarget.isValidStoreID(bad), "\(bad)")
        }
    }
}
