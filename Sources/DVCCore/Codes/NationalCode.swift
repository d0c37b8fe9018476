/// What every validated identifier of DVCCore has in common.
///
/// A conforming type is created by a throwing initializer that says which rule failed and
/// where (``CodeError``), offers a non-allocating ``isValid(_:)`` fast path, prints its
/// canonical form, and re-validates when decoded, so an invalid code can never sit inside a
/// decoded model. On the wire every code is a JSON string.
public protocol NationalCode: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Which identifier this is, for error reports.
    static var kind: CodeKind { get }

    /// Validates `string` and returns the parsed code, or throws the first rule it breaks.
    init(validating string: String) throws(CodeError)

    /// Whether the UTF-8 bytes `utf8` are a valid code, without allocating (for input that is
    /// still in a network or file buffer).
    static func isValid(utf8: UnsafeBufferPointer<UInt8>) -> Bool

    /// The canonical text of the code, exactly as it is sent on the wire.
    var rawValue: String { get }
}

extension NationalCode {
    /// Validates `string` and returns the parsed code, or throws the first rule it breaks.
    @inlinable
    public init(_ string: some StringProtocol) throws(CodeError) {
        try self.init(validating: String(string))
    }

    /// Whether `string` is a valid code, without allocating.
    @inlinable
    public static func isValid(_ string: some StringProtocol) -> Bool {
        withUTF8Bytes(string) { isValid(utf8: $0) }
    }

    /// The canonical text (``rawValue``).
    public var description: String { rawValue }

    /// Two codes are equal when their canonical texts are.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.rawValue == rhs.rawValue }

    /// Hashes the canonical text.
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    /// Decodes a JSON string and validates it; an invalid code is a `DecodingError` naming the
    /// coding path, the rule and the offset.
    public init(from decoder: any Decoder) throws {
        self = try TextCoding.decode(decoder) { (text) throws(CodeError) in try Self(validating: text) }
    }

    /// Encodes the canonical text as a JSON string.
    public func encode(to encoder: any Encoder) throws { try TextCoding.encode(rawValue, to: encoder) }
}
