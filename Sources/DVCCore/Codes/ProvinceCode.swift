/// The code of a province-level unit (mã đơn vị hành chính cấp tỉnh): 2 digits, e.g. `01`
/// Hà Nội, `79` Hồ Chí Minh City.
///
/// Valid means "names a province in at least one era": the 63 legacy codes of Decision
/// 124/2004/QĐ-TTg, which include the 34 codes kept by the provinces of 2025 (a merged
/// province keeps one predecessor's code). Ask ``province(on:)`` for the unit in force on a day.
public struct ProvinceCode: NationalCode, Comparable {
    /// The identifier kind, for errors.
    public static let kind = CodeKind.provinceCode
    /// The canonical 2-digit code.
    public let rawValue: String
    /// The code as a number, e.g. `1`.
    public let number: Int

    /// Validates a province code.
    public init(validating string: String) throws(CodeError) {
        number = try withUTF8Bytes(string) { Self.parse($0) }.get(Self.kind, input: string)
        rawValue = string
    }

    /// Whether `utf8` names a province of either era, without allocating.
    public static func isValid(utf8: UnsafeBufferPointer<UInt8>) -> Bool { parse(utf8).isSuccess }

    init(unchecked rawValue: String) {
        self.rawValue = rawValue
        self.number = Int(rawValue) ?? 0
    }

    /// The province this code names on `date`, or `nil` when it named none then (e.g. `02`
    /// Hà Giang after it merged into Tuyên Quang on 2025-07-01).
    public func province(on date: CalendarDate = .today) -> Province? {
        AdministrativeUnitTables.shared.province(number, era: .on(date))
    }

    /// Orders codes numerically.
    public static func < (lhs: ProvinceCode, rhs: ProvinceCode) -> Bool { lhs.number < rhs.number }

    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> ParseResult<Int> {
        let tables = AdministrativeUnitTables.shared
        return ASCII.parseFixedDigits(b, width: 2, unknown: .unknownProvince) { tables.hasProvince($0, era: .legacy) }
    }
}
