/// A Vietnamese citizen's personal identification number (số định danh cá nhân), printed on
/// the citizen identity card (căn cước / CCCD): 12 digits `PPP S YY RRRRRR`.
///
/// - `PPP`: the province where the birth was registered (Circular 07/2016/TT-BCA Appendix 1:
///   the 63 legacy province codes of Decision 124/2004/QĐ-TTg, zero-padded to 3 digits).
///   Numbers are not re-issued after the 2025 merger, so all 63 stay valid. Births registered
///   abroad carry a country code here, whose table is unpublished **[U]**: such numbers are
///   rejected as ``CodeError/Rule/unknownProvince``.
/// - `S`: century and sex — 0/1 the 20th century (1900–1999) male/female, 2/3 the 21st, and so
///   on to 8/9 for the 24th (Appendix III).
/// - `YY`: the last two digits of the birth year; a birth year after today is rejected.
/// - `RRRRRR`: a random range.
///
/// There is **no check digit** (Law on Identification 2023 Art. 12; Decree 137/2015/NĐ-CP), so
/// "valid" means "well-formed and plausible", never "issued".
///
/// The number is personal data: ``description`` masks it (`001*******45`); ``rawValue`` is the
/// full number for the wire. Never log ``rawValue``.
public struct CitizenID: NationalCode {
    /// The sex encoded in the century digit.
    public enum Sex: String, Sendable, Hashable, Codable {
        /// Nam.
        case male
        /// Nữ.
        case female
    }

    /// The identifier kind, for errors.
    public static let kind = CodeKind.citizenID
    /// The full 12-digit number. Personal data: do not log it.
    public let rawValue: String
    /// The birth year, e.g. `1987`.
    public let birthYear: Int
    /// The sex.
    public let sex: Sex
    private let provinceNumber: Int

    /// Validates a personal identification number, judging the birth year against today.
    public init(validating string: String) throws(CodeError) {
        try self.init(validating: string, today: .today)
    }

    /// Validates a personal identification number, judging the birth year against `today`.
    @inlinable
    public init(_ string: some StringProtocol, today: CalendarDate) throws(CodeError) {
        try self.init(validating: String(string), today: today)
    }

    /// Validates a personal identification number, judging the birth year against `today`.
    public init(validating string: String, today: CalendarDate) throws(CodeError) {
        let parts = try withUTF8Bytes(string) { Self.parse($0, currentYear: today.year) }.get(Self.kind, input: string)
        rawValue = string
        birthYear = parts.birthYear
        sex = parts.sex
        provinceNumber = parts.province
    }

    /// Whether `utf8` is a well-formed personal identification number, without allocating.
    public static func isValid(utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        parse(utf8, currentYear: CalendarDate.currentYear()).isSuccess
    }

    /// The province where the birth was registered (legacy era, as coded on the number).
    public var birthRegistrationProvince: Province {
        AdministrativeUnitTables.shared.province(provinceNumber, era: .legacy)
            ?? Province(code: ProvinceCode(unchecked: String(rawValue.dropFirst().prefix(2))), name: "", era: .legacy)
    }

    /// The 3-digit birth-registration province code as printed, e.g. `"001"`.
    public var birthRegistrationProvinceCode: String { String(rawValue.prefix(3)) }

    /// The masked number, safe for logs: the province code and the last two digits.
    public var masked: String { Self.mask(rawValue, keepingPrefix: 3, suffix: 2) }

    /// The masked number (see ``masked``): a citizen ID never appears in full in logs.
    public var description: String { masked }

    // MARK: - Parsing

    struct Parts {
        var province: Int
        var sex: Sex
        var birthYear: Int
    }

    /// Parses 12 digits.
    static func parse(_ b: UnsafeBufferPointer<UInt8>, currentYear: Int) -> ParseResult<Parts> {
        guard !b.isEmpty else { return .failure(.empty, byteOffset: 0) }
        let (firstSix, bad) = ASCII.number(b, 0, min(6, b.count))
        if let bad { return .failure(.expectedDigit, byteOffset: bad) }
        let (_, badRest) = ASCII.number(b, 6, min(6, max(0, b.count - 6)))
        if let badRest { return .failure(.expectedDigit, byteOffset: badRest) }
        guard b.count == 12 else { return .failure(.length, byteOffset: min(b.count, 12)) }
        return check(firstSix: firstSix, currentYear: currentYear)
    }

    /// Checks the meaningful first six digits `PPPSYY`; shared with ``TaxCode`` (a 12-digit
    /// personal ID is an individual's tax code). Offsets are digit indexes.
    static func check(firstSix: Int, currentYear: Int) -> ParseResult<Parts> {
        let province = firstSix / 1_000
        guard province < 100, AdministrativeUnitTables.shared.hasProvince(province, era: .legacy) else {
            return .failure(.unknownProvince, byteOffset: 0)
        }
        let centurySex = firstSix / 100 % 10
        let birthYear = 1900 + centurySex / 2 * 100 + firstSix % 100
        guard birthYear <= currentYear else { return .failure(.birthYearInFuture, byteOffset: 3) }
        return .success(Parts(province: province, sex: centurySex % 2 == 0 ? .male : .female, birthYear: birthYear))
    }

    /// Replaces the middle of `value` with `*`, keeping `keepingPrefix` and `suffix` characters.
    static func mask(_ value: String, keepingPrefix: Int, suffix: Int) -> String {
        guard value.count > keepingPrefix + suffix else { return String(repeating: "*", count: value.count) }
        return value.prefix(keepingPrefix) + String(repeating: "*", count: value.count - keepingPrefix - suffix) + value.suffix(suffix)
    }
}
