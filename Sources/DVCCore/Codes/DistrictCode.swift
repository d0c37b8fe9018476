/// The code of a legacy district-level unit (mã đơn vị hành chính cấp huyện): 3 digits, e.g.
/// `001` Quận Ba Đình. Districts existed until 2025-06-30 (Decision 124/2004/QĐ-TTg); the
/// code is still found in historical dossiers and addresses.
public struct DistrictCode: NationalCode, Comparable {
    /// The identifier kind, for errors.
    public static let kind = CodeKind.districtCode
    /// The canonical 3-digit code.
    public let rawValue: String
    /// The code as a number.
    public let number: Int

    /// Validates a district code against the 696 legacy districts.
    public init(validating string: String) throws(CodeError) {
        number = try withUTF8Bytes(string) { Self.parse($0) }.get(Self.kind, input: string)
        rawValue = string
    }

    /// Whether `utf8` names a legacy district, without allocating.
    public static func isValid(utf8: UnsafeBufferPointer<UInt8>) -> Bool { parse(utf8).isSuccess }

    init(unchecked rawValue: String) {
        self.rawValue = rawValue
        self.number = Int(rawValue) ?? 0
    }

    /// The district this code named (legacy era).
    public var district: District? { AdministrativeUnitTables.shared.district(number) }

    /// Orders codes numerically.
    public static func < (lhs: DistrictCode, rhs: DistrictCode) -> Bool { lhs.number < rhs.number }

    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> ParseResult<Int> {
        let tables = AdministrativeUnitTables.shared
        return ASCII.parseFixedDigits(b, width: 3, unknown: .unknownDistrict) { tables.hasDistrict($0) }
    }
}
