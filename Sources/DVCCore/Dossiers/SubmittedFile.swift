/// A file submitted with a dossier (tài liệu nộp, element of `TaiLieuNop`; `spec/portal-protocol.md`
/// §5.1). The portal fetches the file itself from ``url``, so the link must be public `https`.
public struct SubmittedFile: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case fileID = "TepDinhKemId", name = "TenTepDinhKem", isDeleted = "IsDeleted"
        case partCode = "MaThanhPhanHoSo", url = "DuongDanTaiTepTin"
        case isDigitized = "DuocSoHoa", reuse = "DuocTaiSuDung", isFromNationalDataStore = "DuocLayTuKhoDMQG"
        case replacedResultCode = "MaKetQuaThayThe"
    }

    /// The one-stop system's own file id (`TepDinhKemId`).
    public var fileID: String?
    /// The display name (`TenTepDinhKem`).
    public var name: String
    /// Whether the file was withdrawn (`IsDeleted`, `"True"`/`"False"`; `0`/`1` accepted).
    public var isDeleted: Bool
    /// The dossier-part code the file answers (`MaThanhPhanHoSo`, may be empty).
    public var partCode: String?
    /// The public download link (`DuongDanTaiTepTin`).
    public var url: String
    /// Later revision (§16): the component was digitised (`DuocSoHoa`).
    public var isDigitized: Bool?
    /// Later revision: how digitised data was reused (`DuocTaiSuDung`: 0, 1 or 2).
    public var reuse: Int?
    /// Later revision: taken from the national data store (`DuocLayTuKhoDMQG`).
    public var isFromNationalDataStore: Bool?
    /// Later revision: the result code this file replaces (`MaKetQuaThayThe`).
    public var replacedResultCode: String?

    /// Creates a submitted file from its required fields.
    public init(name: String, url: String, fileID: String? = nil, partCode: String? = nil, isDeleted: Bool = false) {
        self.name = name
        self.url = url
        self.fileID = fileID
        self.partCode = partCode
        self.isDeleted = isDeleted
    }

    /// Decodes and validates the wire form, reporting every defect.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let name = r.string(.name), url = r.string(.url)
        let fileID = r.optionalString(.fileID), partCode = r.optionalString(.partCode)
        let isDeleted = r.optionalBool(.isDeleted)
        let isDigitized = r.optionalZeroOne(.isDigitized), reuse = r.optionalInt(.reuse)
        let fromStore = r.optionalZeroOne(.isFromNationalDataStore), replaced = r.optionalString(.replacedResultCode)
        try r.finish()
        guard let name, let url else { throw WireDecodingError(issues: r.issues) }
        self.init(name: name, url: url, fileID: fileID, partCode: partCode, isDeleted: isDeleted ?? false)
        (self.isDigitized, self.reuse, self.isFromNationalDataStore, self.replacedResultCode) = (isDigitized, reuse, fromStore, replaced)
    }

    /// Encodes the canonical wire form.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        // In the order of the wire keys, as they are written out: the fast encoder moves nothing when the object ends.
        try w.optionalZeroOne(isFromNationalDataStore, .isFromNationalDataStore)
        try w.optionalZeroOne(isDigitized, .isDigitized)
        try w.optionalInt(reuse, .reuse)
        try w.string(url, .url)
        try w.optionalBool(isDeleted, .isDeleted)
        try w.optionalString(replacedResultCode, .replacedResultCode)
        try w.optionalString(partCode, .partCode)
        try w.string(name, .name)
        try w.optionalString(fileID, .fileID)
    }
}
