/// A Vietnamese telephone number (số điện thoại), mobile or landline, normalized to E.164
/// (`+84912345678`).
///
/// Accepted input: a `+84`, `0084`, `84` or `0` prefix, then the national number, with spaces,
/// dots, dashes and parentheses anywhere (`0912 345 678`, `+84 (24) 3825 1234`).
/// - Mobile: 9 national digits whose two-digit prefix is allocated to a carrier
///   (``MobilePrefixTable``), e.g. `0912345678`.
/// - Landline: 10 national digits starting with `2` (the 2017 area codes `02x`/`02xx`), e.g.
///   `024 3825 1234` (Hà Nội) or `0236 3822 123` (Đà Nẵng).
/// Short service numbers (1800/1900…) are not personal contact numbers and are rejected.
public struct PhoneNumber: NationalCode {
    /// Mobile or landline.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Di động.
        case mobile
        /// Cố định.
        case landline
    }

    /// The identifier kind, for errors.
    public static let kind = CodeKind.phoneNumber
    /// The E.164 form, `+84` and the national number.
    public let rawValue: String
    /// Mobile or landline.
    public let kind: Kind
    /// The original carrier of a mobile number's prefix (`nil` for a landline).
    public let carrier: PhoneCarrier?

    /// Validates and normalizes a number with the ``MobilePrefixTable/standard`` table.
    public init(validating string: String) throws(CodeError) {
        try self.init(validating: string, prefixes: .standard)
    }

    /// Validates and normalizes a number with a prefix table of your own.
    @inlinable
    public init(_ string: some StringProtocol, prefixes: MobilePrefixTable) throws(CodeError) {
        try self.init(validating: String(string), prefixes: prefixes)
    }

    /// Validates and normalizes a number with a prefix table of your own.
    public init(validating string: String, prefixes: MobilePrefixTable) throws(CodeError) {
        let parts = try withUTF8Bytes(string) { Self.parse($0, prefixes: prefixes) }.get(Self.kind, input: string)
        rawValue = "+84" + parts.national
        kind = parts.kind
        carrier = parts.kind == .mobile ? prefixes[prefix: Int(parts.national.prefix(2)) ?? -1] : nil
    }

    /// Whether `utf8` is a valid number under the standard prefix table, without allocating.
    public static func isValid(utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        parse(utf8, prefixes: .standard, collectDigits: false).isSuccess
    }

    /// The domestic form with the trunk prefix: `0912345678`.
    public var nationalNumber: String { "0" + rawValue.dropFirst(3) }

    /// The landline area code with its trunk `0` (`024`, `0236`), `nil` for mobiles.
    public var areaCode: String? {
        guard kind == .landline else { return nil }
        let national = nationalNumber
        return national.hasPrefix("024") || national.hasPrefix("028") ? String(national.prefix(3)) : String(national.prefix(4))
    }

    // MARK: - Parsing

    struct Parts {
        var kind: Kind
        var national: String
    }

    static let maximumInputLength = 32

    static func parse(_ b: UnsafeBufferPointer<UInt8>, prefixes: MobilePrefixTable, collectDigits: Bool = true) -> ParseResult<Parts> {
        guard !b.isEmpty else { return .failure(.empty, byteOffset: 0) }
        if b.count > maximumInputLength { return .failure(.length, byteOffset: maximumInputLength) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { digits in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 16) { offsets in
                var count = 0
                var plus = false
                for i in 0..<b.count {
                    let c = b[i]
                    if ASCII.isDigit(c) {
                        guard count < 16 else { return .failure(.length, byteOffset: i) }
                        digits[count] = c
                        offsets[count] = i
                        count += 1
                    } else if c == ASCII.plus && count == 0 && !plus {
                        plus = true
                    } else if !(c == ASCII.space || c == ASCII.dot || c == ASCII.dash || c == UInt8(ascii: "(") || c == UInt8(ascii: ")")) {
                        return .failure(.invalidCharacter, byteOffset: i)
                    }
                }
                guard count > 0 else { return .failure(.length, byteOffset: b.count) }
                func starts(_ text: StaticString) -> Bool {
                    guard count >= text.utf8CodeUnitCount else { return false }
                    for i in 0..<text.utf8CodeUnitCount where digits[i] != text.utf8Start[i] { return false }
                    return true
                }
                let start: Int
                if plus {
                    guard starts("84") else { return .failure(.unknownPrefix, byteOffset: offsets[0]) }
                    start = 2
                } else if starts("0084") {
                    start = 4
                } else if starts("0") {
                    start = 1
                } else if starts("84") && (count == 11 || count == 12) {
                    start = 2
                } else {
                    return .failure(.missingPrefix, byteOffset: offsets[0])
                }
                guard start < count else { return .failure(.length, byteOffset: b.count) }
                let national = count - start
                let first = ASCII.digit(digits[start])
                let kind: Kind
                if first == 2 {
                    guard national == 10 else { return .failure(.length, byteOffset: national < 10 ? b.count : offsets[start + 10]) }
                    kind = .landline
                } else {
                    guard national >= 2, prefixes.contains(first * 10 + ASCII.digit(digits[start + 1])) else {
                        return .failure(.unknownPrefix, byteOffset: offsets[start])
                    }
                    guard national == 9 else { return .failure(.length, byteOffset: national < 9 ? b.count : offsets[start + 9]) }
                    kind = .mobile
                }
                let text = collectDigits ? String(decoding: UnsafeBufferPointer(rebasing: digits[start..<count]), as: UTF8.self) : ""
                return .success(Parts(kind: kind, national: text))
            }
        }
    }
}
