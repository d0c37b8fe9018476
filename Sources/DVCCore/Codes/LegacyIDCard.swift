/// The number of a legacy people's identity card (chứng minh nhân dân, CMND): 9 digits.
///
/// CMND numbers have no check digit and no documented structure usable for validation, so this
/// type checks the shape only (`spec/codes-and-rules.md` §5.4). 12-digit CMNDs issued around
/// 2012–2016 have the shape of a ``CitizenID``; validate those as such.
///
/// Personal data: ``description`` is masked; ``rawValue`` is the full number for the wire.
public struct LegacyIDCard: NationalCode {
    /// The identifier kind, for errors.
    public static let kind = CodeKind.legacyIDCard
    /// The full 9-digit number. Personal data: do not log it.
    public let rawValue: String

    /// Validates the shape of a CMND number.
    public init(validating string: String) throws(CodeError) {
        _ = try withUTF8Bytes(string) { Self.parse($0) }.get(Self.kind, input: string)
        rawValue = string
    }

    /// Whether `utf8` has the shape of a CMND number, without allocating.
    public static func isValid(utf8: UnsafeBufferPointer<UInt8>) -> Bool { parse(utf8).isSuccess }

    /// The masked number, safe for logs: `0*******2`.
    public var description: String { CitizenID.mask(rawValue, keepingPrefix: 1, suffix: 1) }

    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> ParseResult<Int> {
        ASCII.parseFixedDigits(b, width: 9, unknown: .invalidCharacter) { _ in true }
    }
}
