/// The code of an administrative procedure (mã thủ tục hành chính, TTHC) in the national
/// database of procedures, optionally as implemented by one agency, optionally as one public
/// service (dịch vụ công) variant.
///
/// Forms (`spec/codes-and-rules.md` §3):
/// - national `D.NNNNNN`, e.g. `1.001193`;
/// - with the implementing agency, in either agency form: `1.000494.000.00.00.H29` (QCVN 102)
///   or `1.014390.H05` (Decision 20/2020, level-1 code);
/// - a public-service variant adds `.NN`: `2.000815.000.00.00.H55.02` (`MaDVC`).
///
/// The leading digit is opaque: it does **not** encode the level of government (prefixes 1, 2
/// and 3 all occur for ministries and for provinces), so DVCKit gives it no meaning.
///
/// ```swift
/// let code = try ProcedureCode("2.000815.000.00.00.H55.02")
/// code.national                 // "2.000815"
/// code.agency?.levelOneCode     // "H55"
/// code.publicServiceVariant     // "02"
/// ```
public struct ProcedureCode: NationalCode {
    /// The identifier kind, for errors.
    public static let kind = CodeKind.procedureCode
    /// The canonical code.
    public let rawValue: String
    private let agencyEnd: Int
    private let agencyParts: AgencyCode.Parts?

    /// Validates a procedure code in any of its forms.
    public init(validating string: String) throws(CodeError) {
        let parts = try withUTF8Bytes(string) { Self.parse($0) }.get(Self.kind, input: string)
        rawValue = string
        agencyEnd = parts.agencyEnd
        agencyParts = parts.agency
    }

    /// Whether `utf8` is a valid procedure code, without allocating.
    public static func isValid(utf8: UnsafeBufferPointer<UInt8>) -> Bool { parse(utf8).isSuccess }

    /// The national procedure code `D.NNNNNN`.
    public var national: String { String(rawValue.prefix(8)) }

    /// The national procedure, without agency or variant (itself when it has neither).
    public var nationalCode: ProcedureCode {
        ProcedureCode(rawValue: national, agencyEnd: 8, agencyParts: nil)
    }

    /// The implementing agency, when the code carries one.
    public var agency: AgencyCode? {
        agencyParts.map { AgencyCode(parts: $0, rawValue: String(decoding: rawValue.utf8.dropFirst(9).prefix(agencyEnd - 9), as: UTF8.self)) }
    }

    /// The public-service variant `NN`, when the code names one.
    public var publicServiceVariant: String? {
        rawValue.utf8.count > agencyEnd ? String(decoding: rawValue.utf8.dropFirst(agencyEnd + 1), as: UTF8.self) : nil
    }

    private init(rawValue: String, agencyEnd: Int, agencyParts: AgencyCode.Parts?) {
        self.rawValue = rawValue
        self.agencyEnd = agencyEnd
        self.agencyParts = agencyParts
    }

    // MARK: - Parsing

    @usableFromInline
    struct Parts {
        var agency: AgencyCode.Parts?
        var agencyEnd: Int
    }

    @usableFromInline
    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> ParseResult<Parts> {
        guard let first = b.first else { return .failure(.empty, byteOffset: 0) }
        guard ASCII.isDigit(first) else { return .failure(.expectedDigit, byteOffset: 0) }
        guard first != UInt8(ascii: "0") else { return .failure(.invalidCharacter, byteOffset: 0) }
        guard b.count > 1 else { return .failure(.length, byteOffset: 1) }
        guard b[1] == ASCII.dot else { return .failure(.expectedSeparator, byteOffset: 1) }
        let (_, bad) = ASCII.number(b, 2, 6)
        if let bad { return .failure(bad >= b.count ? .length : .expectedDigit, byteOffset: bad) }
        if b.count == 8 { return .success(Parts(agency: nil, agencyEnd: 8)) }
        guard b[8] == ASCII.dot else { return .failure(.expectedSeparator, byteOffset: 8) }
        guard b.count > 9 else { return .failure(.length, byteOffset: 9) }

        // The agency suffix: four groups (QCVN 102) or a level-1 code (Decision 20/2020).
        var agencyEnd = 9
        if ASCII.isDigit(b[9]) {
            var dots = 0
            while agencyEnd < b.count {
                if b[agencyEnd] == ASCII.dot { dots += 1; if dots == 4 { break } }
                agencyEnd += 1
            }
        } else {
            agencyEnd = min(12, b.count)
        }
        let agencyBytes = UnsafeBufferPointer(rebasing: b[9..<agencyEnd])
        let agency: AgencyCode.Parts
        switch AgencyCode.parse(agencyBytes) {
        case .success(let parts): agency = parts
        case .failure(let rule, let offset): return .failure(rule, byteOffset: 9 + offset)
        }
        if agencyEnd == b.count { return .success(Parts(agency: agency, agencyEnd: agencyEnd)) }

        // The public-service variant `.NN`.
        guard b[agencyEnd] == ASCII.dot else { return .failure(.expectedSeparator, byteOffset: agencyEnd) }
        let (_, badVariant) = ASCII.number(b, agencyEnd + 1, 2)
        if let badVariant { return .failure(badVariant >= b.count ? .length : .expectedDigit, byteOffset: badVariant) }
        guard b.count == agencyEnd + 3 else { return .failure(.length, byteOffset: agencyEnd + 3) }
        return .success(Parts(agency: agency, agencyEnd: agencyEnd))
    }
}
