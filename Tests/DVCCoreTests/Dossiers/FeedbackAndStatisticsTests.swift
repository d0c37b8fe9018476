import DVCCore
import Foundation
import Testing

@Suite("Feedback and statistics")
struct FeedbackAndStatisticsTests {
    @Test func questionsPulledFromThePortal() throws {
        let reply = try PortalJSON.decode(PortalReply<[Question]>.self, from: Data(try fixture("HoiDap-pull.json").utf8))
        #expect(reply.isSuccess)
        let questions = try #require(reply.result)
        #expect(questions.map(\.id) == [90_812, 90_813])
        #expect(questions[0].answerID == nil && !questions[0].shouldSkip)
        #expect(questions[1].answerID == 5_531 && questions[1].shouldSkip)
        for question in questions {
            #expect(try PortalJSON.decode(Question.self, from: PortalJSON.encode(question), strictness: .strict) == question)
        }
    }

    @Test(arguments: ["05/03/25", "5/3/0025x", "05/03/+2026", "05//2026", "05/03/2026/1", "005/03/2026", "31/02/2026"])
    func answerDatesNeedAFourDigitYearAndARealDay(_ text: String) throws {
        let json = #"{"HOIDAPID":"1","MADONVI":"000.00.00.H20","NGUOITRALOI":"A","NGAYTRALOI":"\#(text)","NOIDUNGTRALOI":"x"}"#
        #expect(throws: WireDecodingError.self) { try PortalJSON.decode(AnswerPush.self, from: Data(json.utf8)) }
        let valid = json.replacingOccurrences(of: text, with: "5/3/2026")
        #expect(try PortalJSON.decode(AnswerPush.self, from: Data(valid.utf8)).answeredOn == .ymd(2026, 3, 5))
    }

    @Test func questionAndAnswerPushes() throws {
        let question = QuestionPush(id: "q-17", content: "Hỏi về lệ phí", unitCode: "000.00.00.H20", unitName: "UBND tỉnh Đồng Tháp", fieldCode: "G15-HT01")
        let request = PortalBatchRequest(service: PortalService(rawValue: "DongBoHoiDap"), unitCode: "000.00.00.H20", items: [question], session: "secret-token")
        #expect(!request.description.contains("secret-token"))
        #expect(try PortalJSON.decode(PortalBatchRequest<QuestionPush>.self, from: PortalJSON.encode(request), strictness: .strict) == request)
        let answer = AnswerPush(questionID: "90812", unitCode: "000.00.00.H20", answeredBy: "Nguyễn Văn A", answeredOn: .ymd(2026, 3, 5), content: "Trả lời")
        let json = String(decoding: try PortalJSON.encode(answer), as: UTF8.self)
        #expect(json.contains(#""NGAYTRALOI":"05/03/2026""#))
        #expect(try PortalJSON.decode(AnswerPush.self, from: Data(json.utf8)) == answer)
        #expect(throws: WireDecodingError.self) {
            try PortalJSON.decode(AnswerPush.self, from: Data(json.replacingOccurrences(of: "05/03/2026", with: "2026-03-05").utf8))
        }
    }

    @Test func satisfactionSummariesAddUpToAHundred() throws {
        let summary = SatisfactionSummary(year: 2026, month: 3, verySatisfied: 45, satisfied: 40, notSatisfied: 15,
                                          question: "Ông/bà đánh giá thế nào?", unitCode: "000.00.00.H20", unitName: "UBND tỉnh Đồng Tháp")
        #expect(summary.respondents == 100)
        let percents: [Int] = [summary.verySatisfiedPercent, summary.satisfiedPercent, summary.notSatisfiedPercent]
        #expect(percents == [45, 40, 15])
        let json = String(decoding: try PortalJSON.encode(summary), as: UTF8.self)
        #expect(json.contains(#""NgayTongHop":"3-2026""#) && json.contains(#""PhanTramDanhGiaDichVuChuaHaiLong":"15%""#) && json.contains(#""TongSoNguoiDanhGia":100"#))
        #expect(try PortalJSON.decode(SatisfactionSummary.self, from: Data(json.utf8)) == summary)
        // Thirds round to 33 + 33, and "not satisfied" takes the remainder the portal expects: 34.
        let thirds = SatisfactionSummary(year: 2026, month: 3, verySatisfied: 1, satisfied: 1, notSatisfied: 1, question: "q", unitCode: "H20")
        let thirdsPercents: [Int] = [thirds.verySatisfiedPercent, thirds.satisfiedPercent, thirds.notSatisfiedPercent]
        #expect(thirdsPercents == [33, 33, 34])
        // 2 of 3 very satisfied rounds to 67; the satisfied share is capped so the sum stays 100.
        let twoThirds = SatisfactionSummary(year: 2026, month: 3, verySatisfied: 2, satisfied: 1, notSatisfied: 0, question: "q", unitCode: "H20")
        let twoThirdsPercents: [Int] = [twoThirds.verySatisfiedPercent, twoThirds.satisfiedPercent, twoThirds.notSatisfiedPercent]
        #expect(twoThirdsPercents == [67, 33, 0])
    }

    @Test func receivedSummariesKeepEverythingAndMustAddUp() throws {
        let base = #"{"NgayTongHop":"3-2026","TongSoNguoiDanhGia":"20","PhanTramDanhGiaRatHaiLong":"50%","PhanTramDanhGiaHaiLong":"30%","PhanTramDanhGiaChuaHaiLong":"20%","DanhSachNoiDungYKien":"Nhanh gọn","MaThuTuc":"1.001193","NoiDung":"q","Madonvi":"H20"}"#
        let summary = try PortalJSON.decode(SatisfactionSummary.self, from: Data(base.utf8))
        #expect(summary.comments == "Nhanh gọn" && summary.procedureCode == "1.001193" && summary.respondents == 20)
        let again = try PortalJSON.decode(SatisfactionSummary.self, from: try PortalJSON.encode(summary))
        #expect(again == summary, "comments and procedure survive a round trip")
        #expect(try PortalJSON.decode(SatisfactionSummary.self, from: try PortalJSON.encode(summary), strictness: .strict) == summary,
                "strict decoding accepts DVCKit's own output")
        do {
            _ = try PortalJSON.decode(SatisfactionSummary.self, from: Data(base.replacingOccurrences(of: "\"20%\"", with: "\"25%\"").utf8))
            Issue.record("percentages adding up to 105 were accepted")
        } catch let error as WireDecodingError {
            #expect(error.issues.map(\.path) == ["PhanTramDanhGiaChuaHaiLong"] && error.issues.first?.message.contains("105") == true)
        }
    }

    @Test func citizenFeedbackDeadlinesAndTimeliness() throws {
        var feedback = CitizenFeedback(id: "PAKN-1", receivedAt: try PortalTimestamp("20260213100000"), content: "Phản ánh về quy định")
        #expect(feedback.forwardingDeadline() == nil)
        feedback.classification = .outsideCompetence
        // Five working days after 13 February 2026 skip the Tết break: 23–27 February.
        #expect(feedback.forwardingDeadline()?.description == "20260227170000")
        feedback.forwardedAt = try PortalTimestamp("20260302090000")
        #expect(feedback.wasForwardedLate() == true)
        feedback.dueAt = try PortalTimestamp("20260315170000")
        #expect(feedback.timeliness(at: try PortalTimestamp("20260310000000")) == .withinTime)
        #expect(feedback.timeliness(at: try PortalTimestamp("20260320000000")) == .overdue)
        feedback.resolvedAt = try PortalTimestamp("20260312000000")
        feedback.citizenResponse = .satisfied
        #expect(feedback.timeliness(at: try PortalTimestamp("20260320000000")) == .onTime)
        #expect(try JSONDecoder().decode(CitizenFeedback.self, from: JSONEncoder().encode(feedback)) == feedback)
    }

    @Test func statisticsPushRoundTripsByteForByte() throws {
        let data = Data(try fixture("DongBoThongKeHoSo.json").utf8)
        let request = try PortalJSON.decode(PortalBatchRequest<MonthlyStatistics>.self, from: data, strictness: .strict)
        let month = try #require(request.items.first)
        #expect(month.total == 1_500 && month.resolved == 1_100 && month.pending == 400)
        #expect(month.consistencyIssues().isEmpty)
        #expect(String(decoding: try PortalJSON.encode(request), as: UTF8.self) == (try canonicalJSON(data)))
        // Built from counts, the percentages come out as the fixture's.
        let rebuilt = MonthlyStatistics(year: 2026, month: 10, unitCode: "000.00.00.H20", unitName: "UBND tỉnh Đồng Tháp", received: 1_200,
                                        carriedOver: 300, resolvedOnTime: 1_045, resolvedLate: 55, pendingWithinTime: 390, pendingOverdue: 10)
        #expect(rebuilt == month)
        var broken = rebuilt
        broken.pendingOverdue = 11
        #expect(broken.consistencyIssues().map(\.rule.rawValue) == ["statistics.totals"])
        let wrongTotals = String(decoding: data, as: UTF8.self).replacingOccurrences(of: #""TongDaXuLy": "1100""#, with: #""TongDaXuLy": "1101""#)
        #expect(throws: WireDecodingError.self) { try PortalJSON.decode(PortalBatchRequest<MonthlyStatistics>.self, from: Data(wrongTotals.utf8)) }
    }
}
