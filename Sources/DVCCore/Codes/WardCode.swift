/// The code of a commune-level unit (mã đơn vị hành chính cấp xã: xã, phường, thị trấn,
/// đặc khu): 5 digits, e.g. `00070` Phường Hoàn Kiếm.
///
/// Valid means "names a commune in at least one era" (10,061 legacy codes, 3,321 codes from
/// 2025-07-01). The same code can name different units in the two eras, so always resolve it
/// for a day: ``ward(on:)``.
///
/// ```swift
/// let code = try WardCode("00004")
/// try code.ward(on: CalendarDate(year: 2025, month: 8, day: 1)!).name   // "Phường Ba Đình"
/// try code.ward(on: CalendarDate(year: 2024, month: 8, day: 1)!).name   // "Phường Trúc Bạch"
/// ```
public struct WardCode: NationalCode, Comparable {
    /// The identifier kind, for errors.
    public static let kind = CodeKind.wardCode
    /// The canonical 5-digit code.
    public let rawValue: String
    /// The code as a number.
    public let number: Int

    /// Validates a ward code against both eras' tables.
    public init(validating string: String) throws(CodeError) {
        number = try withUTF8Bytes(string) { Self.parse($0) }.get(Self.kind, input: string)
        rawValue = string
    }

    /// Whether `utf8` names a commune of either era, without allocating.
    public static func isValid(utf8: UnsafeBufferPointer<UInt8>) -> Bool { parse(utf8).isSuccess }

    init(unchecked rawValue: String) {
        self.rawValue = rawValue
        self.number = Int(rawValue) ?? 0
    }

    /// The unit this code names on `date`.
    /// - Throws: ``CodeError/Rule/notInForce`` when the code named no unit on that day.
    public func ward(on date: CalendarDate = .today) throws(CodeError) -> Ward {
        guard let ward = AdministrativeUnitTables.shared.ward(number, era: .on(date)) else {
            throw CodeError(kind: .wardCode, rule: .notInForce, offset: 0)
        }
        return ward
    }

    /// Orders codes numerically.
    public static func < (lhs: WardCode, rhs: WardCode) -> Bool { lhs.number < rhs.number }

    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> ParseResult<Int> {
        let tables = AdministrativeUnitTables.shared
        return ASCII.parseFixedDigits(b, width: 5, unknown: .unknownWard) {
            tables.hasWard($0, era: .reform2025) || tables.hasWard($0, era: .legacy)
        }
    }
}
