import DVCCore
import Foundation
import Testing

@Suite("Dossier wire format")
struct DossierWireTests {
    /// The fixture re-serialized with sorted keys: the canonical form to compare bytes against.
    private func canonical(_ name: String) throws -> String {
        try canonicalJSON(Data(try fixture(name).utf8))
    }

    @Test func openCPSBatchDecodesAndReencodesByteForByte() throws {
        let data = Data(try fixture("DongBoHoSoMC-opencps.json").utf8)
        let request = try PortalJSON.decode(DossierSyncRequest.self, from: data)
        #expect(request.unitCode == "000.00.00.H20")
        #expect(request.isUpdating == false)
        #expect(request.session == "3f1c2a9e-sandbox-session")
        #expect(!request.description.contains("3f1c2a9e"))
        #expect(request.dossiers.count == 2)

        let first = request.dossiers[0]
        #expect(first.code.rawValue == "000.00.14.H20-200703-0002")
        #expect(first.code.receivingAgency?.rawValue == "000.00.14.H20")
        #expect(first.procedureCode.national == "1.001193")
        #expect(first.applicantType == .citizen)
        #expect(first.status == .received)
        #expect(first.resultDelivery == .atOffice)
        #expect(first.receivedAt.description == "20200703083015")
        #expect(first.dueAt?.description == "20200708170000")
        #expect(first.returnedAt == nil)
        #expect(first.submittedFiles.first?.isDeleted == false)
        #expect(first.otherInformation == "")

        let second = request.dossiers[1]
        #expect(second.status == .returned)
        #expect(second.resultDelivery == .byPost)
        #expect(second.resultDocuments.first?.partCode == "")

        let encoded = try PortalJSON.encode(request)
        #expect(String(decoding: encoded, as: UTF8.self) == (try canonical("DongBoHoSoMC-opencps.json")))
        // Canonical input is accepted by strict decoding too.
        #expect(try PortalJSON.decode(DossierSyncRequest.self, from: encoded, strictness: .strict) == request)
    }

    @Test func laterRevisionDossierDecodesLenientVariants() throws {
        let dossier = try PortalJSON.decode(Dossier.self, from: Data(try fixture("DongBoHoSoMC-later-revision.json").utf8))
        #expect(dossier.code.form == .circular03of2025)
        #expect(dossier.procedureCode.publicServiceVariant == "02")
        #expect(dossier.status == .awaitingSupplement)
        #expect(dossier.status.pausesProcessingClock)
        #expect(dossier.channel == .online)
        #expect(dossier.onlinePayment == .paidOnline)
        #expect(dossier.hasDigitizedComponents == true)
        #expect(dossier.accountVerifiedWithVNeID == true)
        #expect(dossier.submittedAt?.description == "20260302140512")
        #expect(dossier.ownerIdentifiers == [OwnerIdentifier(kind: .personalID, number: "019185000123")])
        #expect(dossier.connectedDatabases == ["CSDLQGDC"])
        let file = try #require(dossier.submittedFiles.first)
        #expect(file.fileID == "771" && file.isDeleted == false && file.isDigitized == true && file.reuse == 2 && file.isFromNationalDataStore == false)
        #expect(dossier.fees == [DossierFee(name: "Lệ phí cấp giấy phép xây dựng", amount: 75_000, code: "LP.XD01", stage: .atReception, kind: .ordinary)])
        #expect(dossier.otherAttachments.first?.count == 1)
        #expect(dossier.supplements.first?.isCompleted == false)
        #expect(dossier.supplements.first?.previousDueAt?.description == "20260316170000")
        #expect(dossier.validate().isEmpty)

        // Re-encoded in canonical form: every scalar a string, flags True/False.
        let encoded = try PortalJSON.encode(dossier)
        let object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        #expect(object["LoaiDoiTuong"] as? String == "1")
        #expect(object["TrangThaiHoSo"] as? String == "5")
        let files = try #require(object["TaiLieuNop"] as? [[String: Any]])
        #expect(files[0]["IsDeleted"] as? String == "False")
        #expect(files[0]["TepDinhKemId"] as? String == "771")
        #expect(files[0]["DuocSoHoa"] as? String == "1" && files[0]["DuocLayTuKhoDMQG"] as? String == "0")  // later-revision flags are 0/1, not True/False
        let fees = try #require(object["DanhSachLePhi"] as? [[String: Any]])
        #expect(fees[0]["Gia"] as? String == "75000")
        #expect(String(decoding: encoded, as: UTF8.self) == (try canonical("DongBoHoSoMC-later-revision.canonical.json")))
        // Canonical form round-trips exactly and passes strict decoding.
        let again = try PortalJSON.decode(Dossier.self, from: encoded, strictness: .strict)
        #expect(again == dossier)
        #expect(try PortalJSON.encode(again) == encoded)
        // The same fixture fails strict decoding: it uses numbers and a JSON boolean.
        #expect(throws: WireDecodingError.self) {
            try PortalJSON.decode(Dossier.self, from: Data(try fixture("DongBoHoSoMC-later-revision.json").utf8), strictness: .strict)
        }
    }

    @Test(arguments: ["\"True\"", "\"true\"", "\"1\"", "1", "true"])
    func flagsAcceptEveryDocumentedSpelling(_ spelling: String) throws {
        let json = #"{"TenTepDinhKem":"a.pdf","DuongDanTaiTepTin":"https://x.vn/a.pdf","IsDeleted":"# + spelling + "}"
        #expect(try PortalJSON.decode(SubmittedFile.self, from: Data(json.utf8)).isDeleted == true)
    }

    @Test func strictDecodingRejectsUnknownKeysAndNonStrings() throws {
        let unknown = #"{"TenTepDinhKem":"a.pdf","DuongDanTaiTepTin":"https://x.vn/a.pdf","Extra":"x"}"#
        #expect(try PortalJSON.decode(SubmittedFile.self, from: Data(unknown.utf8)).name == "a.pdf")
        do {
            _ = try PortalJSON.decode(SubmittedFile.self, from: Data(unknown.utf8), strictness: .strict)
            Issue.record("strict decoding accepted an unknown key")
        } catch let error as WireDecodingError {
            #expect(error.issues.map(\.rule) == [.fieldUnknown])
            #expect(error.issues.map(\.path) == ["Extra"])
        }
        let number = #"{"TenTepDinhKem":"a.pdf","DuongDanTaiTepTin":"https://x.vn/a.pdf","TepDinhKemId":7}"#
        #expect(try PortalJSON.decode(SubmittedFile.self, from: Data(number.utf8)).fileID == "7")
        #expect(throws: WireDecodingError.self) { try PortalJSON.decode(SubmittedFile.self, from: Data(number.utf8), strictness: .strict) }
    }

    @Test func everyDefectIsReportedWithItsPath() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(try fixture("DongBoHoSoMC-opencps.json").utf8)) as? [String: Any])
        var dossiers = try #require(object["data"] as? [[String: Any]])
        dossiers[1]["MaHoSo"] = "000.00.14.H20-200230-0003"        // 30 February
        dossiers[1]["MaTTHC"] = "1.1193"                            // malformed
        dossiers[1]["TrangThaiHoSo"] = "12"                         // not a status ("0" and "11" are read as variants)
        dossiers[1].removeValue(forKey: "TenTTHC")                  // required
        dossiers[1]["NgayHenTra"] = "2020-07-17"                    // not yyyyMMddHHmmss
        dossiers[1]["DanhSachGiayToKetQua"] = [["TenGiayTo": "GP"]] // url missing
        object["data"] = dossiers
        let data = try JSONSerialization.data(withJSONObject: object)
        do {
            _ = try PortalJSON.decode(DossierSyncRequest.self, from: data)
            Issue.record("decoded a broken dossier")
        } catch let error as WireDecodingError {
            let found = Dictionary(grouping: error.issues, by: \.path).mapValues { $0.map(\.rule) }
            #expect(found["data[1].MaHoSo"] == [.dossierCodeMalformed])
            #expect(found["data[1].MaTTHC"] == [.procedureCodeMalformed])
            #expect(found["data[1].TrangThaiHoSo"] == [.statusUnknown])
            #expect(found["data[1].TenTTHC"] == [.fieldMissing])
            #expect(found["data[1].NgayHenTra"] == [.fieldInvalid])
            #expect(found["data[1].DanhSachGiayToKetQua[0].DuongDanTepTinKetQua"] == [.fieldMissing])
            #expect(error.issues.count == 6)
            #expect(error.issues.allSatisfy { $0.path.hasPrefix("data[1]") })
        }
    }

    @Test func modelsRoundTrip() throws {
        let code = try DossierCode("000.00.14.H20-250703-0002")
        let at = try PortalTimestamp("20250703083000")
        var dossier = Dossier(
            code: code, procedureCode: try ProcedureCode("1.001193"), procedureName: "Đăng ký khai sinh",
            fieldCode: try FieldCode("G15-HT01"), fieldName: "Hộ tịch", applicantType: .unknown("9"),
            summary: "Khai sinh", receivedAt: at, status: .new, resultDelivery: .unknown("7"), processingAgencyName: "UBND xã")
        dossier.supplements = [SupplementRound(id: "1", content: "Bổ sung", requestedAt: at, documents: [SubmittedFile(name: "a", url: "https://a.vn/a")])]
        dossier.otherAttachments = [OtherAttachment(name: "Bản sao", count: 2, kind: "1")]
        dossier.resultDocuments = [ResultDocument(name: "KQ", url: "https://a.vn/kq", documentID: "1", partCode: "", resultCode: "R1")]
        dossier.ownerIdentifiers = [OwnerIdentifier(kind: .unknown("5"), number: "x")]
        dossier.channel = .unknown("4")
        dossier.refusedAt = at
        let data = try PortalJSON.encode(dossier)
        #expect(try PortalJSON.decode(Dossier.self, from: data) == dossier)
        #expect(try PortalJSON.decode(Dossier.self, from: data, strictness: .strict) == dossier)

        let progress = ProgressEntry(dossierCode: code, actor: "Lê Văn Minh", actedAt: at, status: .processing, action: "Thẩm định")
        #expect(try PortalJSON.decode(ProgressEntry.self, from: try PortalJSON.encode(progress)) == progress)
        let json = String(decoding: try PortalJSON.encode(progress), as: UTF8.self)
        #expect(json.contains(#""NgayBatDau":"""#) && json.contains(#""TrangThai":"4""#))

        let update = PortalStatusUpdate(portalDossierID: "G22.1-1", localDossierCode: code.rawValue, dossierStatus: .returned, processedAt: at)
        #expect(update.status == "2")
        #expect(try PortalJSON.decode(PortalStatusUpdate.self, from: try PortalJSON.encode(update)) == update)
        #expect(PortalStatusUpdate.collapsedStatus(for: .refused) == "5")
        #expect(PortalStatusUpdate.collapsedStatus(for: .new) == "1")
    }

    @Test func timestampsUseTheFixedPortalClock() throws {
        let t = try PortalTimestamp("20250630235959")
        #expect(t.dateValue == Date(timeIntervalSince1970: 1_751_302_799))
        #expect(PortalTimestamp(t.dateValue) == t)
        #expect(PortalTimestamp(Date(timeIntervalSince1970: 1_751_302_800)).description == "20250701000000")
        #expect(try roundTrip(t) == "\"20250630235959\"")
        for (text, rule, offset) in [("2025063023595", CodeError.Rule.length, 13), ("20251330000000", .invalidDate, 4),
                                     ("20250230000000", .invalidDate, 6), ("20250630240000", .invalidDate, 8),
                                     ("20250630236000", .invalidDate, 10), ("20250630235960", .invalidDate, 12),
                                     ("2025-06-30 235", .expectedDigit, 4), ("", .empty, 0)] {
            #expect(throws: CodeError(kind: .portalTimestamp, rule: rule, offset: offset)) { try PortalTimestamp(text) }
        }
        #expect(PortalTimestamp(date: .ymd(2025, 1, 1), hour: 24, minute: 0) == nil)
    }
}
