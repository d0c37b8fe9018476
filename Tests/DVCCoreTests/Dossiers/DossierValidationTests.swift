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

    static let context = DossierValidationContext(
        syncingUnit: try? AgencyCode("000.00.00.H20"),
        catalogue: ProcedureCatalogue([(try? ProcedureCode("1.001193"))!: [(try? FieldCode("G15-HT01"))!]]),
        previousStatus: .received)

    @Test func aGoodDossierHasNoIssues() throws {
        #expect(try Self.good().validate(against: Self.context).isEmpty)
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
        },
        Mutation(name: "http link", rule: .fileURLNotHTTPS, path: "data[3].TaiLieuNop[0].DuongDanTaiTepTin", severity: .error) {
            $0.submittedFiles[0].url = "http://motcua.vn/f/1.pdf"
        },
        Mutation(name: "relative link", rule: .fileURLNotHTTPS, path: "data[3].DanhSachGiayToKetQua[0].DuongDanTepTinKetQua", severity: .error) {
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
    ]

    @Test(arguments: mutations)
    func eachDefectIsReportedOnce(_ mutation: Mutation) throws {
        var dossier = try Self.good()
        try mutation.apply(&dossier)
        var context = Self.context
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
    }
}
