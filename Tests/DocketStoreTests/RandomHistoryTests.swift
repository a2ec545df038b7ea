import Certification
import CertificationWire
import Chronology
import DocketJSON
import DocketStore
import DocketTestSupport
import DocketWorkload
import EventLog
import Foundation
import Testing

/// Property-style tests: random command sequences (valid, invalid, out of order, racing for the
/// same numbers) must keep the invariants whatever happens.
@Suite struct RandomHistoryTests {
    /// `DOCKET_TEST_SCALE` multiplies the number of sequences (default 1).
    static var scale: Int { Int(ProcessInfo.processInfo.environment["DOCKET_TEST_SCALE"] ?? "") ?? 1 }

    static func time(_ micros: Int64) -> String {
        Timestamp(microseconds: micros, utcOffsetSeconds: 28_800).description
    }

    /// A random command line at time `t`.
    static func randomLine(_ g: inout SeededGenerator, at t: Int64) -> String {
        let cases = ["2024-04-000001", "2024-04-000002", "2024-07-000003"]
        let c = cases.randomElement(using: &g)!
        let at = time(t)
        let pick = Int.random(in: 0..<100, using: &g)
        func any(_ items: [String]) -> String { items.randomElement(using: &g)! }
        switch pick {
        case 0..<8:
            let numbers = ["110101199506011232", "110101200803020018"]
            return Line.apply(c, batch: c.hasPrefix("2024-07") ? "2024-07" : "2024-04", at: at, number: any(numbers))
        case 8..<16:
            return Int.random(in: 0..<5, using: &g) == 0
                ? Line.on(
                    c,
                    "verify-documents",
                    "registrar",
                    at: at,
                    data:
                        #"{"outcome":"rejected","checks":{"identityMatches":false,"photoCompliant":true,"eligibilityEvidence":true},"reasons":["blurred"]}"#
                )
                : Line.approve(c, at: at)
        case 16..<26:
            let amount = any(["160", "80", "240"])
            let subjects = any([#"["theory","skill"]"#, #"["theory"]"#, #"["skill"]"#])
            return Line.on(
                c,
                "record-payment",
                "payments",
                at: at,
                data:
                    "{\"paymentRef\":\"\(any(["P1", "P2", "P3", "P4"]))\",\"amountYuan\":\(amount),\"subjects\":\(subjects)}"
            )
        case 26..<34:
            return Line.ticket(c, number: any(["T1", "T2", "T3"]), at: at)
        case 34..<48:
            let score = Int.random(in: -5...105, using: &g)
            return Line.score(c, any(["theory", "skill"]), score, at: at)
        case 48..<52:
            return Line.on(
                c,
                "correct-score",
                "supervisor",
                at: at,
                data:
                    "{\"subject\":\"\(any(["theory", "skill"]))\",\"score\":\(Int.random(in: 40...80, using: &g)),\"complaintId\":\"\(any(["K1", "K2"]))\",\"reason\":\"re-marked\"}"
            )
        case 52..<57:
            return Line.on(
                c,
                "lodge-complaint",
                "supervisor",
                at: at,
                data:
                    "{\"complaintId\":\"\(any(["K1", "K2", "K3"]))\",\"channel\":\"phone\",\"category\":\"\(any(["score", "fee"]))\",\"summary\":\"s\"}"
            )
        case 57..<60:
            return Line.on(
                c,
                "resolve-complaint",
                "supervisor",
                at: at,
                data:
                    "{\"complaintId\":\"\(any(["K1", "K2", "K3"]))\",\"outcome\":\"\(any(["upheld", "dismissed"]))\",\"resolution\":\"r\"}"
            )
        case 60..<66:
            return Line.on(
                c,
                "request-retake",
                "portal",
                at: at,
                data: "{\"subject\":\"\(any(["theory", "skill"]))\",\"batch\":\"\(any(["2024-07", "2024-11"]))\"}"
            )
        case 66..<74:
            return Line.certify(c, number: any(["Z1", "Z2"]), at: at)
        case 74..<77:
            return Line.withdraw(c, at: at)
        case 77..<81:
            return Line.on(
                c,
                "refund",
                "payments",
                at: at,
                data:
                    "{\"paymentRef\":\"\(any(["P1", "P2", "P3"]))\",\"amountYuan\":\(any(["160", "80"])),\"reason\":\"closed\"}"
            )
        case 81..<90:
            return Line.publish(any(["2024-04", "2024-07", "2024-11"]), at: at)
        case 90..<92:
            return Line.command(
                "reschedule-batch",
                ("batch", any(["2024-04", "2024-07"])),
                at: at,
                actor: ("admin", "admin"),
                data: "{\"examStartsAt\":\"\(time(t + 20 * 86_400_000_000))\",\"reason\":\"storm\"}"
            )
        default:
            // A wrong role for the command.
            return Line.on(c, "record-score", "portal", at: at, data: #"{"subject":"theory","score":70}"#)
        }
    }

    /// Three cases, each following the notice's path with random scores (so retakes,
    /// complaints and certificates happen), mixed in time with random noise: wrong values, wrong
    /// roles, duplicates, out-of-order times, racing numbers and references.
    static func sequence(seed: UInt64, length: Int) -> [String] {
        var g = SeededGenerator(seed: seed)
        let day: Int64 = 86_400_000_000
        func t(_ text: String) -> Int64 { RFC3339.parse(text)!.microseconds }
        var timed: [(Int64, String)] = []
        let cases = [("2024-04-000001", "2024-04"), ("2024-04-000002", "2024-04"), ("2024-07-000003", "2024-07")]
        let numbers = ["110101199506011232", "110101200803020018", "110101199506011232"]
        for (k, (c, batch)) in cases.enumerated() {
            let exam = t(batch == "2024-04" ? "2024-04-20T09:00:00+08:00" : "2024-07-20T09:00:00+08:00")
            func at(_ offsetDays: Int64) -> Int64 { exam + offsetDays * day + Int64.random(in: 0..<day / 2, using: &g) }
            let applyAt = at(-Int64.random(in: 12...40, using: &g))
            timed.append((applyAt, Line.apply(c, batch: batch, at: time(applyAt), number: numbers[k])))
            timed.append((applyAt + day, Line.approve(c, at: time(applyAt + day))))
            timed.append((applyAt + 2 * day, Line.pay(c, ref: "P\(k)", at: time(applyAt + 2 * day))))
            let ticketAt = at(-Int64.random(in: 6...9, using: &g))
            timed.append((ticketAt, Line.ticket(c, number: "T\(k)", at: time(ticketAt))))
            for subject in ["theory", "skill"] {
                let scoreAt = at(2)
                timed.append((scoreAt, Line.score(c, subject, Int.random(in: 45...85, using: &g), at: time(scoreAt))))
            }
            let failed = ["theory", "skill"].randomElement(using: &g)!
            let later = batch == "2024-04" ? "2024-07" : "2024-11"
            timed.append(
                (
                    at(12),
                    Line.on(
                        c,
                        "request-retake",
                        "portal",
                        at: time(at(12)),
                        data: "{\"subject\":\"\(failed)\",\"batch\":\"\(later)\"}"
                    )
                )
            )
            timed.append((at(13), Line.pay(c, ref: "R\(k)", amount: 80, subjects: "[\"\(failed)\"]", at: time(at(13)))))
            let laterExam = exam + (batch == "2024-04" ? 91 : 119) * day
            timed.append((laterExam - 8 * day, Line.ticket(c, number: "U\(k)", at: time(laterExam - 8 * day))))
            timed.append(
                (
                    laterExam + 2 * day,
                    Line.score(c, failed, Int.random(in: 50...90, using: &g), at: time(laterExam + 2 * day))
                )
            )
            for offset: Int64 in [20, 30] {
                timed.append((at(offset), Line.certify(c, number: "Z\(k)", at: time(at(offset)))))
                timed.append(
                    (laterExam + offset * day, Line.certify(c, number: "Z\(k)", at: time(laterExam + offset * day)))
                )
            }
        }
        for (batch, exam) in [
            ("2024-04", "2024-04-20T09:00:00+08:00"), ("2024-07", "2024-07-20T09:00:00+08:00"),
            ("2024-11", "2024-11-16T09:00:00+08:00"),
        ] {
            let publishAt = t(exam) + 8 * day
            timed.append((publishAt, Line.publish(batch, at: time(publishAt))))
        }
        let start = t("2024-02-01T09:00:00+08:00")
        let end = t("2024-12-31T09:00:00+08:00")
        for _ in 0..<length {
            let at = Int64.random(in: start...end, using: &g)
            timed.append((at, randomLine(&g, at: at)))
        }
        timed.sort { $0.0 < $1.0 }
        // A few lines move earlier in the input: their times are now out of order.
        for _ in 0..<(length / 20) {
            let i = Int.random(in: 1..<timed.count, using: &g)
            timed.swapAt(i, i - 1)
        }
        return [
            Line.schedule("2024-04", examStartsAt: "2024-04-20T09:00:00+08:00"),
            Line.schedule("2024-07", examStartsAt: "2024-07-20T09:00:00+08:00"),
            Line.schedule("2024-11", examStartsAt: "2024-11-16T09:00:00+08:00"),
        ] + timed.map(\.1)
    }

    @Test(arguments: 0..<4)
    func randomHistoriesKeepTheInvariants(run: Int) throws {
        for k in 0..<Self.scale {
            let lines = Self.sequence(seed: UInt64(run * 1000 + k + 1), length: 120)
            let live = try TemporaryStore()
            let reopened = try TemporaryStore()
            var liveOutcomes: [CommandOutcome] = []
            for (i, line) in lines.enumerated() {
                let before = live.store.log.lastPosition
                let outcome = live.submit(line)
                let after = live.store.log.lastPosition
                if outcome.ok {
                    // Dense positions: exactly the events reported, right after the last.
                    #expect(outcome.events.map(\.position) == Array(stride(from: before + 1, through: after, by: 1)))
                } else {
                    #expect(after == before, "a refused command appended events: \(line)")
                }
                liveOutcomes.append(outcome)
                if i % 9 == 8 { try reopened.reopen() }
                let again = reopened.submit(line)
                // A write side rebuilt from the log decides exactly as the live one.
                #expect(again.code == outcome.code && again.events == outcome.events, "diverged at \(i): \(line)")
            }
            // Every accepted event passes the rules when the whole log is re-run.
            let findings = try HistoryVerifier.verify(live.store.log, keys: live.store.personalKeys).findings
            #expect(findings.isEmpty, "\(findings)")
            // Never certified without two passes within a year.
            for c in ["2024-04-000001", "2024-04-000002", "2024-07-000003"] {
                guard let view = try? live.view(c) else { continue }
                // Stream versions are dense.
                let versions = try live.store.log.read(stream: "case-" + c).map(\.version)
                #expect(versions == Array(1...UInt64(versions.count)))
                guard view.state.certificateNumber != nil else { continue }
                let results = view.state.results
                #expect(results[.theory]?.passed == true && results[.skill]?.passed == true)
                var batches: [String: BatchState] = [:]
                for stream in Set(results.values.map { "batch-" + $0.batch }) {
                    for r in try live.store.log.read(stream: stream) {
                        if case .batchEvent(let e) = try EventCoding.decode(type: r.type, payload: r.payload) {
                            batches[String(stream.dropFirst(6)), default: BatchState()].evolve(
                                with: e,
                                at: r.occurredAt,
                                position: r.position
                            )
                        }
                    }
                }
                let dates = [Subject.theory, .skill].compactMap { results[$0].flatMap { batches[$0.batch]?.examDate } }
                #expect(dates.count == 2)
                if dates.count == 2 {
                    let (a, b) = (dates.min()!, dates.max()!)
                    #expect(b <= CertificationCalendar.passKeptUntil(examDate: a))
                }
            }
            #expect(liveOutcomes.contains { $0.ok } && liveOutcomes.contains { !$0.ok })
            if ProcessInfo.processInfo.environment["DOCKET_TEST_VERBOSE"] != nil {
                print(
                    "STATS",
                    Dictionary(grouping: liveOutcomes, by: { $0.code ?? "ok" }).mapValues(\.count).sorted {
                        $0.key < $1.key
                    }
                )
            }
        }
    }
}
