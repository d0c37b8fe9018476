import Foundation

/// Finds the text of named elements in an XML document without a full parser (FoundationXML
/// would bring libxml2): enough for the land-tax notice's `MA_HSO` elements, and correct where
/// a substring search is not.
///
/// - Elements match by *local* name, so `<MA_HSO>`, `<ns:MA_HSO>` and `<MA_HSO xmlns="…">` count
///   and `<MA_HSO_GOC>` does not.
/// - Comments, processing instructions and declarations are skipped; CDATA is kept verbatim.
/// - The five predefined entities and numeric character references are decoded; an unknown
///   entity is kept as written.
/// - The text is trimmed; empty elements and self-closing ones yield nothing.
package enum XMLElementScanner {
    /// The trimmed text of every element whose local name is `name`, in document order.
    package static func texts(of name: String, in xml: String) -> [String] {
        let bytes = Array(xml.utf8)
        var results: [String] = []
        var depth = 0
        var text: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "<") else {
                if depth > 0 { text.append(bytes[i]) }
                i += 1
                continue
            }
            if let (content, next) = special(bytes, at: i) {
                if depth > 0, let content { text += content }
                i = next
                continue
            }
            guard let close = bytes[i...].firstIndex(of: UInt8(ascii: ">")) else { break }
            let isEnd = bytes[i + 1] == UInt8(ascii: "/")
            let isEmpty = bytes[close - 1] == UInt8(ascii: "/")
            let nameStart = isEnd ? i + 2 : i + 1
            let nameEnd = bytes[nameStart..<close].firstIndex { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == UInt8(ascii: "/") } ?? close
            let qualified = bytes[nameStart..<nameEnd]
            let local = qualified.lastIndex(of: UInt8(ascii: ":")).map { qualified[($0 + 1)...] } ?? qualified
            if local.elementsEqual(name.utf8), !isEmpty {
                if isEnd, depth > 0 {
                    depth -= 1
                    if depth == 0 {
                        let value = decodeEntities(text).trimmingCharacters(in: .whitespacesAndNewlines)
                        if !value.isEmpty { results.append(value) }
                        text = []
                    }
                } else if !isEnd {
                    depth += 1
                }
            }
            i = close + 1
        }
        return results
    }

    /// A comment, CDATA section, processing instruction or declaration starting at `i`: its
    /// character data (CDATA only) and where scanning continues; `nil` for an ordinary tag.
    private static func special(_ bytes: [UInt8], at i: Int) -> ([UInt8]?, Int)? {
        func starts(_ prefix: String) -> Bool { bytes[i...].starts(with: prefix.utf8) }
        func skip(to terminator: String) -> Int {
            let t = Array(terminator.utf8)
            var j = i
            while j + t.count <= bytes.count {
                if bytes[j..<(j + t.count)].elementsEqual(t) { return j + t.count }
                j += 1
            }
            return bytes.count
        }
        if starts("<!--") { return (nil, skip(to: "-->")) }
        if starts("<![CDATA[") {
            let end = skip(to: "]]>")
            let contentEnd = max(i + 9, end - 3)
            return (Array(bytes[(i + 9)..<min(contentEnd, bytes.count)]), end)
        }
        if starts("<?") { return (nil, skip(to: "?>")) }
        if starts("<!") { return (nil, skip(to: ">")) }
        if i + 1 >= bytes.count { return (nil, bytes.count) }
        return nil
    }

    /// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#…;` and `&#x…;` decoded.
    static func decodeEntities(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 10 else {
                result.append("&")
                rest = rest[rest.index(after: amp)...]
                continue
            }
            let entity = rest[rest.index(after: amp)..<semi]
            if let decoded = decode(entity) { result.append(decoded) } else { result += rest[amp...semi] }
            rest = rest[rest.index(after: semi)...]
        }
        return result + rest
    }

    private static func decode(_ entity: Substring) -> Character? {
        switch entity {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard entity.hasPrefix("#") else { return nil }
            let digits = entity.dropFirst()
            let value = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            return value.flatMap(Unicode.Scalar.init).map(Character.init)
        }
    }
}
