import DVCCore
import Foundation
import Testing

@Suite("Procedures and service levels")
struct ProcedureTests {
    static let units: [(String, ProcessingTime?)] = [
        ("Ngày làm việc", .workingDays(3)),
        ("Ngày làm việc (giờ hành chính)", .workingDays(3)),  // review: was read as working hours
        ("ngày", .calendarDays(3)),
        ("Giờ làm việc", .workingHours(3)),
        ("Giờ", .workingHours(3)),
        ("giờ (trong ngày làm việc)", .workingHours(3)),
        ("Tháng", nil),
        ("Năm", nil),
    ]

    @Test(arguments: units)
    func processingTimeUnits(_ unit: String, _ expected: ProcessingTime?) {
        #expect(Procedure.Timing(value: 3, unitText: unit).processingTime == expected)
    }

    @Test func fullProcedureDecodesAndRoundTrips() throws {
        let reply = try PortalJSON.decode(PortalReply<[Procedure]>.self, from: Data(try fixture("LayThuTuc-1.001193.json").utf8))
        #expect(reply.isSuccess)
        let procedure = try #require(reply.result?.first)
        #expect(procedure.code.rawValue == "1.001193")
        #expect(procedure.isActive)
        #expect(procedure.steps.first?.steps.count == 3)
        #expect(procedure.levels == [Procedure.Level(code: "4", name: "Cấp Xã")])
        #expect(procedure.fields.map(\.code.rawValue) == ["G15-HT01"])
        #expect(procedure.channels.map(\.channel) == [.direct, .online, .postal])
        let online = try #require(procedure.channels[1].timings.first)
        #expect(online.processingTime == .workingDays(1))
        #expect(online.fees.first?.amount == 8_000)
        #expect(procedure.channels[2].timings.first?.processingTime == .workingHours(0.5))
        #expect(procedure.requiredDocuments.first?.documents.map(\.originals) == [1, 1])
        #expect(procedure.requiredDocuments.first?.documents.first?.templateURL?.hasPrefix("https://") == true)
        #expect(procedure.results.first?.name == "Giấy khai sinh")
        #expect(procedure.legalBases.map(\.number) == ["60/2014/QH13", "123/2015/NĐ-CP"])
        #expect(procedure.implementingAgencies.first?.agencyCode == nil)  // "H" is a placeholder, not an agency code
        #expect(procedure.relatedProcedures.map(\.text) == ["1.000894", "2.000528"])
        #expect(procedure.relatedProcedures.compactMap(\.procedureCode).count == 2)

        let encoded = try PortalJSON.encode(procedure)
        #expect(String(decoding: encoded, as: UTF8.self) == (try canonicalJSON(Data(try fixture("LayThuTuc-1.001193.canonical.json").utf8))))
        let again = try PortalJSON.decode(Procedure.self, from: encoded, strictness: .strict)
        #expect(again == procedure)
        #expect(try PortalJSON.encode(again) == encoded)
        let text = String(decoding: encoded, as: UTF8.self)
        #expect(text.contains(#""SOTIEN":"8000""#) && text.contains(#""THOIGIANGIAIQUYET":"0.5""#) && text.contains(#""KENH":"2""#))

        let catalogue = ProcedureCatalogue(procedures: [procedure])
        #expect(catalogue.fields(of: try ProcedureCode("1.001193.000.00.00.H20")) == [try FieldCode("G15-HT01")])
    }

    @Test func catalogueRowsAndPublicServices() throws {
        let rows = try PortalJSON.decode(PortalReply<[ProcedureSummary]>.self, from: Data(#"{"error_code":0,"result":[{"MATTHC":"1.001193","TENTTHC":"Đăng ký khai sinh"}]}"#.utf8))
        #expect(rows.isSuccess && rows.result?.first?.code.rawValue == "1.001193")
        let services = try PortalJSON.decode(PortalReply<[PublicService]>.self, from: Data("""
            {"error_code":"00","result":{"data":[{"MADVC":"2.000815.000.00.00.H55.02","TENDVC":"Cấp phép xây dựng","MATTHC":"2.000815",
            "APDUNGDVC":[{"MACOQUANTHUCHIEN":"H55.242","MUCDO":4},{"MACOQUANTHUCHIEN":"H55.7","MUCDO":"3"}]}]}}
            """.utf8))
        #expect(services.isSuccess)
        let service = try #require(services.result?.first)
        #expect(service.applications.map(\.level) == [.level4, .level3])
        #expect(service.applications.map { $0.level?.scope } == [.fullProcess, .partial])
        #expect(try PortalJSON.decode(PublicService.self, from: PortalJSON.encode(service)) == service)
        #expect(throws: WireDecodingError.self) {
            try PortalJSON.decode(PublicService.Application.self, from: Data(#"{"MACOQUANTHUCHIEN":"H55","MUCDO":"7"}"#.utf8))
        }
        let failure = try PortalJSON.decode(PortalReply<[ProcedureSummary]>.self, from: Data(#"{"error_code":"-3","message":"Hồ sơ đã tồn tại"}"#.utf8))
        #expect(!failure.isSuccess && failure.message == "Hồ sơ đã tồn tại" && failure.result == nil)
    }

    @Test func levelUpgradePolicyUsesThirtyPercentByDefault() {
        let policy = LevelUpgradePolicy()
        #expect(policy.evaluate(onlineResolved: 30, total: 100).qualifies)
        #expect(!policy.evaluate(onlineResolved: 29, total: 100).qualifies)
        #expect(policy.evaluate(onlineResolved: 29, total: 100).ratio == 0.29)
        #expect(!policy.evaluate(onlineResolved: 0, total: 0).qualifies)
        #expect(LevelUpgradePolicy(threshold: 0.5).evaluate(onlineResolved: 40, total: 100).qualifies == false)
        #expect(ServiceLevel.allCases.map(\.scope) == [.partial, .partial, .partial, .fullProcess])
    }

    @Test func fullyOnlineDossiersFollowDecree307() throws {
        var dossier = try DossierValidationTests.good()
        // Counter, in processing, no electronic result, fees unknown.
        #expect(dossier.unmetFullyOnlineConditions().count == 4)
        dossier.channel = .online
        dossier.status = .awaitingReturn
        dossier.resultDocuments = [ResultDocument(name: "Giấy khai sinh điện tử", url: "https://kq.vn/1.pdf")]
        // W9: an empty DanhSachLePhi says nothing (the reference system always sends []).
        #expect(dossier.unmetFullyOnlineConditions() == ["whether fees apply is unknown (DanhSachLePhi is empty; pass the procedure's fees)"])
        #expect(dossier.unmetFullyOnlineConditions(procedureFees: []).isEmpty)            // a fee-free procedure
        let feeOf8000 = Procedure.Fee(code: "LP", amount: 8_000)
        #expect(dossier.unmetFullyOnlineConditions(procedureFees: [feeOf8000]) == ["fees not paid online (DuocThanhToanTrucTuyen ≠ 1)"])
        dossier.fees = [DossierFee(name: "Lệ phí", amount: 8_000)]
        #expect(!dossier.isProcessedFullyOnline)
        dossier.onlinePayment = .paidOnline
        #expect(dossier.isProcessedFullyOnline)
        #expect(dossier.unmetFullyOnlineConditions(requiredInPersonStep: true).count == 1)
        dossier.status = .processing
        #expect(dossier.unmetFullyOnlineConditions() == ["not resolved (TrangThaiHoSo is neither 9 nor 10)"])
    }
}

@Suite("Small models round-trip")
struct SmallModelRoundTripTests {
    @Test func everySmallModelRoundTrips() throws {
        try roundTrip(ProcedureSummary(code: try ProcedureCode("1.001193"), name: "Đăng ký khai sinh"))
        try roundTrip(ProcessingTime.workingHours(0.5))
        try roundTrip(ClockPause(start: try PortalTimestamp("20260224090000"), end: try PortalTimestamp("20260225150000")))
        try roundTrip(Procedure.AgencyReference(code: "000.00.00.H20", name: "UBND tỉnh Đồng Tháp", level: 1))
        try roundTrip(Procedure.RelatedProcedure(text: "2.000528", name: "Khai sinh có yếu tố nước ngoài"))
        try roundTrip(Procedure.LegalBasis(number: "60/2014/QH13", title: "Luật Hộ tịch"))
        try roundTrip(Procedure.RequiredDocument(code: "GT01", name: "Tờ khai", originals: 1, copies: 0))
        try roundTrip(ValidationIssue(path: "data[0].MaHoSo", rule: .dossierCodeMalformed, message: "m", severity: .warning))
        try roundTrip(CalendarAdjustment(date: .ymd(2026, 1, 2), kind: .dayOff, name: "n", source: "s", confidence: .unverified, occasion: .nationalDay))
        #expect(ClockPause(start: try PortalTimestamp("20260225150000"), end: try PortalTimestamp("20260224090000")).end.description == "20260225150000")
        #expect(PortalService.syncDossiers.description == "DongBoHoSoMC")
    }
}
