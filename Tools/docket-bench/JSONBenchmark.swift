import ArgumentParser
import DocketJSON
import Foundation

/// `docket-bench json`: command parsing throughput, DocketJSON against Foundation.
struct JSONBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "json",
        abstract: "Parse throughput of command lines: DocketJSON against JSONSerialization and JSONDecoder."
    )

    @Option(help: "How many small commands to parse per parser.")
    var count = 100_000

    struct Command: Decodable {
        struct Actor: Decodable {
            let id: String
            let role: String
        }
        struct Data: Decodable {
            let subject: String
            let score: Int
        }
        let command: String
        let commandId: String?
        let `case`: String?
        let at: String
        let actor: Actor
        let data: Data
    }

    func run() throws {
        let small = Array(
            #"{"command":"record-score","commandId":"c-0002","case":"2024-04-000001","at":"2024-04-20T11:00:00+08:00","actor":{"id":"exam-office","role":"examiner"},"data":{"subject":"theory","score":78}}"#
                .utf8
        )
        let photo = String(repeating: "/9j/4AAQSkZJRgABAQAAAQABAAD", count: 2_520)  // ~68 KB of base64, a ~51 KB JPEG
        let apply = Array(
            (#"{"command":"apply","commandId":"c-0001","case":"2024-04-000001","at":"2024-03-02T10:15:00+08:00","actor":{"id":"portal","role":"portal"},"expectedVersion":0,"data":{"batch":"2024-04","occupation":"blockchain-operator","level":4,"candidate":{"name":"张伟","birthDate":"1995-06-01","region":"mainland","idDocument":{"type":"resident-id-card","number":"11010119950601123X"},"contact":{"channel":"wechat","address":"wx_zhangwei"}},"photo":{"jpegBase64":""#
                + photo
                + #""},"eligibility":{"condition":"graduate","schoolLevel":"undergraduate","major":"computer","evidence":[{"kind":"chsi-verification-code","reference":"A1B2C3D4E5F6"}]}}}"#)
                .utf8
        )
        // A hostile object: 100,000 distinct keys in about a megabyte (each member `"k12345":0`).
        var wide: [UInt8] = [0x7B]
        for k in 0..<100_000 {
            if k > 0 { wide.append(0x2C) }
            wide += Array("\"k\(k)\":0".utf8)
        }
        wide.append(0x7D)
        let smallData = Foundation.Data(small)
        let applyData = Foundation.Data(apply)
        let applies = max(1, count / 20)
        func rate(_ n: Int, _ body: () throws -> Void) rethrows -> Double {
            let t = try Bench.seconds { for _ in 0..<n { try body() } }
            return Double(n) / t
        }
        Bench.printJSON([
            ("benchmark", "json"),
            ("smallCommandsPerSecDocketJSON", try rate(count) { _ = try JSONParser.parse(small) }),
            (
                "smallCommandsPerSecJSONSerialization",
                try rate(count) { _ = try JSONSerialization.jsonObject(with: smallData) }
            ),
            (
                "smallCommandsPerSecJSONDecoder",
                try rate(count / 2) { _ = try JSONDecoder().decode(Command.self, from: smallData) }
            ),
            ("applyWithPhotoPerSecDocketJSON", try rate(applies) { _ = try JSONParser.parse(apply) }),
            (
                "applyWithPhotoPerSecJSONSerialization",
                try rate(applies) { _ = try JSONSerialization.jsonObject(with: applyData) }
            ),
            ("wideObjectBytes", wide.count),
            ("wideObjectKeys", 100_000),
            ("wideObjectParseMillis", try Bench.seconds { _ = try JSONParser.parse(wide) } * 1_000),
        ])
    }
}
