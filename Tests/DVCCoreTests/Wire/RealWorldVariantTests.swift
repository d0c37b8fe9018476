import DVCCore
import Foundation
import Testing

/// One variant of what real systems send beyond the standard (the field reports of gateways
/// and newer APIs): how a canonical dossier is changed to show it, the rule it is reported under,
/// and what it must decode to.
struct Variant: Sendable, CustomTestStringConvertible {
    let name: String
    let change: @Sendable (inout [String: Any]) -> Void
    let rule: ValidationRule
    let check: @Sendable (Dossier) -> Bool
    /// The value is kept as sent (it is a valid code), so re-encoding writes it again and strict
    /// decoding only warns: the agency-suffixed `MaTTHC`, the identity number in `MaDoiTuong`, the
    /// 8-digit dossier-code date (flagged by validation).
    var keptAsSent = false
    var strictSeverity: ValidationIssue.Severity = .error
    var testDescription: String { name }

    static let all: [Variant] = [
        Variant(name: "3. status 11", change: { $0["TrangThaiHoSo"] = "11" }, rule: .statusNonStandard) { $0.status == .notAccepted },
        Variant(name: "3. status 0", change: { $0["TrangThaiHoSo"] = "0" }, rule: .statusNonStandard) { $0.status == .new },
        Variant(name: "6. agency-suffixed MaTTHC", change: { $0["MaTTHC"] = "3.000181.000.00.00.H22" }, rule: .procedureCodeAgencySuffixed,
                check: { $0.procedureCode.national == "3.000181" }, keptAsSent: true, strictSeverity: .warning),
        Variant(name: "7. MaDoiTuong an ID number", change: { $0["MaDoiTuong"] = "001087012345" }, rule: .applicantAccountIsIdentityNumber,
                check: { $0.applicantAccountID == "001087012345" }, keptAsSent: true),
        Variant(name: "7/8. MaDoiTuong null", change: { $0["MaDoiTuong"] = NSNull() }, rule: .wireNullForText) { $0.applicantAccountID == nil },
        Variant(name: "8. optional date null", change: { $0["NgayTra"] = NSNull() }, rule: .wireNullForText) { $0.returnedAt == nil },
        Variant(name: "9. yyyy-MM-dd HH:mm:ss", change: { $0["NgayTiepNhan"] = "2026-03-02 08:30:00" }, rule: .timestampFormat,
                check: { $0.receivedAt.description == "20260302083000" }),
        Variant(name: "9. yyyy-MM-ddTHH:mm:ss", change: { $0["NgayTiepNhan"] = "2026-03-02T08:30:00" }, rule: .timestampFormat,
                check: { $0.receivedAt.description == "20260302083000" }),
        Variant(name: "9. yyyy-MM-ddTHH:mm:ss.fff", change: { $0["NgayHenTra"] = "2026-03-05T17:00:00.250" }, rule: .timestampFormat,
                check: { $0.dueAt?.description == "20260305170000" }),
        Variant(name: "9. dd/MM/yyyy HH:mm:ss", change: { $0["NgayTiepNhan"] = "02/03/2026 08:30:00" }, rule: .timestampFormat,
                check: { $0.receivedAt.description == "20260302083000" }),
        Variant(name: "10. LoaiDoiTuong a number", change: { $0["LoaiDoiTuong"] = 1 }, rule: .wireNumberForText) { $0.applicantType == .citizen },
        Variant(name: "10. TrangThaiHoSo a number", change: { $0["TrangThaiHoSo"] = 4 }, rule: .wireNumberForText) { $0.status == .processing },
        Variant(name: "11. flag \"True\" for \"1\"", change: { $0["HoSoCoThanhPhanSoHoa"] = "True" }, rule: .wireFlagSpelling) {
            $0.hasDigitizedComponents == true
        },
        Variant(name: "11. flag a JSON boolean", change: { $0["TaiKhoanDuocXacThucVoiVNeID"] = false }, rule: .wireBooleanForText) {
            $0.accountVerifiedWithVNeID == false
        },
        Variant(name: "12. key case mahoso", change: { $0["mahoso"] = $0.removeValue(forKey: "MaHoSo") }, rule: .wireKeyCase) {
            $0.code.rawValue == "000.00.14.H20-260302-0001"
        },
        Variant(name: "12. key case maTTHC", change: { $0["maTTHC"] = $0.removeValue(forKey: "MaTTHC") }, rule: .wireKeyCase) {
            $0.procedureCode.rawValue == "1.001000"
        },
        Variant(name: "16. 8-digit date in MaHoSo", change: { $0["MaHoSo"] = "G09.20-20260302-0092637" }, rule: .dossierCodeNonNormative,
                check: { $0.code.receptionDate == CalendarDate(year: 2026, month: 3, day: 2) }, keptAsSent: true),
    ]
}

@Suite("Real-world variants")
struct RealWorldVariantTests {
    static func canonical() throws -> [String: Any] {
        var dossier = Dossier(code: try DossierCode("000.00.14.H20-260302-0001"), procedureCode: try ProcedureCode("1.001000"),
                              procedureName: "Đăng ký khai sinh", fieldCode: try FieldCode("G15-HT01"), fieldName: "Hộ tịch",
                              applicantType: .citizen, summary: "Khai sinh", receivedAt: try PortalTimestamp("20260302083000"),
                              status: .received, resultDelivery: .atOffice, processingAgencyName: "UBND xã")
        dossier.dueAt = try PortalTimestamp("20260305170000")
        dossier.hasDigitizedComponents = true
        dossier.accountVerifiedWithVNeID = false
        return try #require(try JSONSerialization.jsonObject(with: PortalJSON.encode(dossier)) as? [String: Any])
    }

    static func issues(_ data: Data, _ strictness: WireStrictness) -> (Dossier?, [ValidationIssue]) {
        var warnings: [ValidationIssue] = []
        do {
            let dossier = try PortalJSON.decode(Dossier.self, from: data, strictness: strictness, warnings: &warnings)
            // A non-normative dossier code is an error by default (it must not leave); here it is
            // judged as data that arrived, a warning.
            var context = DossierValidationContext()
            context.nonNormativeDossierCodeSeverity = .warning
            return (dossier, warnings + dossier.validate(against: context, path: ""))
        } catch let error as WireDecodingError {
            return (nil, error.issues)
        } catch {
            return (nil, [ValidationIssue(path: "", rule: .fieldInvalid, message: "\(error)")])
        }
    }

    @Test(arguments: Variant.all)
    func decodedLenientlyWithItsWarningRejectedStrictlyNeverWritten(_ variant: Variant) throws {
        var object = try Self.canonical()
        variant.change(&object)
        let data = try JSONSerialization.data(withJSONObject: object)

        let (lenient, warnings) = Self.issues(data, .lenient)
        let dossier = try #require(lenient, "lenient decoding refused \(variant.name): \(warnings)")
        #expect(variant.check(dossier))
        let found = warnings.filter { $0.rule == variant.rule }
        #expect(found.count == 1 && found.allSatisfy { $0.severity == .warning }, "\(warnings)")
        #expect(!warnings.contains { $0.severity == .error }, "\(warnings)")

        let (strict, strictIssues) = Self.issues(data, .strict)
        #expect(strictIssues.contains { $0.rule == variant.rule && $0.severity == variant.strictSeverity }, "\(strictIssues)")
        if variant.strictSeverity == .error { #expect(strict == nil) }

        // What DVCKit writes is the canonical form: decoding it again reports nothing of the variant.
        let written = try PortalJSON.encode(dossier)
        let (again, againIssues) = Self.issues(written, .lenient)
        #expect(again == dossier)
        if !variant.keptAsSent { #expect(!againIssues.contains { $0.rule == variant.rule }, "\(String(decoding: written, as: UTF8.self))") }
    }

    @Test func fieldsTheModelDoesNotKnowAreKeptThroughARoundTrip() throws {
        var object = try Self.canonical()
        object["TruongMoi"] = ["a": 1, "b": [true, NSNull(), "x"]] as [String: Any]
        object["SoLanGiaHan"] = 2
        let dossier = try PortalJSON.decode(Dossier.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(dossier.additionalFields["SoLanGiaHan"] == .integer(2))
        #expect(dossier.additionalFields["TruongMoi"] == .object(["a": .integer(1), "b": .array([.bool(true), .null, .string("x")])]))
        let written = try #require(try JSONSerialization.jsonObject(with: PortalJSON.encode(dossier)) as? [String: Any])
        #expect(written["SoLanGiaHan"] as? Int == 2)
        #expect((written["TruongMoi"] as? [String: Any])?["a"] as? Int == 1)
        #expect(try PortalJSON.decode(Dossier.self, from: PortalJSON.encode(dossier)) == dossier)
        // Strictly, an unknown key is still a defect.
        #expect(throws: WireDecodingError.self) {
            try PortalJSON.decode(Dossier.self, from: JSONSerialization.data(withJSONObject: object), strictness: .strict)
        }
    }

    @Test(arguments: [
        ("000.00.06.H56-231027-0361", true, true), ("G09.20-20260609-0092637", false, true), ("G09.20-20261309-0092637", false, false),
        ("G09.20-2026060-0092637", false, false), ("000.00.53.H48-220921-0099", true, true),
    ])
    func eightDigitDatesAreLenientOnly(_ text: String, _ normative: Bool, _ lenient: Bool) {
        #expect(DossierCode.isValid(text, strictness: .normative) == normative)
        #expect(DossierCode.isValid(text, strictness: .lenient) == lenient)
    }

    @Test(arguments: PortalTimestamp.Format.allCases)
    func everyTimestampFormatRoundTrips(_ format: PortalTimestamp.Format) throws {
        let moment = try PortalTimestamp("20260309074501")
        let parsed = try #require(PortalTimestamp.parse(anyFormat: moment.formatted(format)))
        #expect(parsed.timestamp == moment && parsed.format == format)
        #expect(PortalTimestamp.parse(anyFormat: "2026-02-30 08:00:00") == nil)
        #expect(PortalTimestamp.parse(anyFormat: "2026-02-03 24:00:00") == nil)
    }
}
