extension WireTape {
    /// The single pass over the bytes: iterative (no recursion, whatever the nesting), checking
    /// the grammar, the escapes and the UTF-8 of every string as it goes.
    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        /// The sizes ``JSONLimits`` bounds, as found.
        struct Measures {
            var depth = 0
            var longestString = 0
            var longestArray = 0
        }

        private(set) var measures = Measures()

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        /// Reads one value and nothing but whitespace after it.
        mutating func document(into tokens: inout [Token]) -> Bool {
            // Open containers: their token index, and whether the next member of an object
            // starts with a key.
            var open: [Int] = []
            skipWhitespace()
            guard value(into: &tokens, open: &open) else { return false }
            while let container = open.last {
                skipWhitespace()
                guard index < bytes.count else { return false }
                let isObject = tokens[container].kind == .object
                let byte = bytes[index]
                if byte == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    index += 1
                    if !isObject { measures.longestArray = max(measures.longestArray, Int(tokens[container].count)) }
                    tokens[container].end = UInt32(tokens.count)
                    open.removeLast()
                    continue
                }
                if tokens[container].count > 0 {
                    guard byte == UInt8(ascii: ",") else { return false }
                    index += 1
                    skipWhitespace()
                }
                tokens[container].count += 1
                if isObject {
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), string(into: &tokens) else { return false }
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
                    index += 1
                    skipWhitespace()
                }
                guard value(into: &tokens, open: &open) else { return false }
            }
            skipWhitespace()
            return index == bytes.count
        }

        /// Reads a scalar, or opens a container (pushed on `open`, closed by ``document(into:)``).
        private mutating func value(into tokens: inout [Token], open: inout [Int]) -> Bool {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                open.append(tokens.count)
                measures.depth = max(measures.depth, open.count)
                tokens.append(Token(kind: bytes[index] == UInt8(ascii: "{") ? .object : .array, flag: false, count: 0, start: UInt32(index), end: 0))
                index += 1
                return true
            case UInt8(ascii: "\""):
                return string(into: &tokens)
            case UInt8(ascii: "t"): return literal("true", .literalTrue, into: &tokens)
            case UInt8(ascii: "f"): return literal("false", .literalFalse, into: &tokens)
            case UInt8(ascii: "n"): return literal("null", .null, into: &tokens)
            default: return number(into: &tokens)
            }
        }

        private mutating func literal(_ word: StaticString, _ kind: Kind, into tokens: inout [Token]) -> Bool {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            for i in 0..<count where bytes[index + i] != word.utf8Start[i] { return false }
            tokens.append(Token(kind: kind, flag: false, count: 0, start: UInt32(index), end: UInt32(index + count)))
            index += count
            return true
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`; flagged when a plain integer
        /// of at most 18 digits (which fits `Int64` whatever its digits).
        private mutating func number(into tokens: inout [Token]) -> Bool {
            let start = index
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            let digitsStart = index
            guard index < bytes.count, ASCII.isDigit(bytes[index]) else { return false }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                while index < bytes.count, ASCII.isDigit(bytes[index]) { index += 1 }
            }
            var plain = index - digitsStart <= 18
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                plain = false
                index += 1
                guard digits() else { return false }
            }
            if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
                plain = false
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() else { return false }
            }
            tokens.append(Token(kind: .number, flag: plain, count: 0, start: UInt32(start), end: UInt32(index)))
            return true
        }

        private mutating func digits() -> Bool {
            let start = index
            while index < bytes.count, ASCII.isDigit(bytes[index]) { index += 1 }
            return index > start
        }

        /// A string at `index` (its opening quote): escapes checked, non-ASCII runs checked as
        /// UTF-8, control characters refused.
        private mutating func string(into tokens: inout [Token]) -> Bool {
            index += 1
            let start = index
            var escaped = false
            while index < bytes.count {
                skipPlainBytes()
                guard index < bytes.count else { break }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    measures.longestString = max(measures.longestString, index - start)
                    tokens.append(Token(kind: .string, flag: escaped, count: 0, start: UInt32(start), end: UInt32(index)))
                    index += 1
                    return true
                }
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    guard escape() else { return false }
                } else if byte < 0x20 {
                    return false
                } else if byte < 0x80 {
                    index += 1
                } else {
                    guard let length = Self.utf8Sequence(bytes, index) else { return false }
                    index += length
                }
            }
            return false
        }

        /// Steps over plain string bytes (printable ASCII but `"` and `\`) eight at a time, up
        /// to the first byte that is a quote, a backslash, a control or non-ASCII.
        @inline(__always)
        private mutating func skipPlainBytes() {
            guard let base = bytes.baseAddress else { return }
            while index + 8 <= bytes.count {
                let word = JSONWords.load(base, index)
                let marked = JSONWords.quotesOrBackslashes(word) | JSONWords.controlsOrNonASCII(word)
                guard marked == 0 else {
                    index += JSONWords.firstMarked(marked)
                    return
                }
                index += 8
            }
        }

        /// One escape at `index`; a `\u` surrogate must come as a high-low pair.
        private mutating func escape() -> Bool {
            guard index + 1 < bytes.count else { return false }
            switch bytes[index + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                index += 2
                return true
            case UInt8(ascii: "u"):
                guard let unit = hex(at: index + 2) else { return false }
                index += 6
                if unit >= 0xDC00, unit < 0xE000 { return false }
                guard unit >= 0xD800, unit < 0xDC00 else { return true }
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                      let low = hex(at: index + 2), low >= 0xDC00, low < 0xE000 else { return false }
                index += 6
                return true
            default:
                return false
            }
        }

        private func hex(at offset: Int) -> UInt32? {
            guard offset + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for i in offset..<(offset + 4) {
                guard let digit = WireTape.hexValue(bytes[i]) else { return nil }
                value = value << 4 | UInt32(digit)
            }
            return value
        }

        /// The length of the well-formed UTF-8 sequence at `offset` (RFC 3629: no overlong forms,
        /// no surrogates, nothing beyond U+10FFFF), or `nil`.
        static func utf8Sequence(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int) -> Int? {
            let lead = bytes[offset]
            let length: Int, low: UInt8, high: UInt8
            switch lead {
            case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
            case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (length, low, high) = (3, 0x80, 0xBF)
            case 0xED: (length, low, high) = (3, 0x80, 0x9F)
            case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
            case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
            case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
            default: return nil
            }
            guard offset + length <= bytes.count else { return nil }
            let second = bytes[offset + 1]
            guard second >= low, second <= high else { return nil }
            for i in 2..<max(2, length) where bytes[offset + i] & 0xC0 != 0x80 { return nil }
            return length
        }

        private mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }
    }
}
