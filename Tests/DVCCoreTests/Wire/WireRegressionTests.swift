import DVCCore
import Foundation
import Testing

/// The core review's wire findings (W3, W4, W5, C2, strict mode), each pinned.
@Suite("Wire format: amounts, required numbers, flags, strict mode")
struct WireRegressionTests {
    func fee(_ json: String, _ strictness: WireStrictness = .lenient) throws -> DossierFee {
        try PortalJSON.decode(DossierFee.self, from: Data(json.utf8), strictness: strictness)
    }

    /// W4: an amount is read from its text; `"50.000"` is never 50 đồng.
    @Test(arguments: [
        ("\"50000\"", 50_000 as Int?, 50_000 as Int?), ("50000", 50_000, nil), ("\"50.000\"", 50_000, nil), ("\"50,000\"", 50_000, nil),
        ("\"1.500.000\"", 1_500_000, nil), ("\"1,500,000\"", 1_500_000, nil), ("50000.0", 50_000, nil), ("\"75000.00\"", 75_000, nil),
        ("\"50.5\"", nil, nil), ("\"1.50.000\"", nil, nil), ("\"50,5\"", nil, nil), ("\"-5\"", nil, nil), ("\"5e4\"", nil, nil),
        ("\"1.500,000\"", nil, nil), ("\"99999999999999999999\"", nil, nil),
    ] as [(String, Int?, Int?)])
    func amountsAreReadFromTheirText(_ value: String, _ lenient: Int?, _ strict: Int?) {
        let json = #"{"TenPhiLePhi":"Lệ phí","Gia":\#(value)}"#
        #expect((try? fee(json))?.amount == lenient, "lenient \(value)")
        #expect((try? fee(json, .strict))?.amount == strict, "strict \(value)")
        if lenient == nil {
            let error = #expect(throws: WireDecodingError.self) { try fee(json) }
            #expect(error?.issues.map(\.path) == ["Gia"] && error?.issues.first?.rule == .fieldInvalid)
        }
    }

    /// The same rule for a procedure's fee (`SOTIEN` of `LayThuTuc`), which vendors copy into payments.
    @Test func aProcedureFeeOfFiftyThousandIsFiftyThousand() throws {
        let fee = try PortalJSON.decode(Procedure.Fee.self, from: Data(#"{"MAPHILEPHI":"LP01","SOTIEN":"50.000","MOTA":"Lệ phí"}"#.utf8))
        #expect(fee.amount == 50_000)
    }

    /// W5: a required number that is `""` or `null` is a named defect, never an empty error.
    @Test(arguments: ["\"\"", "null"])
    func anEmptyRequiredNumberIsMissingByName(_ value: String) {
        let error = #expect(throws: WireDecodingError.self) { try fee(#"{"TenPhiLePhi":"Lệ phí","Gia":\#(value)}"#) }
        #expect(error?.issues.count == 1)
        #expect(error?.issues.first?.path == "Gia" && error?.issues.first?.rule == .fieldMissing)
    }

    /// W5 through the batch report: such a dossier is counted invalid, with its issue.
    @Test func anUndecodableDossierIsNeverCountedValid() throws {
        var text = try fixture("DongBoHoSoMC-opencps.json")
        text = text.replacingOccurrences(of: "\"DanhSachLePhi\": []", with: #""DanhSachLePhi": [{"TenPhiLePhi":"Lệ phí","Gia":""}]"#)
        #expect(text.contains(#""Gia":"""#))
        var validator = DossierBatchValidator()
        try Data(text.utf8).withUnsafeBytes { try validator.feed($0) }
        let report = try validator.finish()
        #expect(report.invalid >= 1 && report.valid == report.total - report.invalid)
        #expect(report.issues.contains { $0.path.hasSuffix("DanhSachLePhi[0].Gia") && $0.rule == .fieldMissing })
    }

    /// C2: counts beyond 10^15 are defects, never an arithmetic overflow.
    @Test func hugeStatisticsCountsAreRejectedNotTrapped() throws {
        var text = try fixture("DongBoThongKeHoSo.json")
        let key = "\"SoNhanTrongKy\""
        let range = try #require(text.range(of: key))
        let valueStart = try #require(text[range.upperBound...].firstIndex(of: "\""))
        let valueEnd = try #require(text[text.index(after: valueStart)...].firstIndex(of: "\""))
        text.replaceSubrange(valueStart...valueEnd, with: "\"9223372036854775807\"")
        #expect(throws: (any Error).self) { try PortalJSON.decode(PortalBatchRequest<MonthlyStatistics>.self, from: Data(text.utf8)) }
        let month = MonthlyStatistics(year: 2026, month: 3, unitCode: "000.00.00.H20", received: .max, carriedOver: .max,
                                      resolvedOnTime: .max, resolvedLate: 1, pendingWithinTime: 0, pendingOverdue: 0)
        #expect(month.total == .max && month.resolved == .max)
    }

    /// W10: percentages round half up, in whole numbers.
    @Test(arguments: [(1, 800, "0.13"), (1, 3, "33.33"), (2, 3, "66.67"), (376, 1_551, "24.24"), (4_396, 45_374, "9.69"),
                      (6_407, 9_246, "69.29"), (570, 1_900, "30.00"), (0, 0, "0.00"), (5, 5, "100.00")] as [(Int, Int, String)])
    func percentagesRoundHalfUp(_ part: Int, _ whole: Int, _ expected: String) {
        #expect(Percent.twoDecimals(part, of: whole) == expected)
        let month = MonthlyStatistics(year: 2026, month: 3, unitCode: "000.00.00.H20", received: whole, carriedOver: 0,
                                      resolvedOnTime: part, resolvedLate: whole - part, pendingWithinTime: 0, pendingOverdue: 0)
        #expect(month.resolvedOnTimePercent == expected)
    }

    /// Strict decoding takes only the canonical flag spellings, and accepts what DVCKit writes.
    @Test func strictModeIsStrictAndAcceptsDVCKitsOwnOutput() throws {
        let file = #"{"TepDinhKemId":"1","TenTepDinhKem":"a.pdf","IsDeleted":"%@","MaThanhPhanHoSo":"TP01","DuongDanTaiTepTin":"https://x.vn/a.pdf"}"#
        for (spelling, strictOK) in [("True", true), ("False", true), ("true", false), ("1", false), ("0", false)] {
            let json = Data(file.replacingOccurrences(of: "%@", with: spelling).utf8)
            let strict = try? PortalJSON.decode(SubmittedFile.self, from: json, strictness: .strict)
            #expect((strict != nil) == strictOK, "\(spelling)")
            #expect((try? PortalJSON.decode(SubmittedFile.self, from: json)) != nil, "\(spelling) leniently")
        }
        let summary = SatisfactionSummary(year: 2026, month: 3, verySatisfied: 10, satisfied: 5, notSatisfied: 1, question: "Q", unitCode: "000.00.00.H20")
        #expect(try PortalJSON.decode(SatisfactionSummary.self, from: try PortalJSON.encode(summary), strictness: .strict) == summary)
        let confirmation = PaymentConfirmation(messageType: .unknown("CONFIRM"), result: .success, partnerCode: "P", reference: "R", amount: 75_000, currency: "VND",
                                               transactionID: "T", bankCode: "B", transactionTime: try PortalTimestamp("20260302090000"),
                                               description: "d", checksum: "c")
        #expect(try PortalJSON.decode(PaymentConfirmation.self, from: try PortalJSON.encode(confirmation), strictness: .strict).amount == 75_000)
    }
}

/// §4: an envelope without `isUpdating` is a create when read leniently, and an error strictly.
@Suite("Wire format: the sync envelope's flag")
struct SyncEnvelopeFlagTests {
    @Test(arguments: [#""isUpdating":"True","#, #""isUpdating":null,"#, ""])
    func anAbsentFlagIsACreateLenientlyAndAnErrorStrictly(_ flag: String) throws {
        let json = #"{"madonvi":"000.00.00.H20",\#(flag)"service":"DongBoHoSoMC","data":[]}"#
        let lenient = try PortalJSON.decode(DossierSyncRequest.self, from: Data(json.utf8))
        #expect(lenient.isUpdating == flag.contains("True"))
        if flag.contains("True") {
            #expect(try PortalJSON.decode(DossierSyncRequest.self, from: Data(json.utf8), strictness: .strict).isUpdating)
        } else {
            let error = #expect(throws: WireDecodingError.self) { try PortalJSON.decode(DossierSyncRequest.self, from: Data(json.utf8), strictness: .strict) }
            #expect(error?.issues.map(\.path) == ["isUpdating"] && error?.issues.first?.rule == .fieldMissing)
        }
    }

    /// A refusal whose `result` has an odd shape keeps its code and message (review: they were
    /// lost in a `keyNotFound`); a success with an unreadable `result` is still an error.
    @Test(arguments: [#""""#, "{}", #""OK""#, "42", "null"])
    func aRefusalWithAnOddResultKeepsItsCodeAndMessage(_ result: String) throws {
        let json = #"{"error_code":"-1","message":"Mã đơn vị không hợp lệ","result":\#(result)}"#
        let reply = try PortalJSON.decode(PortalReply<[Procedure]>.self, from: Data(json.utf8))
        #expect(!reply.isSuccess && reply.errorCode == "-1" && reply.message == "Mã đơn vị không hợp lệ" && reply.result == nil)
        if result != "null" {
            #expect(throws: (any Error).self) {
                try PortalJSON.decode(PortalReply<[Procedure]>.self, from: Data(json.replacingOccurrences(of: "\"-1\"", with: "0").utf8))
            }
        }
    }
}
