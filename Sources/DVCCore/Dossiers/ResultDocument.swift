/// A result document of a dossier (giấy tờ kết quả; element of `DanhSachGiayToKetQua`,
/// `spec/portal-protocol.md` §5.5), published by link.
public struct ResultDocument: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name = "TenGiayTo", partCode = "MaThanhPhanHoSo", documentID = "GiayToId"
        case url = "DuongDanTepTinKetQua", resultCode = "MaGiayToKetQua"
    }

    /// The document's name (`TenGiayTo`).
    public var name: String
    /// The dossier-part code (`MaThanhPhanHoSo`, may be empty).
    public var partCode: String?
    /// The one-stop system's own id (`GiayToId`).
    public var documentID: String?
    /// The public download link (`DuongDanTepTinKetQua`).
    public var url: String
    /// Later revision: the result's code (`MaGiayToKetQua`).
    public var resultCode: String?

    /// Creates a result document.
    public init(name: String, url: String, documentID: String? = nil, partCode: String? = nil, resultCode: String? = nil) {
        self.name = name
        self.url = url
        self.documentID = documentID
        self.partCode = partCode
        self.resultCode = resultCode
    }

    /// Decodes and validates the wire form, reporting every defect.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let name = r.string(.name), url = r.string(.url)
        let partCode = r.optionalString(.partCode), documentID = r.optionalString(.documentID), resultCode = r.optionalString(.resultCode)
        try r.finish()
        guard let name, let url else { throw WireDecodingError(issues: r.issues) }
        self.init(name: name, url: url, documentID: documentID, partCode: partCode, resultCode: resultCode)
    }

    /// Encodes the canonical wire form.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        // In the order of the wire keys, as they are written out: the fast encoder moves nothing when the object ends.
        try w.string(url, .url)
        try w.optionalString(documentID, .documentID)
        try w.optionalString(resultCode, .resultCode)
        try w.optionalString(partCode, .partCode)
        try w.string(name, .name)
    }
}
