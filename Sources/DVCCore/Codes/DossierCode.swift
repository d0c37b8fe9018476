/// The code of an administrative-procedure dossier (mã số hồ sơ thủ tục hành chính):
/// `<agency code>-YYMMDD-<sequence>`.
///
/// Normative forms (`spec/codes-and-rules.md` §1):
/// - ``Form/circular01of2018``: Circular 01/2018/TT-VPCP Art. 19, e.g. `000.00.14.H20-200703-0002`:
///   the receiving unit's QCVN 102:2016 code, the reception date, a 4-digit daily sequence.
/// - ``Form/circular03of2025``: the same with a Decision 20/2020 agency code, e.g.
///   `H55.242-250801-0001`. Circular 03/2025/TT-VPCP Art. 13(1) was not available when this was
///   written **[U]**: the 4-digit sequence is inferred from third-party specs.
/// - ``Form/centralised``: Circular 03/2025 Art. 13(3) (added by Circular 04/2025/TT-VPCP, in force
///   from 2026-01-25) for nation-wide centralised systems, `MX1X2.Y1Y2Y3.Z1Z2-YYMMDD-AAXXXX`:
///   `AA` = two digits of the system owner's e-ID, then a sequence of at least 4 digits. A
///   Decision 20/2020 code with 6 or more sequence digits dated 2026-01-25 or later is read this
///   way; an earlier one cannot be centralised (the form did not exist) and is non-normative. The
///   reading is a convention: a provincial system that numbers its Decision 20/2020 codes with 6
///   digits after that date would be read as centralised too — the standard leaves no way to tell.
///
/// Real systems also emit codes outside these forms (3-digit agency groups, abbreviated agency
/// codes, 5- to 13-digit sequences); ``Strictness/lenient`` accepts any
/// `[0-9A-Z]+(.[0-9A-Z]+)*-YYMMDD-NNNN…` (the date also as `YYYYMMDD`, as the newer DVC API writes it) and
/// marks it ``Form/lenient``. In every form the date must
/// be a real calendar date (20YY) and the sequence must not be zero.
///
/// The initializer is normative by default; decoding from JSON is lenient, so data a real
/// one-stop system sent is never lost — validate it afterwards to flag non-normative codes.
///
/// ```swift
/// let code = try DossierCode("000.00.14.H20-200703-0002")
/// code.receivingAgency?.rawValue   // "000.00.14.H20"
/// code.receptionDate               // 2020-07-03
/// code.sequence                    // 2
/// ```
public struct DossierCode: NationalCode {
    /// The form a dossier code is written in.
    public enum Form: String, Sendable, Hashable, Codable, CaseIterable {
        /// Circular 01/2018/TT-VPCP Art. 19: QCVN 102 agency, `-YYMMDD-NNNN`.
        case circular01of2018 = "circular-01-2018"
        /// Circular 03/2025/TT-VPCP Art. 13(1) as inferred **[U]**: Decision 20/2020 agency, `-YYMMDD-NNNN`.
        case circular03of2025 = "circular-03-2025"
        /// Circular 03/2025 Art. 13(3) (Circular 04/2025): Decision 20/2020 agency, `-YYMMDD-AANNNN…`.
        case centralised = "circular-04-2025-centralised"
        /// Outside the normative forms but in the shape real systems send.
        case lenient
    }

    /// Which forms an initializer accepts.
    public enum Strictness: Sendable, Hashable {
        /// Only the three normative forms.
        case normative
        /// The normative forms and the lenient shape seen in deployed systems.
        case lenient
    }

    /// The identifier kind, for errors.
    public static let kind = CodeKind.dossierCode
    /// The most sequence digits accepted (keeps the number within 64 bits).
    public static let maximumSequenceDigits = 18

    /// The canonical code.
    public let rawValue: String
    /// The form the code is written in.
    public let form: Form
    /// The date the dossier was received, from `YYMMDD` (years 2000–2099).
    public let receptionDate: CalendarDate
    /// The daily sequence number (without the system owner digits of the centralised form).
    public let sequence: Int
    private let agencyEnd: Int
    private let sequenceStart: Int
    private let agencyParts: AgencyCode.Parts?

    /// Validates a dossier code; normative forms only unless `strictness` is `.lenient`.
    @inlinable
    public init(_ string: some StringProtocol, strictness: Strictness) throws(CodeError) {
        try self.init(validating: String(string), strictness: strictness)
    }

    /// Validates a dossier code; normative forms only unless `strictness` is `.lenient`.
    public init(validating string: String, strictness: Strictness) throws(CodeError) {
        let parts = try withUTF8Bytes(string) { Self.parse($0, strictness) }.get(Self.kind, input: string)
        self.rawValue = string
        self.form = parts.form
        self.receptionDate = CalendarDate(unchecked: parts.year, parts.month, parts.day)
        self.sequence = parts.sequence
        self.agencyEnd = parts.agencyEnd
        self.sequenceStart = parts.sequenceStart
        self.agencyParts = parts.agency
    }

    /// Validates a dossier code in one of the normative forms.
    public init(validating string: String) throws(CodeError) {
        try self.init(validating: string, strictness: .normative)
    }

    /// Whether `utf8` is a dossier code in a normative form, without allocating.
    public static func isValid(utf8: UnsafeBufferPointer<UInt8>) -> Bool { parse(utf8, .normative).isSuccess }

    /// Whether `string` is a dossier code under `strictness`, without allocating.
    @inlinable
    public static func isValid(_ string: some StringProtocol, strictness: Strictness) -> Bool {
        withUTF8Bytes(string) { isValid(utf8: $0, strictness: strictness) }
    }

    /// Whether `utf8` is a dossier code under `strictness`, without allocating.
    public static func isValid(utf8: UnsafeBufferPointer<UInt8>, strictness: Strictness) -> Bool {
        parse(utf8, strictness).isSuccess
    }

    /// Decodes leniently: every shape real one-stop systems send is kept (see ``Form/lenient``).
    public init(from decoder: any Decoder) throws {
        self = try TextCoding.decode(decoder) { (text) throws(CodeError) in try DossierCode(validating: text, strictness: .lenient) }
    }

    // MARK: - Components

    /// The agency part as written, e.g. `000.00.14.H20`.
    public var agencyText: String {
        String(decoding: rawValue.utf8.prefix(agencyEnd), as: UTF8.self)
    }

    /// The receiving agency (for the centralised form, the agency resolving the dossier), or
    /// `nil` when the agency part of a lenient code is not a valid agency code.
    public var receivingAgency: AgencyCode? {
        agencyParts.map { AgencyCode(parts: $0, rawValue: agencyText) }
    }

    /// The two system-owner digits `AA` of the centralised form, else `nil`.
    public var systemOwnerCode: String? {
        guard form == .centralised else { return nil }
        return String(decoding: rawValue.utf8.dropFirst(sequenceStart - 2).prefix(2), as: UTF8.self)
    }

    /// The sequence digits as written (zero-padded), without the system-owner digits.
    public var sequenceText: String {
        String(decoding: rawValue.utf8.dropFirst(sequenceStart), as: UTF8.self)
    }

    /// Whether the code is in one of the three normative forms.
    public var isNormative: Bool { form != .lenient }

    // MARK: - Parsing

    @usableFromInline
    struct Parts {
        var form: Form
        var agency: AgencyCode.Parts?
        var agencyEnd: Int
        var sequenceStart: Int
        var year: Int, month: Int, day: Int
        var sequence: Int
    }

    @usableFromInline
    static func parse(_ b: UnsafeBufferPointer<UInt8>, _ strictness: Strictness) -> ParseResult<Parts> {
        if let parts = strictCircular01(b) { return .success(parts) }
        guard !b.isEmpty else { return .failure(.empty, byteOffset: 0) }
        var dash = 0
        while dash < b.count, b[dash] != ASCII.dash { dash += 1 }
        let agencyBytes = UnsafeBufferPointer(rebasing: b[0..<dash])
        let agency = AgencyCode.parse(agencyBytes)
        var agencyParts: AgencyCode.Parts?
        switch agency {
        case .success(let parts):
            agencyParts = parts
        case .failure(let rule, let offset):
            // Outside both agency forms: acceptable only as the lenient shape.
            if strictness == .normative { return .failure(rule, byteOffset: offset) }
            if let bad = lenientAgencyFailure(agencyBytes) { return .failure(bad.0, byteOffset: bad.1) }
        }
        guard dash < b.count else { return .failure(.expectedSeparator, byteOffset: dash) }

        // YYMMDD; leniently also YYYYMMDD, as the newer DVC API writes it (`G09.20-20260609-0092637`).
        let dateStart = dash + 1
        let longDate = strictness == .lenient && dateStart + 8 < b.count && b[dateStart + 8] == ASCII.dash
            && ASCII.isDigit(b[dateStart + 6]) && ASCII.isDigit(b[dateStart + 7])
        let dateDigits = longDate ? 8 : 6
        let (dateValue, badDate) = ASCII.number(b, dateStart, dateDigits)
        if let badDate { return .failure(badDate >= b.count ? .length : .expectedDigit, byteOffset: badDate) }
        let year = (longDate ? 0 : 2000) + dateValue / 10_000, month = dateValue / 100 % 100, day = dateValue % 100
        let monthOffset = dateStart + dateDigits - 4
        guard CalendarDate.isValid(year: year, month: month, day: day) else {
            return .failure(.invalidDate, byteOffset: month < 1 || month > 12 ? monthOffset : monthOffset + 2)
        }
        let secondDash = dateStart + dateDigits
        guard secondDash < b.count else { return .failure(.length, byteOffset: secondDash) }
        guard b[secondDash] == ASCII.dash else { return .failure(.expectedSeparator, byteOffset: secondDash) }

        // Sequence: at least 4 digits to the end. The value of the last four is kept in case
        // the form turns out to be centralised (whose first two digits name the system owner).
        var sequenceStart = secondDash + 1
        var sequence = 0, withoutOwner = 0
        var i = sequenceStart
        while i < b.count {
            let c = b[i]
            guard ASCII.isDigit(c) else { return .failure(.expectedDigit, byteOffset: i) }
            sequence = sequence &* 10 &+ ASCII.digit(c)
            if i >= sequenceStart + 2 { withoutOwner = withoutOwner &* 10 &+ ASCII.digit(c) }
            i += 1
        }
        let digits = b.count - sequenceStart
        if digits < 4 { return .failure(.length, byteOffset: b.count) }
        if digits > maximumSequenceDigits { return .failure(.length, byteOffset: sequenceStart + maximumSequenceDigits) }

        let form: Form
        switch agencyParts {
        case _ where longDate:
            form = .lenient
        case let parts? where parts.form == .qcvn102 && !parts.isVariant && digits == 4:
            form = .circular01of2018
        case let parts? where parts.form == .decision20 && digits == 4:
            form = .circular03of2025
        case let parts? where parts.form == .decision20 && digits >= 6 && (year, month, day) >= (2026, 1, 25):
            // Circular 04/2025/TT-VPCP is in force from 2026-01-25: no earlier code can be centralised.
            form = .centralised
            sequenceStart += 2
            sequence = withoutOwner
        default:
            if strictness == .normative {
                let offset = agencyParts?.form == .qcvn102 && agencyParts?.isVariant == false ? sequenceStart + 4 : 0
                return .failure(.nonNormativeForm, byteOffset: offset)
            }
            form = .lenient
        }
        if sequence == 0 { return .failure(.zeroSequence, byteOffset: sequenceStart) }
        return .success(Parts(
            form: form, agency: agencyParts, agencyEnd: dash, sequenceStart: sequenceStart,
            year: year, month: month, day: day, sequence: sequence))
    }

    /// The fast path for the most common code, the 25-character Circular 01/2018 form
    /// `ddd.dd.dd.Ldd-YYMMDD-NNNN`, read at fixed positions; `nil` for anything else, which the
    /// general parser then accepts or explains.
    @inline(__always)
    static func strictCircular01(_ b: UnsafeBufferPointer<UInt8>) -> Parts? {
        guard b.count == 25, b[13] == ASCII.dash, b[20] == ASCII.dash,
              let level = AgencyCode.strictQCVN102Level(UnsafeBufferPointer(rebasing: b[0..<13])) else { return nil }
        var date = 0, sequence = 0
        for i in 14..<20 {
            guard ASCII.isDigit(b[i]) else { return nil }
            date = date &* 10 &+ ASCII.digit(b[i])
        }
        for i in 21..<25 {
            guard ASCII.isDigit(b[i]) else { return nil }
            sequence = sequence &* 10 &+ ASCII.digit(b[i])
        }
        let year = 2000 + date / 10_000, month = date / 100 % 100, day = date % 100
        guard sequence != 0, CalendarDate.isValid(year: year, month: month, day: day) else { return nil }
        return Parts(
            form: .circular01of2018, agency: AgencyCode.Parts(form: .qcvn102, level: level, isVariant: false),
            agencyEnd: 13, sequenceStart: 21, year: year, month: month, day: day, sequence: sequence)
    }

    /// The lenient agency shape `[0-9A-Z]+(.[0-9A-Z]+)*`: the first rule broken, if any.
    static func lenientAgencyFailure(_ b: UnsafeBufferPointer<UInt8>) -> (CodeError.Rule, Int)? {
        if b.isEmpty { return (.groupLength, 0) }
        var groupStart = 0
        for i in 0..<b.count {
            let c = b[i]
            if c == ASCII.dot {
                if i == groupStart { return (.groupLength, i) }
                groupStart = i + 1
            } else if !(ASCII.isDigit(c) || ASCII.isUpper(c)) {
                return (.invalidCharacter, i)
            }
        }
        return groupStart == b.count ? (.groupLength, b.count) : nil
    }
}
