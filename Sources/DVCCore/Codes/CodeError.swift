/// Why a national code (mã) was rejected: which identifier, which rule, and where.
///
/// Every validated identifier in DVCCore throws this one error type (typed throws), so a caller
/// can report "tax code: check digit does not match at offset 9" without string matching.
/// The error never carries the rejected input itself: an input may be a citizen's personal
/// identification number, which must not end up in logs. Keep the input next to the error
/// yourself when you need to echo it back to its owner.
///
/// ```swift
/// do {
///     let code = try AgencyCode("000.00.01.h22")
/// } catch {
///     print(error.rule, error.offset)   // levelOneLetter 10
/// }
/// ```
public struct CodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The identifier that was being validated.
    public let kind: CodeKind
    /// The rule the input broke.
    public let rule: Rule
    /// Zero-based character offset in the input where the rule failed (the input's length
    /// when the input ended too early).
    public let offset: Int

    /// Creates an error for `kind` that broke `rule` at character `offset`.
    public init(kind: CodeKind, rule: Rule, offset: Int) {
        self.kind = kind
        self.rule = rule
        self.offset = offset
    }

    /// A sentence a developer can act on, e.g. `tax code: check digit does not match (offset 9)`.
    public var description: String {
        "\(kind.displayName): \(rule.explanation(for: kind)) (offset \(offset))"
    }

    /// The rules identifiers are checked against. The raw value is the stable, machine-readable
    /// name printed by `dvc-validate` (kebab-case).
    public enum Rule: String, Sendable, Hashable, CaseIterable, Codable {
        /// The input is empty.
        case empty
        /// The input is shorter or longer than the identifier allows.
        case length
        /// A decimal digit `0–9` was expected.
        case expectedDigit = "expected-digit"
        /// A separator (`.` or `-`, depending on the identifier) was expected.
        case expectedSeparator = "expected-separator"
        /// A character that the identifier never contains.
        case invalidCharacter = "invalid-character"
        /// The level-1 agency code must start with an upper-case letter `A–Y` (Decision 20/2020 Art. 4).
        case levelOneLetter = "level-one-letter"
        /// A dot-separated group of an agency code has the wrong width, or is empty.
        case groupLength = "group-length"
        /// A legacy agency code names a lower level while a higher level is `00` (QCVN 102:2016).
        case levelGap = "level-gap"
        /// The date part is not a real calendar date.
        case invalidDate = "invalid-date"
        /// A sequence number is zero.
        case zeroSequence = "zero-sequence"
        /// A daily sequence ran past the largest number its form can hold.
        case sequenceExhausted = "sequence-exhausted"
        /// The value is well-formed but not in the normative form the caller asked for.
        case nonNormativeForm = "non-normative-form"
        /// A province code (or a citizen ID's birth-registration province) that is not in the table.
        case unknownProvince = "unknown-province"
        /// A district code that is not in the legacy (pre-2025) table.
        case unknownDistrict = "unknown-district"
        /// A commune-level (xã/phường) code that is in neither era's table.
        case unknownWard = "unknown-ward"
        /// The unit exists, but not on the date asked about (abolished or not yet created).
        case notInForce = "not-in-force"
        /// A citizen ID whose birth year lies after today.
        case birthYearInFuture = "birth-year-in-future"
        /// The check digit does not match (tax code, Circular 86/2024/TT-BTC).
        case checkDigit = "check-digit"
        /// A component that may not be all zeros is all zeros (tax code serial or branch number).
        case zeroComponent = "zero-component"
        /// A telephone number whose prefix belongs to no known carrier or area.
        case unknownPrefix = "unknown-prefix"
        /// A telephone number without a `+84`, `84` or `0` prefix.
        case missingPrefix = "missing-prefix"

        /// An English sentence fragment that explains the rule for `kind`.
        public func explanation(for kind: CodeKind) -> String {
            switch self {
            case .empty: "the value is empty"
            case .length: "wrong length for \(kind.formatSummary)"
            case .expectedDigit: "expected a digit 0-9"
            case .expectedSeparator: "expected a separator for \(kind.formatSummary)"
            case .invalidCharacter: "unexpected character for \(kind.formatSummary)"
            case .levelOneLetter: "the level-1 agency code starts with an upper-case letter A-Y"
            case .groupLength: "a dot-separated group has the wrong width"
            case .levelGap: "a lower agency level is set while a higher level is 00"
            case .invalidDate: "the date part is not a real calendar date (YYMMDD)"
            case .zeroSequence: "the sequence number is zero"
            case .sequenceExhausted: "the daily sequence has no numbers left in this form"
            case .nonNormativeForm: "not in a normative form (\(kind.formatSummary))"
            case .unknownProvince: "unknown province code"
            case .unknownDistrict: "unknown district code (legacy table, Decision 124/2004/QD-TTg)"
            case .unknownWard: "unknown commune/ward code"
            case .notInForce: "the unit is not in force on that date"
            case .birthYearInFuture: "the birth year is after today"
            case .checkDigit: "check digit does not match"
            case .zeroComponent: "a component is all zeros"
            case .unknownPrefix: "unknown carrier or area prefix"
            case .missingPrefix: "expected a +84, 84 or 0 prefix"
            }
        }
    }
}

/// The identifiers DVCCore validates; the raw value is the `--kind` name of `dvc-validate`.
public enum CodeKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// ``AgencyCode`` (mã định danh điện tử cơ quan).
    case agencyCode = "agency-code"
    /// ``DossierCode`` (mã số hồ sơ).
    case dossierCode = "dossier-code"
    /// ``ProcedureCode`` (mã thủ tục hành chính).
    case procedureCode = "procedure-code"
    /// ``FieldCode`` (mã lĩnh vực).
    case fieldCode = "field-code"
    /// ``ProvinceCode`` (mã tỉnh).
    case provinceCode = "province-code"
    /// ``DistrictCode`` (mã huyện, legacy only).
    case districtCode = "district-code"
    /// ``WardCode`` (mã xã/phường).
    case wardCode = "ward-code"
    /// ``CitizenID`` (số định danh cá nhân).
    case citizenID = "citizen-id"
    /// ``LegacyIDCard`` (số chứng minh nhân dân).
    case legacyIDCard = "legacy-id-card"
    /// ``TaxCode`` (mã số thuế).
    case taxCode = "tax-code"
    /// ``PhoneNumber`` (số điện thoại).
    case phoneNumber = "phone"
    /// ``CalendarDate`` (ngày).
    case calendarDate = "date"
    /// ``PortalTimestamp`` (thời điểm, `yyyyMMddHHmmss`).
    case portalTimestamp = "timestamp"

    /// A short English name, e.g. `tax code`.
    public var displayName: String {
        switch self {
        case .agencyCode: "agency code"
        case .dossierCode: "dossier code"
        case .procedureCode: "procedure code"
        case .fieldCode: "field code"
        case .provinceCode: "province code"
        case .districtCode: "district code"
        case .wardCode: "ward code"
        case .citizenID: "citizen ID"
        case .legacyIDCard: "legacy ID card number"
        case .taxCode: "tax code"
        case .phoneNumber: "phone number"
        case .calendarDate: "date"
        case .portalTimestamp: "timestamp"
        }
    }

    /// The expected shape, e.g. `000.00.00.H29 or H29.123`.
    public var formatSummary: String {
        switch self {
        case .agencyCode: "000.00.00.H29 (QCVN 102:2016) or H29.123 (Decision 20/2020)"
        case .dossierCode: "<agency code>-YYMMDD-NNNN"
        case .procedureCode: "D.NNNNNN[.<agency code>[.NN]]"
        case .fieldCode: "G03-GD06"
        case .provinceCode: "2 digits"
        case .districtCode: "3 digits"
        case .wardCode: "5 digits"
        case .citizenID: "12 digits"
        case .legacyIDCard: "9 digits"
        case .taxCode: "10 or 13 digits (NNNNNNNNNN[-NNN]) or a 12-digit personal ID"
        case .phoneNumber: "+84/0 followed by a Vietnamese mobile or landline number"
        case .calendarDate: "YYYY-MM-DD"
        case .portalTimestamp: "yyyyMMddHHmmss"
        }
    }
}
