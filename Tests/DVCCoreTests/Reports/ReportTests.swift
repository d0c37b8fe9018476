import DVCCore
import Foundation
import Testing

/// The figures agencies are judged by, reproduced exactly from generated dossiers.
@Suite("Reports")
struct ReportTests {
    static let asOf = PortalTimestamp(date: .ymd(2026, 3, 31), hour: 23, minute: 59, second: 59)!

    /// A dossier of `procedure` received on `day` of March 2026 through `channel`.
    static func dossier(_ n: Int, procedure: Int = 1_193, channel: Channel = .direct, day: Int = 2, agency: String = "000.00.14.H20") throws -> Dossier {
        var dossier = try DossierValidationTests.good()
        let date = CalendarDate.ymd(2026, 3, day)
        let suffix = String(n % 9_999 + 1).leftPadded(to: 4)
        dossier.code = try DossierCode("\(agency)-2603\(day < 10 ? "0" : "")\(day)-\(suffix)")
        dossier.receivedAt = try #require(PortalTimestamp(date: date, hour: 8, minute: 0))
        dossier.procedureCode = try ProcedureCode("1.\(String(procedure).leftPadded(to: 6))")
        dossier.channel = channel
        dossier.status = .received
        dossier.dueAt = PortalTimestamp(date: date.adding(days: 5), hour: 17, minute: 0)
        return dossier
    }

    @Test func theOnlineShareOfTheSeeds() throws {
        // 6,407 of 9,246 dossiers received online: 69.29 % (the seed prints 69.3 %).
        var builder = DossierReportBuilder(asOf: Self.asOf)
        for n in 0..<9_246 { builder.add(try Self.dossier(n, channel: n < 6_407 ? .online : .direct)) }
        let report = builder.report()
        #expect(report.total.online == Ratio(6_407, of: 9_246))
        #expect(report.total.online.percent == "69.29")
        #expect(report.total.dossiers == 9_246 && report.total.byChannel == ["online": 6_407, "direct": 2_839])
    }

    @Test(arguments: [(376, 1_551, "24.24"), (4_396, 45_374, "9.69")])
    func proceduresWithOnlineDossiers(_ withOnline: Int, _ offered: Int, _ percent: String) throws {
        // One dossier per offered procedure; the first `withOnline` of them online.
        var builder = DossierReportBuilder(grouping: .procedure, asOf: Self.asOf,
                                           proceduresOfferedOnline: Set((0..<offered).map { "1.\(String($0 + 1).leftPadded(to: 6))" }))
        for n in 0..<offered { builder.add(try Self.dossier(n, procedure: n + 1, channel: n < withOnline ? .online : .direct)) }
        let report = builder.report()
        #expect(report.proceduresWithOnlineDossiers == Ratio(withOnline, of: offered))
        #expect(report.proceduresWithOnlineDossiers.percent == percent)
        #expect(report.groups.count == offered)
    }

    /// Thái Nguyên: 570 of 1,900 = 30.00 %, exactly the level-4 threshold, qualifies; one fewer does not.
    @Test func theLevelFourRuleAtItsThreshold() throws {
        var builder = DossierReportBuilder(asOf: Self.asOf)
        for n in 0..<1_900 {
            var dossier = try Self.dossier(n, procedure: 1, channel: n < 570 ? .online : .direct)
            var other = try Self.dossier(n, procedure: 2, channel: n < 569 ? .online : .direct)
            for item in [0, 1] {
                var resolved = item == 0 ? dossier : other
                resolved.status = .returned
                resolved.processingEndedAt = resolved.dueAt
                resolved.returnedAt = resolved.dueAt
                if item == 0 { dossier = resolved } else { other = resolved }
            }
            builder.add(dossier)
            builder.add(other)
        }
        let upgrades = builder.report().levelUpgrades
        #expect(upgrades.map(\.procedure) == ["1.000001", "1.000002"])
        #expect(upgrades[0].onlineResolved == Ratio(570, of: 1_900) && upgrades[0].onlineResolved.percent == "30.00" && upgrades[0].qualifies)
        #expect(upgrades[1].onlineResolved.percent == "29.95" && !upgrades[1].qualifies)
    }

    /// One dossier in each timeliness bucket, judged at the end of March.
    @Test func timelinessBuckets() throws {
        func resolved(_ n: Int, endsAfterDue days: Int, hour: Int = 10) throws -> Dossier {
            var dossier = try Self.dossier(n)
            let due = try #require(dossier.dueAt)
            dossier.status = .awaitingReturn
            dossier.processingEndedAt = PortalTimestamp(date: due.date.adding(days: days), hour: hour, minute: 0)
            return dossier
        }
        var pendingOverdue = try Self.dossier(5, day: 20)
        pendingOverdue.dueAt = PortalTimestamp(date: .ymd(2026, 3, 30), hour: 17, minute: 0)
        var pendingWithin = try Self.dossier(6, day: 30)
        pendingWithin.dueAt = PortalTimestamp(date: .ymd(2026, 4, 6), hour: 17, minute: 0)
        var noDeadline = try Self.dossier(7)
        noDeadline.dueAt = nil
        var refused = try Self.dossier(8)
        refused.status = .refused
        var resolvedInApril = try resolved(9, endsAfterDue: 30)  // resolved after the report's moment: still pending then
        resolvedInApril.dueAt = PortalTimestamp(date: .ymd(2026, 4, 30), hour: 17, minute: 0)
        let dossiers = [try resolved(1, endsAfterDue: -2), try resolved(2, endsAfterDue: 0, hour: 16), try resolved(3, endsAfterDue: 0, hour: 18),
                        try resolved(4, endsAfterDue: 3), pendingOverdue, pendingWithin, noDeadline, refused, resolvedInApril]
        let expected: [DossierTimeliness] = [.early, .onTime, .late, .late, .overdue, .withinTime, .withoutDeadline, .closedWithoutResult, .withinTime]
        #expect(dossiers.map { $0.timeliness(at: Self.asOf) } == expected)
        var figures = DossierFigures()
        for dossier in dossiers { figures.add(dossier, at: Self.asOf) }
        #expect(figures.resolvedOnTime == Ratio(2, of: 4))
        #expect(figures.handledInTime == Ratio(4, of: 7))
        #expect(figures.resolved == 4)
    }

    /// A dossier without `NgayHenTra` is judged against the due time the working calendar gives
    /// for its procedure: received Friday 27 March 2026, 3 working days → Wednesday 1 April 17:00.
    @Test func aMissingDueTimeComesFromTheWorkingCalendar() throws {
        var dossier = try Self.dossier(1, day: 27)
        dossier.dueAt = nil
        let moment = try PortalTimestamp("20260401120000")
        var plain = DossierReportBuilder(asOf: moment)
        plain.add(dossier)
        #expect(plain.report().total[.withoutDeadline] == 1)
        var dated = DossierReportBuilder(asOf: moment, processingTimes: ["1.001193": .workingDays(3)])
        #expect(dated.withDeadline(dossier).dueAt == (try PortalTimestamp("20260401170000")))
        dated.add(dossier)
        #expect(dated.report().total[.withinTime] == 1)
        var later = DossierReportBuilder(asOf: try PortalTimestamp("20260402080000"), processingTimes: ["1.001193": .workingDays(3)])
        later.add(dossier)
        #expect(later.report().total[.overdue] == 1)
    }

    /// The `DongBoThongKeHoSo` record built from dossiers adds up and places every dossier.
    @Test func monthlyStatisticsFromDossiers() throws {
        var builder = try #require(MonthlyStatistics.Builder(year: 2026, month: 3, unitCode: "000.00.14.H20"))
        var carried = try Self.dossier(1)
        carried.receivedAt = try PortalTimestamp("20260225080000")
        carried.dueAt = try PortalTimestamp("20260304170000")
        carried.status = .returned
        carried.processingEndedAt = try PortalTimestamp("20260303100000")   // carried over, resolved on time in March
        var doneBefore = try Self.dossier(2)
        doneBefore.receivedAt = try PortalTimestamp("20260210080000")
        doneBefore.status = .returned
        doneBefore.processingEndedAt = try PortalTimestamp("20260220100000")   // resolved before March: not counted
        var late = try Self.dossier(3)
        late.status = .awaitingReturn
        late.processingEndedAt = try PortalTimestamp("20260312100000")       // due 7 March
        var overdue = try Self.dossier(4, day: 10)                            // due 15 March, pending
        let within = try Self.dossier(5, day: 30)                             // due 4 April
        var april = try Self.dossier(6)
        april.receivedAt = try PortalTimestamp("20260401080000")
        var refused = try Self.dossier(7)
        refused.status = .refused
        overdue.status = .processing
        for dossier in [carried, doneBefore, late, overdue, within, april, refused] { builder.add(dossier) }
        let statistics = builder.statistics()
        #expect((statistics.received, statistics.carriedOver) == (3, 1))
        #expect((statistics.resolvedOnTime, statistics.resolvedLate, statistics.pendingWithinTime, statistics.pendingOverdue) == (1, 1, 1, 1))
        #expect(statistics.resolvedOnTimePercent == "50.00" && statistics.pendingOverduePercent == "50.00")
        #expect(statistics.consistencyIssues().isEmpty)
        #expect(builder.leftOut == 1)
        #expect(MonthlyStatistics.Builder(year: 2026, month: 13, unitCode: "x") == nil)
    }

    /// Every indicator checked by hand: full points at the target, proportional below, and an
    /// indicator without data is not computed (neither zero nor full).
    @Test func theServiceIndexByHand() {
        var inputs = ServiceIndex.Inputs()
        inputs[.synchronised] = Ratio(6_200, of: 6_411)          // 96.709… % of 6 = 5.80
        inputs[.handledInTime] = Ratio(950, of: 1_000)           // 95 % of 20 = 19.00
        inputs[.feeDataPublished] = Ratio(90, of: 100)           // ≥ 80 % target: 2.00
        inputs[.paymentTransactions] = Ratio(40, of: 100)        // 40 % ÷ 80 % × 2 = 1.00
        inputs[.paidOnline] = Ratio(1, of: 3)                    // 33.33 % of 6 = 2.00
        inputs[.resolutionSatisfaction] = Ratio(81, of: 100)     // 81 % ÷ 90 % × 6 = 5.40
        inputs[.reusedData] = Ratio(0, of: 0)                    // nothing to count: not computed
        let index = ServiceIndex(inputs)
        let points = Dictionary(uniqueKeysWithValues: index.scores.map { ($0.indicator, $0.points) })
        #expect(points[.synchronised] == 5.8 && points[.handledInTime] == 19 && points[.feeDataPublished] == 2)
        #expect(points[.paymentTransactions] == 1 && points[.paidOnline] == 2 && points[.resolutionSatisfaction] == 5.4)
        #expect(points[.reusedData] == .some(nil) && points[.publishedOnTime] == .some(nil))
        #expect(index.points == 35.2 && index.computedMaximum == 42)
        #expect(ServiceIndex.Group.allCases.map(\.maximum) == [18, 20, 12, 10, 22, 18])
        let payment = index.groups.first { $0.group == .onlinePayment }
        #expect(payment?.points == 5 && payment?.computedMaximum == 10 && payment?.maximum == 10)
        #expect(ServiceIndex(ServiceIndex.Inputs()).points == 0 && ServiceIndex(ServiceIndex.Inputs()).computedMaximum == 0)
    }

    /// A month of ratings becomes one `DongBoDanhGia` item per unit and question; whole
    /// percentages, half up, adding up to 100.
    @Test func ratingsBecomeSatisfactionSummaries() throws {
        var builder = SatisfactionSummary.Builder()
        let question = "Ông/bà đánh giá thế nào về việc giải quyết hồ sơ?"
        let levels: [Rating.Level] = Array(repeating: .verySatisfied, count: 5) + Array(repeating: .satisfied, count: 2) + [.notSatisfied]
        for (n, level) in levels.enumerated() {
            builder.add(Rating(unitCode: "000.00.14.H20", question: question, ratedAt: try PortalTimestamp("202603\(10 + n)101500"), level: level))
        }
        builder.add(Rating(unitCode: "000.00.14.H20", question: question, ratedAt: try PortalTimestamp("20260402090000"), level: .satisfied))
        builder.add(Rating(unitCode: "000.00.15.H20", question: question, ratedAt: try PortalTimestamp("20260302090000"), level: .notSatisfied))
        let summaries = builder.summaries()
        #expect(summaries.map { "\($0.unitCode) \($0.month)" } == ["000.00.14.H20 3", "000.00.14.H20 4", "000.00.15.H20 3"])
        // 5/8 = 62.5 % → 63 (half up), 2/8 = 25 %, the rest 12 %.
        #expect((summaries[0].respondents, summaries[0].verySatisfiedPercent, summaries[0].satisfiedPercent, summaries[0].notSatisfiedPercent) == (8, 63, 25, 12))
        #expect(summaries[2].notSatisfiedPercent == 100)
        let json = String(decoding: try PortalJSON.encode(summaries[0]), as: UTF8.self)
        #expect(json.contains(#""NgayTongHop":"3-2026""#) && json.contains(#""PhanTramDanhGiaRatHaiLong":"63%""#))
        #expect(Percent.wholeHalfUp(1, of: 8) == 13 && Percent.wholeHalfUp(1, of: 3) == 33 && Percent.wholeHalfUp(5, of: 0) == 0)
    }

    /// 5.2 and 5.3 from feedback: on time or within time among those with a deadline; neither
    /// dissatisfied, re-submitted nor overdue among all; feedback about officials scores nothing.
    @Test func feedbackIndicators() throws {
        func item(_ id: Int, due: String?, resolved: String?, response: CitizenFeedback.CitizenResponse? = nil,
                  classification: CitizenFeedback.Classification = .withinCompetence) throws -> CitizenFeedback {
            var feedback = CitizenFeedback(id: "\(id)", receivedAt: try PortalTimestamp("20260302080000"), content: "x")
            feedback.classification = classification
            feedback.dueAt = try due.map { try PortalTimestamp($0) }
            feedback.resolvedAt = try resolved.map { try PortalTimestamp($0) }
            feedback.citizenResponse = response
            return feedback
        }
        let feedback = [
            try item(1, due: "20260310170000", resolved: "20260309100000", response: .satisfied),      // on time, satisfied
            try item(2, due: "20260310170000", resolved: "20260312100000"),                            // late
            try item(3, due: "20260410170000", resolved: nil),                                         // within time
            try item(4, due: "20260310170000", resolved: "20260305100000", response: .resubmitted),    // on time, re-submitted
            try item(5, due: nil, resolved: nil, response: .dissatisfied),                             // no deadline, dissatisfied
            try item(6, due: "20260303170000", resolved: nil, classification: .aboutOfficials),        // left out
        ]
        var inputs = ServiceIndex.Inputs()
        inputs.fill(feedback: feedback, at: Self.asOf)
        #expect(inputs[.feedbackOnTime] == Ratio(3, of: 4))
        #expect(inputs[.feedbackSatisfaction] == Ratio(2, of: 5))
        #expect(ServiceIndex(inputs).scores.first { $0.indicator == .feedbackOnTime }?.points == 4.5)
    }

    @Test func reportsRoundTripAsJSON() throws {
        var builder = DossierReportBuilder(grouping: .month, asOf: Self.asOf)
        for n in 0..<10 { builder.add(try Self.dossier(n, channel: n % 2 == 0 ? .online : .postal)) }
        let report = builder.report()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(report)
        #expect(try JSONDecoder().decode(DossierReport.self, from: data) == report)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""online":{"denominator":10,"numerator":5,"percent":"50.00"}"#) && report.groups.map(\.key) == ["2026-03"])
        for (grouping, key) in [(DossierReport.Grouping.quarter, "2026-Q1"), (.year, "2026")] {
            var other = DossierReportBuilder(grouping: grouping, asOf: Self.asOf)
            other.add(try Self.dossier(1))
            #expect(other.report().groups.map(\.key) == [key])
        }
        var inputs = ServiceIndex.Inputs()
        inputs.fill(from: report.total)
        let index = ServiceIndex(inputs)
        #expect(try JSONDecoder().decode(ServiceIndex.self, from: JSONEncoder().encode(index)) == index)
    }
}

extension String {
    /// The string with zeros in front up to `width` characters.
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
