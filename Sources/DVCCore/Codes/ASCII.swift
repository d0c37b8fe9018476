// Byte-level helpers shared by the validators. Every validator parses UTF-8 bytes in place so
// that `isValid` never allocates; these helpers keep that code short and uniform.

@usableFromInline
enum ASCII {
    @inlinable static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
    @inlinable static func isUpper(_ byte: UInt8) -> Bool { byte &- 0x41 < 26 }
    @inlinable static func isLower(_ byte: UInt8) -> Bool { byte &- 0x61 < 26 }
    @inlinable static func digit(_ byte: UInt8) -> Int { Int(byte &- 0x30) }
    static let dot = UInt8(ascii: ".")
    static let dash = UInt8(ascii: "-")
    static let space = UInt8(ascii: " ")
    static let plus = UInt8(ascii: "+")

    /// Reads `count` digits at `start` as a number, or returns the offset of the first non-digit.
    @inlinable
    static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> (value: Int, badOffset: Int?) {
        var value = 0
        for i in start..<(start + count) {
            guard i < bytes.count else { return (value, i) }
            let b = bytes[i]
            guard isDigit(b) else { return (value, i) }
            value = value &* 10 &+ digit(b)
        }
        return (value, nil)
    }
}

/// Eight bytes at a time: which bytes of a 64-bit word of JSON text a scanner must stop at, as the
/// high bit of each. A mask is exact up to its first marked byte (borrows may mark bytes above it),
/// which is all a scanner needs: it stops there and goes on byte by byte.
enum JSONWords {
    private static let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080

    /// The high bit of each byte of `word` that is `"` or `\` (exact up to the first).
    @inline(__always)
    static func quotesOrBackslashes(_ word: UInt64) -> UInt64 {
        let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
        return (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)) & highs
    }

    /// The high bit of each byte of `word` below 0x20 (a control) or above 0x7F (not ASCII)
    /// (exact up to the first).
    @inline(__always)
    static func controlsOrNonASCII(_ word: UInt64) -> UInt64 {
        ((word &- ones &* 0x20) | word) & highs
    }

    /// The high bit of each byte of `word` below 0x20, a control (exact up to the first).
    @inline(__always)
    static func controls(_ word: UInt64) -> UInt64 {
        (word &- ones &* 0x20) & ~word & highs
    }

    /// The offset in a word of the first byte a mask of high bits marks (8 for none).
    @inline(__always)
    static func firstMarked(_ mask: UInt64) -> Int { mask.trailingZeroBitCount >> 3 }

    /// The word at `offset` of `base`, in memory order.
    @inline(__always)
    static func load(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: (base + offset).loadUnaligned(as: UInt64.self))
    }
}

/// Runs `body` over the UTF-8 bytes of `string`, without copying when the string is contiguous
/// (native Swift strings and substrings always are).
@inlinable
func withUTF8Bytes<S: StringProtocol, R>(_ string: S, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
    let copy = Array(string.utf8)
    return copy.withUnsafeBufferPointer(body)
}

extension CodeError {
    /// Converts a UTF-8 byte offset found by a byte parser into a character offset of `string`.
    static func at(_ kind: CodeKind, _ rule: Rule, byte offset: Int, in string: String) -> CodeError {
        let characters = withUTF8Bytes(string) { bytes -> Int in
            var clamped = min(max(offset, 0), bytes.count)
            // Back to the start of the scalar the offset falls in: a cut sequence would decode as
            // one more character than the input has (found by the `codes` fuzz target).
            while clamped > 0, clamped < bytes.count, bytes[clamped] & 0xC0 == 0x80 { clamped -= 1 }
            var i = 0
            // ASCII bytes are characters, except CR LF, which Swift counts as one (fuzz finding).
            while i < clamped, bytes[i] < 0x80, bytes[i] != 0x0D { i += 1 }
            if i == clamped { return clamped }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<clamped]), as: UTF8.self).count
        }
        return CodeError(kind: kind, rule: rule, offset: characters)
    }
}

/// The result of a byte-level parse: the components, or the rule broken at a byte offset.
/// Plain values only, so producing one never allocates.
@usableFromInline
enum ParseResult<Components> {
    case success(Components)
    case failure(CodeError.Rule, byteOffset: Int)

    @inlinable var isSuccess: Bool { if case .success = self { true } else { false } }

    /// Unwraps the components or throws the error mapped to a character offset of `input`.
    func get(_ kind: CodeKind, input: String) throws(CodeError) -> Components {
        switch self {
        case .success(let components): return components
        case .failure(let rule, let offset): throw CodeError.at(kind, rule, byte: offset, in: input)
        }
    }
}

extension ASCII {
    /// Parses exactly `width` digits (a numeric administrative code) and checks the number with
    /// `isKnown`; the shared core of the province, district and ward code validators.
    @inlinable
    static func parseFixedDigits(
        _ b: UnsafeBufferPointer<UInt8>, width: Int, unknown: CodeError.Rule, isKnown: (Int) -> Bool
    ) -> ParseResult<Int> {
        guard !b.isEmpty else { return .failure(.empty, byteOffset: 0) }
        let (value, bad) = number(b, 0, min(width, b.count))
        if let bad { return .failure(.expectedDigit, byteOffset: bad) }
        guard b.count == width else { return .failure(.length, byteOffset: min(b.count, width)) }
        guard isKnown(value) else { return .failure(unknown, byteOffset: 0) }
        return .success(value)
    }
}
