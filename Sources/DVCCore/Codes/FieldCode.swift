/// The code of a field of administrative procedures (mã lĩnh vực), as published in the
/// national procedure database, e.g. `G03-GD06` (education, Ministry of Education and Training).
///
/// Shape: the owning ministry's or province's level-1 agency code `MX1X2`, a `-`, and a local
/// part of 1–16 upper-case letters or digits. Only examples of this shape were available
/// (`G03-GD06`, `G03-GD09`, `G03-GD10`; `spec/portal-protocol.md` §17) **[P]**: whether local parts
/// follow a stricter pattern is unverified, so the rule is kept no stricter than the examples.
/// Local one-stop systems also use their own field codes (`005`, `CNTP`); those are not
/// national field codes and are rejected.
public struct FieldCode: NationalCode {
    /// The identifier kind, for errors.
    public static let kind = CodeKind.fieldCode
    /// The longest local part accepted.
    public static let maximumLocalPartLength = 16
    /// The canonical code.
    public let rawValue: String

    /// Validates a field code.
    public init(validating string: String) throws(CodeError) {
        _ = try withUTF8Bytes(string) { Self.parse($0) }.get(Self.kind, input: string)
        rawValue = string
    }

    /// Whether `utf8` is a valid field code, without allocating.
    public static func isValid(utf8: UnsafeBufferPointer<UInt8>) -> Bool { parse(utf8).isSuccess }

    /// The level-1 code of the ministry or province that owns the field, e.g. `"G03"`.
    public var ownerCode: String { String(rawValue.prefix(3)) }

    /// The owning level-1 agency in Decision 20/2020 form.
    public var owner: AgencyCode {
        AgencyCode(parts: AgencyCode.Parts(form: .decision20, level: 1, isVariant: false), rawValue: ownerCode)
    }

    /// The part after the dash, e.g. `"GD06"`.
    public var localPart: String { String(rawValue.dropFirst(4)) }

    @usableFromInline
    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> ParseResult<Void> {
        guard !b.isEmpty else { return .failure(.empty, byteOffset: 0) }
        if let failure = AgencyCode.parseLevelOne(b, at: 0), case .failure(let rule, let offset) = failure {
            return .failure(rule, byteOffset: offset)
        }
        guard b.count > 3 else { return .failure(.length, byteOffset: 3) }
        guard b[3] == ASCII.dash else { return .failure(.expectedSeparator, byteOffset: 3) }
        guard b.count > 4 else { return .failure(.length, byteOffset: 4) }
        for i in 4..<b.count where !(ASCII.isUpper(b[i]) || ASCII.isDigit(b[i])) {
            return .failure(.invalidCharacter, byteOffset: i)
        }
        if b.count - 4 > maximumLocalPartLength { return .failure(.length, byteOffset: 4 + maximumLocalPartLength) }
        return .success(())
    }
}
