/// `Data` appears in this file's public API (the document checked).
public import Foundation

/// Hard bounds on a JSON document, checked in one pass over its bytes before anything is decoded
/// (giới hạn dữ liệu vào), so that no input — however deep, long or wide — reaches a decoder that
/// could exhaust the stack or memory. A document over a bound is refused with a
/// `DecodingError.dataCorrupted` that names the bound, its value and the byte offset.
public struct JSONLimits: Sendable, Hashable {
    /// The largest document, in bytes (default 64 MiB).
    public var maximumBytes: Int
    /// The deepest nesting of objects and arrays (default 32; the portal's deepest message nests 4).
    public var maximumDepth: Int
    /// The longest string, in bytes as written (default 16 MiB: an inline base64 file fits).
    public var maximumStringBytes: Int
    /// The most elements of one array (default 1,000,000).
    public var maximumArrayLength: Int

    /// Creates limits.
    public init(maximumBytes: Int = 64 << 20, maximumDepth: Int = 32, maximumStringBytes: Int = 16 << 20, maximumArrayLength: Int = 1_000_000) {
        self.maximumBytes = maximumBytes
        self.maximumDepth = maximumDepth
        self.maximumStringBytes = maximumStringBytes
        self.maximumArrayLength = maximumArrayLength
    }

    /// The defaults.
    public static let standard = JSONLimits()

    /// Throws `DecodingError.dataCorrupted` naming the first bound `data` exceeds.
    public func check(_ data: Data) throws {
        if data.count > maximumBytes { throw Self.refusal("the document has \(data.count) bytes; the limit is \(maximumBytes) (maximumBytes)", 0) }
        if let (message, offset) = data.withUnsafeBytes({ scan($0.bindMemory(to: UInt8.self)) }) { throw Self.refusal(message, offset) }
    }

    /// Throws `DecodingError.dataCorrupted` naming the first bound `bytes` exceed.
    func check(_ bytes: [UInt8]) throws {
        if bytes.count > maximumBytes { throw Self.refusal("the document has \(bytes.count) bytes; the limit is \(maximumBytes) (maximumBytes)", 0) }
        if let (message, offset) = bytes.withUnsafeBufferPointer({ scan($0) }) { throw Self.refusal(message, offset) }
    }

    private static func refusal(_ message: String, _ offset: Int) -> DecodingError {
        DecodingError.dataCorrupted(DecodingError.Context(codingPath: [], debugDescription: "JSON limit: \(message), at byte \(offset)"))
    }

    /// The first bound exceeded and where, or `nil`.
    private func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> (String, Int)? {
        var depth = 0
        // Per open container: whether it is an array, and its commas so far.
        var arrays: [Bool] = []
        var commas: [Int] = []
        var inString = false, escaped = false
        var stringStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                if inString, index - stringStart >= maximumStringBytes {
                    return ("a string is longer than \(maximumStringBytes) bytes (maximumStringBytes)", stringStart)
                }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                stringStart = index + 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth > maximumDepth { return ("nesting deeper than \(maximumDepth) (maximumDepth)", index) }
                arrays.append(byte == UInt8(ascii: "["))
                commas.append(0)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth > 0 {
                    depth -= 1
                    arrays.removeLast()
                    commas.removeLast()
                }
            case UInt8(ascii: ","):
                if let isArray = arrays.last, isArray {
                    commas[commas.count - 1] += 1
                    if commas[commas.count - 1] >= maximumArrayLength {
                        return ("an array has more than \(maximumArrayLength) elements (maximumArrayLength)", index)
                    }
                }
            default:
                break
            }
            index += 1
        }
        return nil
    }
}

extension JSONLimits {
    /// The top-level JSON object of `data`, or `nil` when it is not one or exceeds these limits.
    public func jsonObject(_ data: Data) -> [String: Any]? {
        guard (try? check(data)) != nil else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// Decodes `type` with `decoder` after checking `data` against these limits.
    public func decode<T: Decodable>(_ type: T.Type, from data: Data, with decoder: JSONDecoder = JSONDecoder()) throws -> T {
        try check(data)
        return try decoder.decode(type, from: data)
    }
}
