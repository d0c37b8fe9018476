/// A code list of the standard that the authority may extend (mã danh mục mở): known values are
/// named cases, and a value this release does not know still decodes, as `.unknown(raw)`, and
/// encodes back unchanged — so a new code never breaks an integration or loses data.
///
/// On the wire the value is a string (`"2"`); leniently also a JSON number.
public protocol PortalCodeList: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The value as written on the wire, e.g. `"2"`.
    var wireValue: String { get }
    /// The case for a wire value; unknown values become `.unknown`.
    init(wireValue: String)
}

extension PortalCodeList {
    /// The wire value.
    public var description: String { wireValue }

    /// Decodes a string, or leniently a whole number.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self.init(wireValue: text)
        } else if decoder.wireStrictness == .lenient, let number = try? container.decode(Int.self) {
            self.init(wireValue: String(number))
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a code as a string, e.g. \"1\"")
        }
    }

    /// Encodes the wire value as a string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wireValue)
    }
}
