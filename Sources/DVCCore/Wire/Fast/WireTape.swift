/// A JSON document read in one pass into a flat list of tokens (a "tape"), the input of DVCKit's
/// fast wire decoder. Strings stay where they are in the bytes until a model asks for them.
///
/// The reader is deliberately narrow: it accepts RFC 8259 JSON without a byte-order mark and
/// refuses everything else (``parse(_:)`` returns `nil`), so that a caller can hand any input it
/// refuses to Foundation's `JSONDecoder`, whose answer — a value or the exact error — is then the
/// reference. Whatever it accepts it reads exactly as Foundation does; what it cannot promise
/// that for (duplicate keys, invalid UTF-8, lone surrogates) it refuses.
final class WireTape {
    /// What a token is.
    enum Kind: UInt8 {
        case object, array, string, number, literalTrue, literalFalse, null
    }

    /// One value (or object key). Containers are followed by their members' tokens.
    struct Token {
        /// What the token is.
        var kind: Kind
        /// A string that needs unescaping; a number that is a plain integer of at most 18 digits.
        var flag: Bool
        /// Containers: how many members (object) or elements (array).
        var count: UInt32
        /// Scalars: the first byte (a string's first byte after the quote).
        var start: UInt32
        /// Scalars: the byte after the last (a string's closing quote). Containers: the index of
        /// the first token after the container.
        var end: UInt32
    }

    /// The document (a copy this tape owns: readers hold plain pointers into it, without
    /// reference counting, for as long as they hold the tape).
    let bytes: UnsafeBufferPointer<UInt8>
    /// Its tokens, in document order; the root is token 0 (owned likewise).
    let tokens: UnsafeBufferPointer<Token>

    private init(bytes: [UInt8], tokens: [Token]) {
        let ownBytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, bytes.count))
        _ = ownBytes.initialize(from: bytes)
        self.bytes = UnsafeBufferPointer(rebasing: ownBytes[..<bytes.count])
        let ownTokens = UnsafeMutableBufferPointer<Token>.allocate(capacity: max(1, tokens.count))
        _ = ownTokens.initialize(from: tokens)
        self.tokens = UnsafeBufferPointer(rebasing: ownTokens[..<tokens.count])
    }

    deinit {
        UnsafeMutableRawPointer(mutating: bytes.baseAddress)?.deallocate()
        UnsafeMutableRawPointer(mutating: tokens.baseAddress)?.deallocate()
    }

    /// What reading a document gave.
    enum Outcome {
        /// The document, within the limits it was read against.
        case parsed(WireTape)
        /// JSON this reader does not vouch for (Foundation's to read or refuse).
        case refused
        /// Well-formed, but a string, an array or the nesting may exceed the limits: the caller
        /// checks them the standard way (``JSONLimits/check(_:)``), which names the bound.
        case mayExceed(WireTape)
    }

    /// Reads `bytes`, measuring them against `limits` (when given) on the way.
    static func parse(_ bytes: [UInt8], limits: JSONLimits? = nil) -> Outcome {
        guard bytes.count < Int(UInt32.max) else { return .refused }
        var tokens: [Token] = []
        tokens.reserveCapacity(bytes.count / 12 + 4)
        let measured: Reader.Measures? = bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(bytes: buffer)
            return reader.document(into: &tokens) ? reader.measures : nil
        }
        guard let measured else { return .refused }
        let tape = WireTape(bytes: bytes, tokens: tokens)
        if let limits, bytes.count > limits.maximumBytes || measured.depth > limits.maximumDepth
            || measured.longestString >= limits.maximumStringBytes || measured.longestArray > limits.maximumArrayLength {
            return .mayExceed(tape)
        }
        return .parsed(tape)
    }

    /// The text of string token `index`, or `nil` when it is not valid UTF-8 (never the case for a
    /// tape that parsed) or not a string.
    func string(_ index: Int) -> String? { Self.string(index, tokens: tokens, bytes: bytes) }

    /// ``string(_:)`` over a tape's buffers (read without a reference to the tape).
    @inline(__always)
    static func string(_ index: Int, tokens: UnsafeBufferPointer<Token>, bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let token = tokens[index]
        guard token.kind == .string else { return nil }
        let raw = UnsafeBufferPointer(rebasing: bytes[Int(token.start)..<Int(token.end)])
        guard token.flag else { return String(decoding: raw, as: UTF8.self) }
        return String(decoding: unescape(raw), as: UTF8.self)
    }

    /// The bytes of a plain (unescaped) string token, for comparing keys in place.
    func withKeyBytes<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        let token = tokens[index]
        guard token.kind == .string, !token.flag else { return nil }
        return body(UnsafeBufferPointer(rebasing: bytes[Int(token.start)..<Int(token.end)]))
    }

    /// The value of a plain-integer number token (`nil` for any other number: the caller asks
    /// Foundation, which reads `1.0`, `1e2` and doubles its own way).
    func integer(_ index: Int) -> Int64? { Self.integer(index, tokens: tokens, bytes: bytes) }

    /// ``integer(_:)`` over a tape's buffers.
    static func integer(_ index: Int, tokens: UnsafeBufferPointer<Token>, bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        let token = tokens[index]
        guard token.kind == .number, token.flag else { return nil }
        var value: Int64 = 0, negative = false
        for i in Int(token.start)..<Int(token.end) {
            let byte = bytes[i]
            if byte == UInt8(ascii: "-") { negative = true } else { value = value &* 10 &+ Int64(byte &- 48) }
        }
        return negative ? -value : value
    }

    /// The top-level object's string members and plain-integer members (as decimal text);
    /// `nil` when the document is not an object, repeats a key, or has another kind of number
    /// (which Foundation writes its own way).
    func topLevelTexts() -> [String: String]? {
        guard tokens[0].kind == .object else { return nil }
        var texts: [String: String] = [:], keys: Set<String> = []
        var cursor = 1
        for _ in 0..<Int(tokens[0].count) {
            guard let key = string(cursor), keys.insert(key).inserted else { return nil }
            let value = cursor + 1
            switch tokens[value].kind {
            case .string: texts[key] = string(value)
            case .number:
                guard let number = integer(value) else { return nil }
                texts[key] = String(number)
            default: break
            }
            cursor = next(after: value)
        }
        return texts
    }

    /// The index of the token after token `index` and everything inside it.
    func next(after index: Int) -> Int { Self.next(after: index, tokens: tokens) }

    /// ``next(after:)`` over a tape's tokens.
    @inline(__always)
    static func next(after index: Int, tokens: UnsafeBufferPointer<Token>) -> Int {
        let token = tokens[index]
        switch token.kind {
        case .object, .array: return Int(token.end)
        default: return index + 1
        }
    }

    /// The bytes a JSON string's escapes stand for (the escapes were checked when parsing).
    private static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            let byte = raw[i]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                i += 1
                continue
            }
            let escape = raw[i + 1]
            i += 2
            switch escape {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(raw, i)
                i += 4
                if scalar >= 0xD800, scalar < 0xDC00 {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (hex4(raw, i + 2) - 0xDC00)
                    i += 6
                }
                if let unicode = Unicode.Scalar(scalar) { UTF8.encode(unicode) { out.append($0) } }
            default: out.append(escape)
            }
        }
        return out
    }

    /// Four hex digits at `offset` (checked when parsing).
    static func hex4(_ raw: UnsafeBufferPointer<UInt8>, _ offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for i in offset..<(offset + 4) { value = value << 4 | UInt32(hexValue(raw[i]) ?? 0) }
        return value
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - 55
        default: nil
        }
    }
}
