/// The status of a dossier that originated on the portal (`DongBoTrangThaiHoSo` with
/// `type` = `"2"`; `spec/portal-protocol.md` §7), e.g. a promotion-registration dossier pushed
/// to the one-stop system.
///
/// The portal knows fewer states here: ``collapsedStatus(for:)`` maps the ten dossier statuses
/// onto the codes OpenCPS sends (4, 6, 9, 10 → `2` accepted; 3, 7, 8 → `5` needs supplement or
/// refused; others unchanged).
public struct PortalStatusUpdate: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case portalDossierID = "MaHoSo", localDossierCode = "MaHoSoDonVi", applicantAccountID = "MaDoiTuong"
        case note = "NoiDung", processedAt = "NgayXuLy", status = "TrangThai", files = "TaiLieuXuLy"
    }

    /// The portal's own dossier id (`MaHoSo`; not a dossier code of the one-stop system).
    public var portalDossierID: String
    /// The one-stop system's dossier number (`MaHoSoDonVi`).
    public var localDossierCode: String
    /// The applicant's TechID (`MaDoiTuong`).
    public var applicantAccountID: String?
    /// Free text (`NoiDung`).
    public var note: String?
    /// When (`NgayXuLy`).
    public var processedAt: PortalTimestamp?
    /// The collapsed status code (`TrangThai`).
    public var status: String
    /// Files produced (`TaiLieuXuLy`).
    public var files: [SubmittedFile] = []

    /// Creates an update with the status collapsed from `dossierStatus`.
    public init(portalDossierID: String, localDossierCode: String, dossierStatus: DossierStatus, processedAt: PortalTimestamp?) {
        self.portalDossierID = portalDossierID
        self.localDossierCode = localDossierCode
        self.status = Self.collapsedStatus(for: dossierStatus)
        self.processedAt = processedAt
    }

    /// The code the portal expects for `status` in this message.
    public static func collapsedStatus(for status: DossierStatus) -> String {
        switch status {
        case .processing, .awaitingPayment, .awaitingReturn, .returned: "2"
        case .notAccepted, .withdrawn, .refused: "5"
        default: status.wireValue
        }
    }

    /// Decodes the wire form, reporting every defect.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let portalID = r.string(.portalDossierID), local = r.string(.localDossierCode)
        let account = r.optionalString(.applicantAccountID), note = r.optionalString(.note)
        let processedAt = r.timestamp(.processedAt), status = r.string(.status)
        let files = r.list(SubmittedFile.self, .files)
        try r.finish()
        guard let portalID, let local, let status, let files else { throw WireDecodingError(issues: r.issues) }
        (portalDossierID, localDossierCode, applicantAccountID, self.note) = (portalID, local, account, note)
        (self.processedAt, self.status, self.files) = (processedAt, status, files)
    }

    /// Encodes the canonical wire form.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        // In the order of the wire keys, as they are written out: the fast encoder moves nothing when the object ends.
        try w.optionalString(applicantAccountID, .applicantAccountID)
        try w.string(portalDossierID, .portalDossierID)
        try w.string(localDossierCode, .localDossierCode)
        try w.timestamp(processedAt, .processedAt)
        try w.optionalString(note, .note)
        try w.value(files, .files)
        try w.string(status, .status)
    }
}
