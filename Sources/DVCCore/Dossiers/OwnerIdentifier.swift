/// An identity document of the dossier's owner (định danh chủ hồ sơ; element of `DinhDanhCHS`, a
/// later-revision field, `spec/portal-protocol.md` §16 **[P]**). Personal data: the number is
/// masked in ``description``.
public struct OwnerIdentifier: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The kind of document (`LoaiDinhDanh`).
    public enum Kind: PortalCodeList {
        /// `1`: the 12-digit personal identification number (``CitizenID``).
        case personalID
        /// `2`: a 9-digit legacy identity card (``LegacyIDCard``).
        case legacyIDCard
        /// A code this release does not know, kept as received.
        case unknown(String)

        /// The case for a wire value.
        public init(wireValue: String) {
            switch wireValue {
            case "1": self = .personalID
            case "2": self = .legacyIDCard
            default: self = .unknown(wireValue)
            }
        }

        /// The wire value.
        public var wireValue: String {
            switch self {
            case .personalID: "1"
            case .legacyIDCard: "2"
            case .unknown(let value): value
            }
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind = "LoaiDinhDanh", number = "SoDinhDanh"
    }

    /// The kind of document.
    public var kind: Kind
    /// The number as sent (validated against ``kind`` by dossier validation). Personal data.
    public var number: String

    /// Creates an identifier.
    public init(kind: Kind, number: String) {
        self.kind = kind
        self.number = number
    }

    /// The kind and the masked number.
    public var description: String { "\(kind.wireValue):\(CitizenID.mask(number, keepingPrefix: 3, suffix: 2))" }

    /// Decodes and validates the wire form, reporting every defect.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let kind = r.value(Kind.self, .kind, required: true), number = r.string(.number)
        try r.finish()
        guard let kind, let number else { throw WireDecodingError(issues: r.issues) }
        self.init(kind: kind, number: number)
    }

    /// Encodes the canonical wire form.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        try w.value(kind, .kind)
        try w.string(number, .number)
    }
}
