/// One step of a dossier's processing history (tiến độ xử lý; element of `CapNhatTienDoHoSoMC`'s
/// `data`, `spec/portal-protocol.md` §6).
public struct ProgressEntry: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case dossierCode = "MaHoSo", actor = "NguoiXuLy", actorTitle = "ChucDanh", actedAt = "ThoiDiemXuLy"
        case department = "PhongBanXuLy", action = "NoiDungXuLy", status = "TrangThai"
        case startedAt = "NgayBatDau", stepDueAt = "NgayKetThucTheoQuyDinh"
    }

    /// The dossier (`MaHoSo`).
    public var dossierCode: DossierCode
    /// Who acted (`NguoiXuLy`, at most 50 characters).
    public var actor: String
    /// The actor's title (`ChucDanh`).
    public var actorTitle: String?
    /// When (`ThoiDiemXuLy`).
    public var actedAt: PortalTimestamp
    /// The department or process role (`PhongBanXuLy`).
    public var department: String?
    /// What was done (`NoiDungXuLy`), e.g. `Tiếp nhận hồ sơ - đủ thành phần`.
    public var action: String?
    /// The status after the step (`TrangThai`, the same codes as `TrangThaiHoSo`).
    public var status: DossierStatus
    /// When the step started (`NgayBatDau`).
    public var startedAt: PortalTimestamp?
    /// The step's deadline (`NgayKetThucTheoQuyDinh`).
    public var stepDueAt: PortalTimestamp?

    /// Creates an entry.
    public init(dossierCode: DossierCode, actor: String, actedAt: PortalTimestamp, status: DossierStatus, action: String? = nil) {
        self.dossierCode = dossierCode
        self.actor = actor
        self.actedAt = actedAt
        self.status = status
        self.action = action
    }

    /// Decodes the wire form, reporting every defect.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let code = r.code(DossierCode.self, .dossierCode, rule: .dossierCodeMalformed)
        let actor = r.string(.actor), title = r.optionalString(.actorTitle)
        let actedAt = r.timestamp(.actedAt, required: true)
        let department = r.optionalString(.department), action = r.optionalString(.action)
        let status = r.status(.status)
        let startedAt = r.timestamp(.startedAt), stepDueAt = r.timestamp(.stepDueAt)
        try r.finish()
        guard let code, let actor, let actedAt, let status else { throw WireDecodingError(issues: r.issues) }
        self.init(dossierCode: code, actor: actor, actedAt: actedAt, status: status, action: action)
        (actorTitle, self.department, self.startedAt, self.stepDueAt) = (title, department, startedAt, stepDueAt)
    }

    /// Encodes the canonical wire form (absent dates as `""`, as OpenCPS sends them).
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        // In the order of the wire keys, as they are written out: the fast encoder moves nothing when the object ends.
        try w.optionalString(actorTitle, .actorTitle)
        try w.code(dossierCode, .dossierCode)
        try w.timestamp(startedAt, .startedAt)
        try w.timestamp(stepDueAt, .stepDueAt)
        try w.string(actor, .actor)
        try w.optionalString(action, .action)
        try w.optionalString(department, .department)
        try w.timestamp(actedAt, .actedAt)
        try w.string(status.wireValue, .status)
    }
}
