/// One round of "please supplement your dossier" (yêu cầu bổ sung hồ sơ; element of
/// `DanhSachHoSoBoSung`, `spec/portal-protocol.md` §5.4). While it is open the processing
/// clock is paused, and it may move the due date.
public struct SupplementRound: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id = "HoSoBoSungId", requestedBy = "NguoiYeuCauBoSung", content = "NoiDungBoSung"
        case requestedAt = "NgayBoSung", receivedBy = "NguoiTiepNhanBoSung", receptionNote = "ThongTinTiepNhan"
        case receivedAt = "NgayTiepNhanBoSung", isCompleted = "TrangThaiBoSung", documents = "DanhSachGiayToBoSung"
        case fees = "DanhSachLePhiBoSung", previousDueAt = "NgayHenTraTruoc", newDueAt = "NgayHenTraMoi"
    }

    /// The round's id (`HoSoBoSungId`).
    public var id: String
    /// Who asked for the supplement (`NguoiYeuCauBoSung`).
    public var requestedBy: String?
    /// What was asked for (`NoiDungBoSung`).
    public var content: String?
    /// When it was asked for (`NgayBoSung`).
    public var requestedAt: PortalTimestamp?
    /// Who received the supplement (`NguoiTiepNhanBoSung`).
    public var receivedBy: String?
    /// Notes on receiving it (`ThongTinTiepNhan`).
    public var receptionNote: String?
    /// When it was received (`NgayTiepNhanBoSung`).
    public var receivedAt: PortalTimestamp?
    /// Whether the round is complete (`TrangThaiBoSung`).
    public var isCompleted: Bool?
    /// The supplemented files (`DanhSachGiayToBoSung`).
    public var documents: [SubmittedFile]
    /// Fees due with the supplement (`DanhSachLePhiBoSung`).
    public var fees: [DossierFee]
    /// The due date before the round (`NgayHenTraTruoc`).
    public var previousDueAt: PortalTimestamp?
    /// The due date after it (`NgayHenTraMoi`).
    public var newDueAt: PortalTimestamp?

    /// Creates a round.
    public init(id: String, content: String? = nil, requestedAt: PortalTimestamp? = nil, documents: [SubmittedFile] = [], fees: [DossierFee] = []) {
        self.id = id
        self.content = content
        self.requestedAt = requestedAt
        self.documents = documents
        self.fees = fees
    }

    /// Decodes and validates the wire form, reporting every defect.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let id = r.string(.id)
        let requestedBy = r.optionalString(.requestedBy), content = r.optionalString(.content)
        let requestedAt = r.timestamp(.requestedAt), receivedBy = r.optionalString(.receivedBy)
        let receptionNote = r.optionalString(.receptionNote), receivedAt = r.timestamp(.receivedAt)
        let isCompleted = r.optionalBool(.isCompleted)
        let documents = r.list(SubmittedFile.self, .documents), fees = r.list(DossierFee.self, .fees)
        let previousDueAt = r.timestamp(.previousDueAt), newDueAt = r.timestamp(.newDueAt)
        try r.finish()
        guard let id, let documents, let fees else { throw WireDecodingError(issues: r.issues) }
        self.init(id: id, content: content, requestedAt: requestedAt, documents: documents, fees: fees)
        (self.requestedBy, self.receivedBy, self.receptionNote, self.receivedAt) = (requestedBy, receivedBy, receptionNote, receivedAt)
        (self.isCompleted, self.previousDueAt, self.newDueAt) = (isCompleted, previousDueAt, newDueAt)
    }

    /// Encodes the canonical wire form.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        // In the order of the wire keys, as they are written out: the fast encoder moves nothing when the object ends.
        try w.value(documents, .documents)
        try w.value(fees, .fees)
        try w.string(id, .id)
        try w.timestamp(requestedAt, .requestedAt)
        try w.timestamp(newDueAt, .newDueAt)
        try w.timestamp(previousDueAt, .previousDueAt)
        try w.timestamp(receivedAt, .receivedAt)
        try w.optionalString(receivedBy, .receivedBy)
        try w.optionalString(requestedBy, .requestedBy)
        try w.optionalString(content, .content)
        try w.optionalString(receptionNote, .receptionNote)
        try w.optionalBool(isCompleted, .isCompleted)
    }
}
