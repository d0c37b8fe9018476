import DVCCore
import Foundation
import Testing

@Suite("Portal dialects")
struct PortalDialectTests {
    static let unit = "000.00.00.H56"

    static func body(_ request: DialectRequest) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(request.body))
    }

    @Test func theReferenceDialectSendsTheEnvelopeWithSessionAndUnitFirst() throws {
        let message = PortalOperation.syncDossiers.message(for: DossierUpload([], isUpdating: true))
        let request = try PortalDialect.reference.request(for: message, credential: "S1", unitCode: Self.unit)
        #expect(request.method == .post && request.target == "/api/integration")
        #expect(String(decoding: request.body, as: UTF8.self)
            == #"{"session":"S1","madonvi":"000.00.00.H56","data":[],"isUpdating":"True","service":"DongBoHoSoMC"}"#)
        let catalogue = try PortalDialect.reference.request(for: PortalOperation.agencyCatalogue.message(for: ()), credential: "S1", unitCode: Self.unit)
        #expect(catalogue.target == "/api/share")
    }

    @Test func theTDGatewaySeparatesCreatesUpdatesAndProgressByURL() throws {
        let dialect = PortalDialect.tdGateway
        let create = try dialect.request(for: PortalOperation.syncDossiers.message(for: DossierUpload([], isUpdating: false)), credential: "T", unitCode: Self.unit)
        let update = try dialect.request(for: PortalOperation.syncDossiers.message(for: DossierUpload([], isUpdating: true)), credential: "T", unitCode: Self.unit)
        #expect(create.target == "/lgsp/dvcqg/DongBoHoSoMC/Them?madonvi=000.00.00.H56")
        #expect(update.target == "/lgsp/dvcqg/DongBoHoSoMC/CapNhat?madonvi=000.00.00.H56")
        #expect(create.headers["lgspaccesstoken"] == "T" && String(decoding: create.body, as: UTF8.self) == "[]")
        let progress = try dialect.request(for: PortalOperation.updateProgress.message(for: []), credential: "T", unitCode: Self.unit)
        #expect(progress.path == "/lgsp/dvcqg/CapNhatTienDoHoSoMC")
        let lookUp = try dialect.request(for: PortalOperation.lookUpDossier.message(for: try DossierCode("000.00.06.H56-231027-0361")),
                                         credential: "T", unitCode: Self.unit)
        #expect(lookUp.method == .get && lookUp.body.isEmpty)
        #expect(lookUp.target == "/lgsp/dvcqg/TraCuuHoSo?madonvi=000.00.00.H56&mahoso=000.00.06.H56-231027-0361")
    }

    @Test func theHGGatewayPutsAgencyAndFlagInTheQueryString() throws {
        let request = try PortalDialect.hgGateway.request(for: PortalOperation.syncDossiers.message(for: DossierUpload([], isUpdating: true)),
                                                          credential: "B", unitCode: "000.00.01.H22")
        #expect(request.target == "/SynsTTHCC/DongBoHoSoMC?MaDinhDanhDV=000.00.01.H22&isUpdating=True")
        #expect(request.headers["Authorization"] == "Bearer B")
    }

    @Test func theDVCAPIWritesDatesAndNumbersItsWay() throws {
        var dossier = Dossier(code: try DossierCode("000.00.06.H56-231027-0361"), procedureCode: try ProcedureCode("1.001000"),
                              procedureName: "Khai sinh", fieldCode: try FieldCode("G15-HT01"), fieldName: "Hộ tịch", applicantType: .citizen,
                              summary: "Khai sinh", receivedAt: try PortalTimestamp("20231027083000"), status: .processing,
                              resultDelivery: .atOffice, processingAgencyName: "UBND")
        dossier.dueAt = nil
        let request = try PortalDialect.dvcAPI.request(for: PortalOperation.syncDossiers.message(for: DossierUpload([dossier], isUpdating: false)),
                                                       credential: "B", unitCode: Self.unit)
        #expect(request.target == "/api/HoSo/NoiHoSo" && request.headers["MaDonVi"] == Self.unit)
        let sent = try #require((try Self.body(request) as? [[String: Any]])?.first)
        #expect(sent["NgayTiepNhan"] as? String == "2023-10-27 08:30:00")
        #expect(sent["LoaiDoiTuong"] as? Int == 1 && sent["TrangThaiHoSo"] as? Int == 4)
        #expect(sent["MaHoSo"] as? String == "000.00.06.H56-231027-0361")
        // The sandbox's side reads it back to the same dossier (leniently, with its variants reported).
        var warnings: [ValidationIssue] = []
        let back = try PortalJSON.decode([Dossier].self, from: Data(request.body), warnings: &warnings)
        #expect(back == [dossier])
        #expect(Set(warnings.map(\.rule)) == [.timestampFormat, .wireNumberForText])
    }

    /// Reply shapes real gateways answer with (items 4 and 5 of the field reports).
    @Test(arguments: [
        ("reference", #"{"error_code":0,"message":""}"#, PortalReplyVerdict.success),
        ("reference", #"{"error_code":"00"}"#, .success),
        ("reference", #"{"error_code":"-1","message":"Hồ sơ đã tồn tại"}"#, .alreadyExists),
        ("reference", #"{"error_code":"-0"}"#, .refused),
        ("td-gateway", #"{"error_code":"0","message":"Đồng bộ thành công"}"#, .success),
        ("td-gateway", #"{"error_code":"0","message":"Lỗi hệ thống"}"#, .refused),
        ("td-gateway", #"{"error_code":"-3","message":"Hồ sơ đã tồn tại"}"#, .alreadyExists),
        ("td-gateway", #"{"error_code":"-2","message":"Hồ sơ đã tồn tại"}"#, .refused),
        ("td-gateway", "Cập nhật tiến độ thành công", .success),
        ("td-gateway", "Không tìm thấy hồ sơ", .refused),
        ("dvc-api", #"{"code":200,"message":"OK","data":{"IdHoSo":5}}"#, .success),
        ("dvc-api", #"{"Code":"0","Message":"OK"}"#, .success),
        ("dvc-api", #"{"code":500,"message":"Lỗi"}"#, .refused),
    ])
    func repliesAreReadByTheDialectsRules(_ name: String, _ body: String, _ verdict: PortalReplyVerdict) throws {
        let dialect = try #require(PortalDialect.named(name))
        #expect(try dialect.interpret(PortalAcknowledgement.self, body: Data(body.utf8)).verdict == verdict)
    }

    @Test func aCodeInsideTheResultAndAnotherCodeKeyAreConfigurable() throws {
        var dialect = PortalDialect.reference
        dialect.replies.codeKeys = ["result.error_code", "response_code"]
        #expect(try dialect.interpret(PortalAcknowledgement.self, body: Data(#"{"result":{"error_code":0}}"#.utf8)).verdict == .success)
        #expect(try dialect.interpret(PortalAcknowledgement.self, body: Data(#"{"response_code":"00"}"#.utf8)).verdict == .success)
        #expect(throws: (any Error).self) { try dialect.interpret(PortalAcknowledgement.self, body: Data("OK".utf8)) }
    }

    @Test(arguments: PortalDialect.shipped)
    func everyShippedDialectRoundTripsThroughJSONAndServesWhatItSends(_ dialect: PortalDialect) throws {
        #expect(try PortalDialect(json: dialect.jsonData()) == dialect)
        for upload in [DossierUpload([], isUpdating: false), DossierUpload([], isUpdating: true)] {
            let request = try dialect.request(for: PortalOperation.syncDossiers.message(for: upload), credential: "C", unitCode: Self.unit)
            let call = try #require(dialect.recognise(method: request.method.rawValue, target: request.target, headers: request.headers,
                                                      body: Data(request.body)))
            #expect(call.service == .syncDossiers && call.isUpdating == upload.isUpdating)
            #expect(call.unitCode == Self.unit && call.credential == "C")
            #expect(try call.payload([Dossier].self).isEmpty)
        }
        let lookUp = try dialect.request(for: PortalOperation.answersToQuestion.message(for: 42), credential: "C", unitCode: Self.unit)
        let call = try #require(dialect.recognise(method: lookUp.method.rawValue, target: lookUp.target, headers: lookUp.headers, body: Data(lookUp.body)))
        #expect(call.service == .answersToQuestion && call.parameters == ["cauhoiid": "42"])
        for verdict in [PortalReplyVerdict.success, .alreadyExists, .refused] {
            let reply = dialect.replyBody(verdict, message: verdict == .alreadyExists ? "Hồ sơ X đã tồn tại" : "Thành công", result: Data("[1]".utf8))
            #expect(try dialect.interpret([Int].self, body: reply).verdict == (verdict == .refused ? .refused : verdict))
        }
    }

    /// The envelope's scalar members as `JSONSerialization` reads them: strings, and numbers
    /// other than booleans as their text.
    private static func foundationTexts(_ body: String) -> [String: String]? {
        guard let object = JSONLimits.standard.jsonObject(Data(body.utf8)) else { return nil }
        var texts: [String: String] = [:]
        for (key, value) in object {
            if let text = value as? String { texts[key] = text } else if let number = value as? NSNumber, !(value is Bool) { texts[key] = number.stringValue }
        }
        return texts
    }

    @Test(arguments: [
        #"{"service":"DongBoHoSoMC","session":"S","madonvi":"000.00.00.H20","isUpdating":"False","data":[{"MaHoSo":"x"}]}"#,
        #"{"service":"DongBoHoSoMC","session":"S\"q\u00e1\n","madonvi":12,"isUpdating":true,"x":null,"y":{"a":1},"z":[1,"2"]}"#,
        #"{"service":"DongBoHoSoMC","n":-0,"big":123456789012345678901,"f":1.5,"e":1e2,"neg":-42}"#,
        #"{"service":"DongBoHoSoMC","service":"LayDanhSachTTHC"}"#,
        #"{"service":"DongBoHoSoMC","data":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"#,
        #"["service"]"#, #"{"service":"DongBoHoSoMC""#, "", #"{"service":"DongBoHoSoMC"} x"#,
    ])
    func anEnvelopesMembersAreReadAsFoundationReadsThem(_ body: String) throws {
        let call = PortalDialect.reference.recognise(method: "POST", target: "/api/integration", headers: [:], body: Data(body.utf8))
        guard var expected = Self.foundationTexts(body), let service = expected.removeValue(forKey: "service") else {
            #expect(call == nil)
            return
        }
        let recognised = try #require(call)
        #expect(recognised.service.rawValue == service)
        #expect(recognised.credential == expected.removeValue(forKey: "session"))
        #expect(recognised.unitCode == expected.removeValue(forKey: "madonvi"))
        #expect(recognised.isUpdating == expected.removeValue(forKey: "isUpdating").map { $0 == "True" || $0 == "true" || $0 == "1" })
        expected.removeValue(forKey: "data")
        #expect(recognised.parameters == expected)
    }

    @Test func aDialectFileNeedOnlySayWhatDiffersAndAWrongKeyIsNamed() throws {
        let file = #"{"name":"my-gateway","routes":{"DongBoHoSoMC":{"path":"/hs","method":"POST"}},"replies":{"successPhrases":["ok"]}}"#
        let dialect = try PortalDialect(json: Data(file.utf8))
        #expect(dialect.name == "my-gateway" && dialect.framing == .envelope)
        #expect(dialect.routes["DongBoHoSoMC"]?.path == "/hs" && dialect.routes["LayDanhSachTTHC"] == nil)
        #expect(dialect.replies.successPhrases == ["ok"] && dialect.replies.successCodes == ["0", "00"])
        for (bad, key) in [(#"{"framin":"bare"}"#, "framin"), (#"{"framing":"naked"}"#, "framing"), (#"{"replies":{"successCodes":"0"}}"#, "replies.successCodes"),
                           ("[]", "")] {
            #expect(throws: PortalDialect.ConfigurationError.self) { try PortalDialect(json: Data(bad.utf8)) }
            do { _ = try PortalDialect(json: Data(bad.utf8)) } catch let error as PortalDialect.ConfigurationError { #expect(error.key == key, "\(error)") }
        }
    }
}
