import DVCCore
import Foundation
import Testing

@Suite("Dossier validation")
struct DossierValidationTests {
    /// A dossier that passes every check, to mutate one defect at a time.
    static func good() throws -> Dossier {
        var dossier = Dossier(
            code: try DossierCode("000.00.14.H20-250703-0002"), procedureCode: try ProcedureCode("1.001193"),
            procedureName: "Đăng ký khai sinh", fieldCode: try FieldCode("G15-HT01"), fieldName: "Hộ tịch",
            applicantType: .citizen, summary: "Khai sinh", receivedAt: try PortalTimestamp("20250703083000"),
            status: .processing, resultDelivery: .atOffice, processingAgencyName: "UBND xã Mỹ Hiệp")
        dossier.dueAt = try PortalTimestamp("20250708170000")
        dossier.submittedFiles = [SubmittedFile(name: "to-khai.pdf", url: "https://motcua.vn/f/1.pdf")]
        return dossier
    }

    static func context() throws -> DossierValidationContext {
        DossierValidationContext(
            syncingUnit: try AgencyCode("000.00.00.H20"),
            catalogue: ProcedureCatalogue([try ProcedureCode("1.001193"): [try FieldCode("G15-HT01")]]),
            previousStatus: .received, now: try PortalTimestamp("20250801000000"))
    }

    @Test func aGoodDossierHasNoIssues() throws {
        #expect(try Self.good().validate(against: Self.context()).isEmpty)
    }

    struct Mutation: Sendable, CustomTestStringConvertible {
        let name: String
        let rule: ValidationRule
        let path: String
        let severity: ValidationIssue.Severity
        var previous: DossierStatus = .received
        /// Rules reported besides `rule`, by design (a code without an agency is also non-normative).
        var alsoReported: [ValidationRule] = []
        let apply: @Sendable (inout Dossier) throws -> Void
        var testDescription: String { name }
    }

    static let mutations: [Mutation] = [
        Mutation(name: "agency outside the syncing unit", rule: .receivingAgencyOutsideUnit, path: "data[3].MaHoSo", severity: .error) {
            $0.code = try DossierCode("000.00.14.H21-250703-0002")
        },
        Mutation(name: "no receiving agency", rule: .receivingAgencyMissing, path: "data[3].MaHoSo", severity: .error,
                 alsoReported: [.dossierCodeNonNormative]) {
            $0.code = try DossierCode("38.98.H29-250703-0002", strictness: .lenient)
        },
        Mutation(name: "non-normative code", rule: .dossierCodeNonNormative, path: "data[3].MaHoSo", severity: .error) {
            $0.code = try DossierCode("000.00.14.H20-250703-00002", strictness: .lenient)
        },
        Mutation(name: "code date ≠ reception date", rule: .dossierCodeDateMismatch, path: "data[3].MaHoSo", severity: .error) {
            $0.code = try DossierCode("000.00.14.H20-250704-0002")
        },
        Mutation(name: "unknown procedure", rule: .procedureCodeUnknown, path: "data[3].MaTTHC", severity: .error) {
            $0.procedureCode = try ProcedureCode("1.000894")
        },
        Mutation(name: "field of another procedure", rule: .fieldCodeMismatch, path: "data[3].MaLinhVuc", severity: .error) {
            $0.fieldCode = try FieldCode("G17-XD05")
        },
        // The table is inferred, not published: a warning by default (W7), so the dossier still goes.
        Mutation(name: "transition the table does not list", rule: .statusTransition, path: "data[3].TrangThaiHoSo", severity: .warning) {
            $0.status = .new
        },
        Mutation(name: "due before received", rule: .datesOutOfOrder, path: "data[3].NgayHenTra", severity: .error) {
            $0.dueAt = try PortalTimestamp("20250702170000")
        },
        Mutation(name: "returned without a return date", rule: .returnDateMissing, path: "data[3].NgayTra", severity: .error, previous: .awaitingReturn) {
            $0.status = .returned
            $0.processingEndedAt = $0.dueAt
        },
        Mutation(name: "http link", rule: .fileURLNotHTTPS, path: "data[3].TaiLieuNop[0].DuongDanTaiTepTin", severity: .warning) {
            $0.submittedFiles[0].url = "http://motcua.vn/f/1.pdf"
        },
        Mutation(name: "relative link", rule: .fileURLMalformed, path: "data[3].DanhSachGiayToKetQua[0].DuongDanTepTinKetQua", severity: .error) {
            $0.resultDocuments = [ResultDocument(name: "KQ", url: "/files/kq.pdf")]
        },
        Mutation(name: "summary too long", rule: .lengthExceeded, path: "data[3].TrichYeuHoSo", severity: .error) {
            $0.summary = String(repeating: "á", count: 1_001)
        },
        Mutation(name: "long note", rule: .lengthExceeded, path: "data[3].GhiChu", severity: .warning) {
            $0.note = String(repeating: "x", count: 2_001)
        },
        Mutation(name: "bad personal ID", rule: .applicantIdentifierMalformed, path: "data[3].DinhDanhCHS[0].SoDinhDanh", severity: .error) {
            $0.ownerIdentifiers = [OwnerIdentifier(kind: .personalID, number: "003087012345")]
        },
        Mutation(name: "bad ID card", rule: .applicantIdentifierMalformed, path: "data[3].DinhDanhCHS[0].SoDinhDanh", severity: .error) {
            $0.ownerIdentifiers = [OwnerIdentifier(kind: .legacyIDCard, number: "12345")]
        },
        Mutation(name: "bad owner document", rule: .applicantIdentifierMalformed, path: "data[3].SoGiayToChuHoSo", severity: .error) {
            $0.ownerDocumentNumber = "ABC"
        },
        Mutation(name: "central agency's local branch", rule: .receivingAgencyOutsideUnit, path: "data[3].MaHoSo", severity: .warning) {
            $0.code = try DossierCode("000.00.14.G01-250703-0002")
        },
        Mutation(name: "HTTPS in capitals is fine; a space is not", rule: .fileURLMalformed, path: "data[3].TaiLieuNop[1].DuongDanTaiTepTin",
                 severity: .error) {
            $0.submittedFiles[0].url = "HTTPS://motcua.vn/f/1.pdf"
            $0.submittedFiles.append(SubmittedFile(name: "b.pdf", url: "https://motcua.vn/f/b c.pdf"))
        },
        Mutation(name: "empty procedure name", rule: .textEmpty, path: "data[3].TenTTHC", severity: .warning) { $0.procedureName = " " },
        Mutation(name: "unknown applicant type", rule: .codeValueUnknown, path: "data[3].LoaiDoiTuong", severity: .warning) {
            $0.applicantType = .unknown("")
        },
        Mutation(name: "no due date past reception", rule: .dueDateMissing, path: "data[3].NgayHenTra", severity: .warning) { $0.dueAt = nil },
        Mutation(name: "awaiting return without an end", rule: .processingEndMissing, path: "data[3].NgayKetThucXuLy", severity: .warning,
                 previous: .processing) { $0.status = .awaitingReturn },
        Mutation(name: "submitted after received", rule: .datesOutOfOrder, path: "data[3].NgayNopHoSo", severity: .warning) {
            $0.submittedAt = try PortalTimestamp("20250703090000")
        },
        Mutation(name: "a null date in disguise", rule: .timestampImplausible, path: "data[3].NgayNopHoSo", severity: .error) {
            $0.submittedAt = try PortalTimestamp("00010101000000")
        },
        // NFD Vietnamese: 700 "ệ" are 700 characters but 2,100 code units before NFC, 700 after.
        Mutation(name: "summary counted after NFC, in UTF-16", rule: .lengthExceeded, path: "data[3].TrichYeuHoSo", severity: .error) {
            $0.summary = String(repeating: "\u{1F600}", count: 501)    // 1,002 UTF-16 units
        },
        Mutation(name: "a phone number that is none", rule: .contactMalformed, path: "data[3].SoDienThoai", severity: .warning) {
            $0.phone = "0123"
        },
        Mutation(name: "a fax (OpenCPS's phone) that is none", rule: .contactMalformed, path: "data[3].Fax", severity: .warning) {
            $0.fax = "không có"
        },
        Mutation(name: "an e-mail without a domain", rule: .contactMalformed, path: "data[3].Email", severity: .warning) {
            $0.email = "an.nguyen@gmail"
        },
    ]

    /// Contact fields that are fine: real numbers in both forms, addresses, and empty fields.
    @Test(arguments: [("0981234567", "an.nguyen@gmail.com"), ("+84 24 3825 1234", "a@b.vn"), ("", ""), (" ", "")])
    func reachableContactsPass(_ phone: String, _ email: String) throws {
        var dossier = try Self.good()
        (dossier.phone, dossier.fax, dossier.email) = (phone, phone, email)
        #expect(dossier.validate(against: try Self.context()).isEmpty)
    }

    /// A reception time seven hours ahead is the classic UTC-vs-UTC+7 slip.
    @Test func aReceptionTimeInTheFutureIsReported() throws {
        var context = try Self.context()
        context.now = try PortalTimestamp("20250703013000")
        let issues = try Self.good().validate(against: context)
        #expect(issues.map(\.rule) == [.timestampInFuture] && issues.first?.path == "NgayTiepNhan" && issues.first?.severity == .error)
    }

    @Test func decomposedVietnameseIsCountedComposed() throws {
        var dossier = try Self.good()
        dossier.summary = String(repeating: "e\u{0323}\u{0302}", count: 700)      // ệ written as e + two combining marks
        #expect(dossier.summary.unicodeScalars.count == 2_100)
        #expect(Dossier.wireLength(dossier.summary) == 700)
        #expect(dossier.validate(against: try Self.context()).isEmpty)
    }

    @Test func alsoAcceptedLevelOneCodesCoverMergedProvinces() throws {
        var dossier = try Self.good()
        dossier.code = try DossierCode("000.00.14.H21-250703-0002")
        var context = try Self.context()
        context.previousStatus = .received
        #expect(dossier.validate(against: context).map(\.rule) == [.receivingAgencyOutsideUnit])
        context.alsoAcceptedLevelOneCodes = ["H21"]
        #expect(dossier.validate(against: context).isEmpty)
        context.alsoAcceptedLevelOneCodes = []
        context.outsideUnitSeverity = .warning
        #expect(dossier.validate(against: context).map(\.severity) == [.warning])
    }

    @Test(arguments: mutations)
    func eachDefectIsReportedOnce(_ mutation: Mutation) throws {
        var dossier = try Self.good()
        try mutation.apply(&dossier)
        var context = try Self.context()
        context.previousStatus = mutation.previous
        let issues = dossier.validate(against: context, path: "data[3]")
        #expect(issues.map(\.rule) == [mutation.rule] + mutation.alsoReported, "\(issues)")
        #expect(issues.first?.path == mutation.path)
        #expect(issues.first?.severity == mutation.severity)
        #expect(issues.first.map { !$0.message.isEmpty } == true)
    }

    @Test func contextChecksAreSkippedWithoutContext() throws {
        var dossier = try Self.good()
        dossier.code = try DossierCode("000.00.14.H21-250703-0002")
        dossier.procedureCode = try ProcedureCode("1.000894")
        dossier.status = .new
        #expect(dossier.validate().isEmpty)
        var lenient = DossierValidationContext()
        lenient.nonNormativeDossierCodeSeverity = .warning
        dossier.code = try DossierCode("000.00.14.H20-250703-00002", strictness: .lenient)
        #expect(dossier.validate(against: lenient).map(\.severity) == [.warning])
    }

    @Test func catalogueMatchesOnTheNationalCode() throws {
        let catalogue = ProcedureCatalogue([try ProcedureCode("1.001193.000.00.00.H20"): []])
        #expect(catalogue.contains(try ProcedureCode("1.001193")))
        #expect(catalogue.fields(of: try ProcedureCode("1.001193.H20")) == [])
        #expect(catalogue.count == 1)
        // Review: another province's variant of the procedure is not in this catalogue.
        #expect(!catalogue.contains(try ProcedureCode("1.001193.000.00.00.H55")))
        #expect(catalogue.fields(of: try ProcedureCode("1.001193.H55")) == nil)
        #expect(catalogue.contains(try ProcedureCode("1.001193.000.00.14.H20.02")))
        // An entry without an agency applies everywhere.
        var national = catalogue
        national.insert(try ProcedureCode("1.001193"), fields: [try FieldCode("G15-HT01")])
        #expect(national.fields(of: try ProcedureCode("1.001193.H55")) == [try FieldCode("G15-HT01")])
        #expect(national.count == 1)
    }
}
