/// A paper document handed in besides the files (giấy tờ kèm theo khác; element of
/// `DanhSachTepDinhKemKhac`, `spec/portal-protocol.md` §5.3).
public struct OtherAttachment: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name = "TenGiayTo", count = "SoLuong", kind = "LoaiGiayTo"
    }

    /// The document's name (`TenGiayTo`).
    public var name: String
    /// How many copies (`SoLuong`).
    public var count: Int?
    /// The document type code (`LoaiGiayTo`; its values are not published).
    public var kind: String?

    /// Creates an attachment.
    public init(name: String, count: Int? = nil, kind: String? = nil) {
        self.name = name
        self.count = count
        self.kind = kind
    }

    /// Decodes and validates the wire form, reporting every defect.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let name = r.string(.name), count = r.optionalInt(.count), kind = r.optionalString(.kind)
        try r.finish()
        guard let name else { throw WireDecodingError(issues: r.issues) }
        self.init(name: name, count: count, kind: kind)
    }

    /// Encodes the canonical wire form.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        // In the order of the wire keys, as they are written out: the fast encoder moves nothing when the object ends.
        try w.optionalString(kind, .kind)
        try w.optionalInt(count, .count)
        try w.string(name, .name)
    }
}
