/// A fee or charge recorded on a dossier (phí, lệ phí; element of `DanhSachLePhi`,
/// `spec/portal-protocol.md` §5.2). Amounts are whole Vietnamese đồng.
///
/// The meaning of `HinhThucThu` and `LoaiPhiLePhi` comes from one later integration **[P]**; the
/// payment platform's `LoaiPhiLePhi` means something else (see the payment models).
public struct DossierFee: Sendable, Hashable, Codable {
    /// When the fee is collected (`HinhThucThu`).
    public enum CollectionStage: PortalCodeList {
        /// `1`: at reception.
        case atReception
        /// `2`: when a supplement is filed.
        case atSupplement
        /// `4`: when the result is returned.
        case atReturn
        /// A code this release does not know, kept as received.
        case unknown(String)

        /// The case for a wire value.
        public init(wireValue: String) {
            switch wireValue {
            case "1": self = .atReception
            case "2": self = .atSupplement
            case "4": self = .atReturn
            default: self = .unknown(wireValue)
            }
        }

        /// The wire value.
        public var wireValue: String {
            switch self {
            case .atReception: "1"
            case .atSupplement: "2"
            case .atReturn: "4"
            case .unknown(let value): value
            }
        }
    }

    /// The kind of fee (`LoaiPhiLePhi` in dossier sync).
    public enum Kind: PortalCodeList {
        /// `1`: an ordinary fee.
        case ordinary
        /// `2`: an appraisal or licensing fee.
        case appraisal
        /// `3`: an extension fee.
        case extensionFee
        /// A code this release does not know, kept as received.
        case unknown(String)

        /// The case for a wire value.
        public init(wireValue: String) {
            switch wireValue {
            case "1": self = .ordinary
            case "2": self = .appraisal
            case "3": self = .extensionFee
            default: self = .unknown(wireValue)
            }
        }

        /// The wire value.
        public var wireValue: String {
            switch self {
            case .ordinary: "1"
            case .appraisal: "2"
            case .extensionFee: "3"
            case .unknown(let value): value
            }
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name = "TenPhiLePhi", code = "MaPhiLePhi", stage = "HinhThucThu", amount = "Gia", kind = "LoaiPhiLePhi"
    }

    /// The fee's name (`TenPhiLePhi`).
    public var name: String
    /// The fee's code (`MaPhiLePhi`).
    public var code: String?
    /// When it is collected (`HinhThucThu`).
    public var stage: CollectionStage?
    /// The amount in VND (`Gia`, a string of digits on the wire).
    public var amount: Int
    /// The kind of fee (`LoaiPhiLePhi`).
    public var kind: Kind?

    /// Creates a fee.
    public init(name: String, amount: Int, code: String? = nil, stage: CollectionStage? = nil, kind: Kind? = nil) {
        self.name = name
        self.amount = amount
        self.code = code
        self.stage = stage
        self.kind = kind
    }

    /// Decodes and validates the wire form, reporting every defect.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let name = r.string(.name), code = r.optionalString(.code), amount = r.amount(.amount)
        let stage = r.value(CollectionStage.self, .stage, required: false), kind = r.value(Kind.self, .kind, required: false)
        try r.finish()
        guard let name, let amount else { throw WireDecodingError(issues: r.issues) }
        self.init(name: name, amount: amount, code: code, stage: stage, kind: kind)
    }

    /// Encodes the canonical wire form.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        // In the order of the wire keys, as they are written out: the fast encoder moves nothing when the object ends.
        try w.optionalInt(amount, .amount)
        try w.optionalValue(stage, .stage)
        try w.optionalValue(kind, .kind)
        try w.optionalString(code, .code)
        try w.string(name, .name)
    }
}
