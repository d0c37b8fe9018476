/// An administrative-procedure dossier (hồ sơ thủ tục hành chính) as the one-stop system syncs it
/// to the portal: one element of `DongBoHoSoMC`'s `data` (`spec/portal-protocol.md` §5, later
/// revision fields §16).
///
/// Codes are validated types, so a `Dossier` that exists has well-formed codes. Decoding is
/// lenient on the documented variants (numbers for strings, `0`/`1` flags, absent lists) but
/// reports **every** defect of a payload at once (``WireDecodingError``), by wire path.
/// Semantic checks that need context — dates, status transitions, the syncing unit, a catalogue —
/// are ``validate(against:path:)``.
///
/// ```swift
/// var dossier = Dossier(
///     code: try DossierCode("000.00.14.H20-250703-0002"), procedureCode: try ProcedureCode("1.001193"),
///     procedureName: "Đăng ký khai sinh", fieldCode: try FieldCode("G15-HT01"), fieldName: "Hộ tịch",
///     applicantType: .citizen, summary: "Đăng ký khai sinh cho Nguyễn Văn A",
///     receivedAt: try PortalTimestamp("20250703083000"), status: .received,
///     resultDelivery: .atOffice, processingAgencyName: "UBND xã Mỹ Hiệp")
/// dossier.dueAt = try PortalTimestamp("20250708170000")
/// let body = try PortalJSON.encode(dossier)
/// ```
public struct Dossier: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case code = "MaHoSo", procedureCode = "MaTTHC", procedureName = "TenTTHC", fieldCode = "MaLinhVuc"
        case fieldName = "TenLinhVuc", receiptNumber = "SoBienNhan", ownerName = "ChuHoSo"
        case applicantType = "LoaiDoiTuong", applicantAccountID = "MaDoiTuong", otherInformation = "ThongTinKhac"
        case email = "Email", fax = "Fax", phone = "SoDienThoai", summary = "TrichYeuHoSo"
        case receivedAt = "NgayTiepNhan", dueAt = "NgayHenTra", status = "TrangThaiHoSo", returnedAt = "NgayTra"
        case returnInformation = "ThongTinTra", resultDelivery = "HinhThuc", processingEndedAt = "NgayKetThucXuLy"
        case processingAgencyName = "DonViXuLy", note = "GhiChu", submittedFiles = "TaiLieuNop", fees = "DanhSachLePhi"
        case otherAttachments = "DanhSachTepDinhKemKhac", supplements = "DanhSachHoSoBoSung"
        case resultDocuments = "DanhSachGiayToKetQua"
        // Later revision (§16)
        case channel = "KenhThucHien", ownerDocumentNumber = "SoGiayToChuHoSo", submissionPlace = "NoiNopHoSo"
        case hasDigitizedComponents = "HoSoCoThanhPhanSoHoa", accountVerifiedWithVNeID = "TaiKhoanDuocXacThucVoiVNeID"
        case onlinePayment = "DuocThanhToanTrucTuyen", refusedAt = "NgayTuChoi", submittedAt = "NgayNopHoSo"
        case ownerIdentifiers = "DinhDanhCHS", connectedDatabases = "DSKetNoiCSDL"
    }

    // MARK: Required (§5 "yes")

    /// The dossier code (`MaHoSo`), the national unique id.
    public var code: DossierCode
    /// The portal's procedure code (`MaTTHC`).
    public var procedureCode: ProcedureCode
    /// The procedure's name (`TenTTHC`).
    public var procedureName: String
    /// The procedure's field (`MaLinhVuc`).
    public var fieldCode: FieldCode
    /// The field's name (`TenLinhVuc`).
    public var fieldName: String
    /// Who submitted (`LoaiDoiTuong`).
    public var applicantType: ApplicantType
    /// The dossier's summary (`TrichYeuHoSo`, at most 1,000 characters).
    public var summary: String
    /// When it was received (`NgayTiepNhan`).
    public var receivedAt: PortalTimestamp
    /// The status (`TrangThaiHoSo`).
    public var status: DossierStatus
    /// How the result is handed back (`HinhThuc`).
    public var resultDelivery: ResultDelivery
    /// The processing agency's name (`DonViXuLy`).
    public var processingAgencyName: String

    // MARK: Optional (§5)

    /// The promised return time (`NgayHenTra`; `""` on the wire when none).
    public var dueAt: PortalTimestamp?
    /// The actual return time (`NgayTra`).
    public var returnedAt: PortalTimestamp?
    /// When processing ended (`NgayKetThucXuLy`).
    public var processingEndedAt: PortalTimestamp?
    /// The receipt number (`SoBienNhan`).
    public var receiptNumber: String?
    /// The dossier owner's name (`ChuHoSo`).
    public var ownerName: String?
    /// The applicant's portal account id, the TechID from single sign-on (`MaDoiTuong`).
    public var applicantAccountID: String?
    /// Free text (`ThongTinKhac`).
    public var otherInformation: String?
    /// Contact e-mail (`Email`).
    public var email: String?
    /// Fax — OpenCPS puts the phone number here (`Fax`).
    public var fax: String?
    /// Contact phone (`SoDienThoai`).
    public var phone: String?
    /// Return information (`ThongTinTra`).
    public var returnInformation: String?
    /// A note (`GhiChu`; OpenCPS stopped sending notes over ~2 KB).
    public var note: String?
    /// Submitted files (`TaiLieuNop`).
    public var submittedFiles: [SubmittedFile] = []
    /// Fees (`DanhSachLePhi`).
    public var fees: [DossierFee] = []
    /// Other paper attachments (`DanhSachTepDinhKemKhac`).
    public var otherAttachments: [OtherAttachment] = []
    /// Supplement rounds (`DanhSachHoSoBoSung`).
    public var supplements: [SupplementRound] = []
    /// Result documents (`DanhSachGiayToKetQua`).
    public var resultDocuments: [ResultDocument] = []

    // MARK: Later revision (§16, [P]; omitted from the wire when nil)

    /// The submission channel (`KenhThucHien`).
    public var channel: Channel?
    /// The owner's identity-document number (`SoGiayToChuHoSo`). Personal data.
    public var ownerDocumentNumber: String?
    /// Where it was submitted (`NoiNopHoSo`).
    public var submissionPlace: String?
    /// Whether components were digitised (`HoSoCoThanhPhanSoHoa`).
    public var hasDigitizedComponents: Bool?
    /// Whether the account was verified with VNeID (`TaiKhoanDuocXacThucVoiVNeID`).
    public var accountVerifiedWithVNeID: Bool?
    /// Whether fees were paid online (`DuocThanhToanTrucTuyen`).
    public var onlinePayment: OnlinePaymentState?
    /// When it was refused (`NgayTuChoi`).
    public var refusedAt: PortalTimestamp?
    /// When it was submitted (`NgayNopHoSo`).
    public var submittedAt: PortalTimestamp?
    /// The owner's identity documents (`DinhDanhCHS`).
    public var ownerIdentifiers: [OwnerIdentifier]?
    /// National databases consulted (`DSKetNoiCSDL[].MaCSDL`).
    public var connectedDatabases: [String]?
    /// Fields this release does not know, as they came (decoded leniently), written back after
    /// the known ones — so that a pass-through never drops a field the portal added.
    public var additionalFields: [String: WireValue] = [:]

    /// Creates a dossier from the fields the standard requires; everything else defaults to
    /// absent or empty.
    public init(
        code: DossierCode, procedureCode: ProcedureCode, procedureName: String, fieldCode: FieldCode, fieldName: String,
        applicantType: ApplicantType, summary: String, receivedAt: PortalTimestamp, status: DossierStatus,
        resultDelivery: ResultDelivery, processingAgencyName: String
    ) {
        self.code = code
        self.procedureCode = procedureCode
        self.procedureName = procedureName
        self.fieldCode = fieldCode
        self.fieldName = fieldName
        self.applicantType = applicantType
        self.summary = summary
        self.receivedAt = receivedAt
        self.status = status
        self.resultDelivery = resultDelivery
        self.processingAgencyName = processingAgencyName
    }

    /// Decodes the wire form, reporting every defect (``WireDecodingError``) rather than the first.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let code = r.code(DossierCode.self, .code, rule: .dossierCodeMalformed)
        let procedureCode = r.code(ProcedureCode.self, .procedureCode, rule: .procedureCodeMalformed)
        let procedureName = r.string(.procedureName)
        let fieldCode = r.code(FieldCode.self, .fieldCode, rule: .fieldCodeMalformed)
        let fieldName = r.string(.fieldName)
        let applicantType = r.value(ApplicantType.self, .applicantType, required: true)
        let summary = r.string(.summary)
        let receivedAt = r.timestamp(.receivedAt, required: true)
        let status = r.status(.status)
        let resultDelivery = r.value(ResultDelivery.self, .resultDelivery, required: true)
        let processingAgencyName = r.string(.processingAgencyName)

        let dueAt = r.timestamp(.dueAt), returnedAt = r.timestamp(.returnedAt), endedAt = r.timestamp(.processingEndedAt)
        let receiptNumber = r.optionalString(.receiptNumber), ownerName = r.optionalString(.ownerName)
        let accountID = r.optionalString(.applicantAccountID), other = r.optionalString(.otherInformation)
        let email = r.optionalString(.email), fax = r.optionalString(.fax), phone = r.optionalString(.phone)
        let returnInformation = r.optionalString(.returnInformation), note = r.optionalString(.note)
        let files = r.list(SubmittedFile.self, .submittedFiles), fees = r.list(DossierFee.self, .fees)
        let attachments = r.list(OtherAttachment.self, .otherAttachments)
        let supplements = r.list(SupplementRound.self, .supplements)
        let results = r.list(ResultDocument.self, .resultDocuments)

        let channel = r.value(Channel.self, .channel, required: false)
        let ownerDocument = r.optionalString(.ownerDocumentNumber), place = r.optionalString(.submissionPlace)
        let digitized = r.optionalZeroOne(.hasDigitizedComponents), vneid = r.optionalZeroOne(.accountVerifiedWithVNeID)
        let payment = r.value(OnlinePaymentState.self, .onlinePayment, required: false)
        let refusedAt = r.timestamp(.refusedAt), submittedAt = r.timestamp(.submittedAt)
        let identifiers = r.contains(.ownerIdentifiers) ? r.list(OwnerIdentifier.self, .ownerIdentifiers) : nil
        let databases = r.contains(.connectedDatabases)
            ? r.list(DatabaseReference.self, .connectedDatabases)?.map(\.code) : nil
        let additional = r.unknownFields()
        if let procedureCode, procedureCode.agency != nil {
            // A valid form of the code (the reference system sends it too), so a warning in either mode.
            r.record(.procedureCode, .procedureCodeAgencySuffixed,
                     "`MaTTHC` " + procedureCode.rawValue + " carries the implementing agency; the portal's catalogue code is " + procedureCode.national, severity: .warning)
        }
        if let accountID, accountID.utf8.count == 9 || accountID.utf8.count == 12, accountID.utf8.allSatisfy(ASCII.isDigit) {
            r.variant(.applicantAccountID, .applicantAccountIsIdentityNumber,
                      "`MaDoiTuong` looks like an identity-document number; the standard sends the portal account id (TechID) or \"\"")
        }
        try r.finish()

        guard let code, let procedureCode, let procedureName, let fieldCode, let fieldName, let applicantType,
              let summary, let receivedAt, let status, let resultDelivery, let processingAgencyName,
              let files, let fees, let attachments, let supplements, let results else {
            throw WireDecodingError(issues: r.issues)
        }
        self.init(
            code: code, procedureCode: procedureCode, procedureName: procedureName, fieldCode: fieldCode,
            fieldName: fieldName, applicantType: applicantType, summary: summary, receivedAt: receivedAt,
            status: status, resultDelivery: resultDelivery, processingAgencyName: processingAgencyName)
        (self.dueAt, self.returnedAt, self.processingEndedAt) = (dueAt, returnedAt, endedAt)
        (self.receiptNumber, self.ownerName, self.applicantAccountID, self.otherInformation) = (receiptNumber, ownerName, accountID, other)
        (self.email, self.fax, self.phone, self.returnInformation, self.note) = (email, fax, phone, returnInformation, note)
        (self.submittedFiles, self.fees, self.otherAttachments, self.supplements, self.resultDocuments) = (files, fees, attachments, supplements, results)
        (self.channel, self.ownerDocumentNumber, self.submissionPlace) = (channel, ownerDocument, place)
        (self.hasDigitizedComponents, self.accountVerifiedWithVNeID, self.onlinePayment) = (digitized, vneid, payment)
        (self.refusedAt, self.submittedAt, self.ownerIdentifiers, self.connectedDatabases) = (refusedAt, submittedAt, identifiers, databases)
        self.additionalFields = additional
    }

    /// Encodes the canonical wire form: every value a string, core dates `""` when absent, the
    /// five lists always present, later-revision fields only when set.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        // In the order of the wire keys, as they are written out: the fast encoder moves nothing when the object ends.
        try w.optionalString(ownerName, .ownerName)
        try w.optionalValue(connectedDatabases?.map(DatabaseReference.init(code:)), .connectedDatabases)
        try w.value(resultDocuments, .resultDocuments)
        try w.value(supplements, .supplements)
        try w.value(fees, .fees)
        try w.value(otherAttachments, .otherAttachments)
        try w.optionalValue(ownerIdentifiers, .ownerIdentifiers)
        try w.string(processingAgencyName, .processingAgencyName)
        try w.optionalValue(onlinePayment, .onlinePayment)
        try w.optionalString(email, .email)
        try w.optionalString(fax, .fax)
        try w.optionalString(note, .note)
        try w.value(resultDelivery, .resultDelivery)
        try w.optionalZeroOne(hasDigitizedComponents, .hasDigitizedComponents)
        try w.optionalValue(channel, .channel)
        try w.value(applicantType, .applicantType)
        try w.optionalString(applicantAccountID, .applicantAccountID)
        try w.code(code, .code)
        try w.code(fieldCode, .fieldCode)
        try w.code(procedureCode, .procedureCode)
        try w.timestamp(dueAt, .dueAt)
        try w.timestamp(processingEndedAt, .processingEndedAt)
        try w.optionalTimestamp(submittedAt, .submittedAt)
        try w.timestamp(receivedAt, .receivedAt)
        try w.timestamp(returnedAt, .returnedAt)
        try w.optionalTimestamp(refusedAt, .refusedAt)
        try w.optionalString(submissionPlace, .submissionPlace)
        try w.optionalString(receiptNumber, .receiptNumber)
        try w.optionalString(phone, .phone)
        try w.optionalString(ownerDocumentNumber, .ownerDocumentNumber)
        try w.optionalZeroOne(accountVerifiedWithVNeID, .accountVerifiedWithVNeID)
        try w.value(submittedFiles, .submittedFiles)
        try w.string(fieldName, .fieldName)
        try w.string(procedureName, .procedureName)
        try w.optionalString(otherInformation, .otherInformation)
        try w.optionalString(returnInformation, .returnInformation)
        try w.string(status.wireValue, .status)
        try w.string(summary, .summary)
        try w.additional(additionalFields, to: encoder)
    }
}

/// `{"MaCSDL": "…"}`, an element of `DSKetNoiCSDL`.
struct DatabaseReference: Codable, Hashable, Sendable {
    enum CodingKeys: String, CodingKey, CaseIterable { case code = "MaCSDL" }
    let code: String

    init(code: String) { self.code = code }

    init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let code = r.string(.code)
        try r.finish()
        guard let code else { throw WireDecodingError(issues: r.issues) }
        self.code = code
    }
}
