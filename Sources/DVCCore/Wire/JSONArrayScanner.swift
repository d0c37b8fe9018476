import Foundation

/// Splits a large JSON batch into its elements without holding the batch in memory: bytes are
/// pushed in as they arrive (any chunk size), each complete element is handed out as soon as it
/// closes. It accepts either a bare array `[{…},{…}]` or a portal envelope
/// `{"madonvi":…, "data":[{…},{…}], …}`, whose other top-level values it keeps (small, raw JSON).
///
/// DVCCore does no I/O: the caller reads the file or socket and feeds the bytes.
public struct JSONArrayScanner: Sendable {
    /// The shape of the document, known after its first byte.
    public enum Layout: Sendable, Hashable {
        /// Nothing read yet.
        case unknown
        /// `[ … ]`.
        case bareArray
        /// `{ …, "data": [ … ] }`.
        case envelope
    }

    /// A document that is not a JSON array or envelope of the expected shape.
    public struct FormatError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public let message: String
        /// The byte offset in the input.
        public let offset: Int
        /// `message (byte offset N)`.
        public var description: String { "\(message) (byte offset \(offset))" }
    }

    /// The shape seen so far.
    public private(set) var layout: Layout = .unknown
    /// The raw JSON of each top-level envelope value other than the element array (at most 4 KiB each).
    public private(set) var envelope: [String: [UInt8]] = [:]
    /// The elements handed out so far.
    public private(set) var elementCount = 0
    /// The largest element accepted, in bytes.
    public let maximumElementSize: Int
    /// The envelope key whose array holds the elements.
    public let elementsKey: String

    /// For each top-level key of the envelope, its first value (a key may repeat, or a broken
    /// envelope repeat one) and how many elements had been read before it.
    private(set) var firstEnvelopeValues: [String: (raw: [UInt8], elementsBefore: Int)] = [:]
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var elementDepth = -1
    private var element: [UInt8] = []
    private var inElement = false
    private var readingKey = false
    private var keyBuffer: [UInt8] = []
    private var currentKey: String?
    private var expectingValue = false
    private var valueBuffer: [UInt8] = []
    private var inTopValue = false
    private var finished = false
    private var offset = 0
    private var sawElementsArray = false

    /// Creates a scanner for elements of at most `maximumElementSize` bytes.
    public init(maximumElementSize: Int = 16 << 20, elementsKey: String = "data") {
        self.maximumElementSize = maximumElementSize
        self.elementsKey = elementsKey
    }

    /// Consumes `bytes`, calling `onElement` with the raw JSON of every element completed by them.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, onElement: ([UInt8]) throws -> Void) throws {
        var next = 0
        while next < bytes.count {
            // Inside an object or array element, below its first level, only strings and brackets
            // matter until the bracket that closes it: those bytes are taken as one run.
            if inElement && depth > elementDepth && !inTopValue && !readingKey {
                let end = deepRunEnd(bytes, from: next, limit: min(bytes.count, next + (maximumElementSize - element.count)))
                if end > next {
                    element.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[next..<end]))
                    offset += end - next
                    next = end
                    continue
                }
            }
            // Inside a string of an element, the bytes up to the next quote or backslash only need
            // copying: they are taken as one run (within the element size limit, checked per byte
            // below when a run would cross it).
            if inString && inElement && !escaped && !readingKey && !inTopValue {
                var end = Self.plainRunEnd(bytes, from: next)
                while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
                if end > next, element.count + (end - next) <= maximumElementSize {
                    element.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[next..<end]))
                    offset += end - next
                    next = end
                    continue
                }
            }
            let byte = bytes[next]
            next += 1
            offset += 1
            if offset <= 3 && layout == .unknown && (byte == 0xEF || byte == 0xBB || byte == 0xBF) { continue }  // UTF-8 BOM
            if finished {
                if Self.isWhitespace(byte) { continue }
                throw FormatError(message: "content after the end of the JSON document", offset: offset - 1)
            }
            if inElement {
                element.append(byte)
                if element.count > maximumElementSize {
                    throw FormatError(message: "element \(elementCount) is larger than \(maximumElementSize) bytes", offset: offset - 1)
                }
            } else if inTopValue, valueBuffer.count < 4_096 {
                valueBuffer.append(byte)
            }
            if inString {
                if escaped { escaped = false }
                else if byte == UInt8(ascii: "\\") { escaped = true }
                else if byte == UInt8(ascii: "\"") { inString = false; readingKey = false }
                else if readingKey { keyBuffer.append(byte) }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                if depth == elementDepth && !inElement {
                    startElement(byte)
                } else if depth == 1 && layout == .envelope && !inTopValue && !inElement {
                    if expectingValue { startTopValue(byte) } else { readingKey = true; keyBuffer.removeAll(keepingCapacity: true) }
                }
            case UInt8(ascii: ":"):
                if depth == 1 && layout == .envelope && !inTopValue {
                    currentKey = String(decoding: keyBuffer, as: UTF8.self)
                    expectingValue = true
                }
            case UInt8(ascii: ","):
                if inElement && depth == elementDepth {
                    element.removeLast()
                    try emit(onElement)
                }
                if inTopValue && depth == 1 {
                    valueBuffer.removeLast()
                    storeTopValue()
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if layout == .unknown {
                    layout = byte == UInt8(ascii: "[") ? .bareArray : .envelope
                    if layout == .bareArray { elementDepth = 1 }
                    depth = 1
                    continue
                }
                if depth == elementDepth && !inElement {
                    startElement(byte)
                } else if depth == 1 && layout == .envelope && expectingValue && !inTopValue {
                    expectingValue = false
                    if currentKey == elementsKey {
                        guard byte == UInt8(ascii: "[") else {
                            throw FormatError(message: "`\(elementsKey)` must be an array", offset: offset - 1)
                        }
                        elementDepth = 2
                        sawElementsArray = true
                    } else {
                        startTopValue(byte)
                    }
                }
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth < 0 { throw FormatError(message: "unbalanced \(Character(Unicode.Scalar(byte)))", offset: offset - 1) }
                if inElement {
                    if depth == elementDepth, let first = element.first, first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
                        try emit(onElement)
                    } else if depth == elementDepth - 1 {
                        element.removeLast()
                        try emit(onElement)
                    }
                }
                if inTopValue {
                    if depth == 1, let first = valueBuffer.first, first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
                        storeTopValue()
                    } else if depth == 0 {
                        valueBuffer.removeLast()
                        storeTopValue()
                    }
                }
                if depth == elementDepth - 1 { elementDepth = -1 }
                if depth == 0 { finished = true }
            default:
                if Self.isWhitespace(byte) { continue }
                if layout == .unknown {
                    throw FormatError(message: "expected a JSON array or an object with a `\(elementsKey)` array", offset: offset - 1)
                }
                if depth == elementDepth && !inElement {
                    startElement(byte)
                } else if depth == 1 && layout == .envelope && expectingValue && !inTopValue {
                    startTopValue(byte)
                }
            }
        }
    }

    /// Scans from `start` (before `limit`) inside an element nested deeper than its own level,
    /// following strings, escapes and depth, and stops before the bracket that would bring the
    /// depth back to the element's level (the byte-by-byte path handles it and what follows).
    private mutating func deepRunEnd(_ bytes: UnsafeRawBufferPointer, from start: Int, limit: Int) -> Int {
        var index = start, depth = depth, inString = inString, escaped = escaped
        let closing = elementDepth + 1
        while index < limit {
            if inString {
                if escaped {
                    escaped = false
                    index += 1
                    continue
                }
                index = min(Self.plainRunEnd(UnsafeRawBufferPointer(rebasing: bytes[..<limit]), from: index), limit)
                while index < limit {
                    let byte = bytes[index]
                    index += 1
                    if byte == UInt8(ascii: "\\") {
                        escaped = true
                        break
                    }
                    if byte == UInt8(ascii: "\"") {
                        inString = false
                        break
                    }
                }
                continue
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                if depth == closing { break }
                depth -= 1
            }
            index += 1
        }
        self.depth = depth
        self.inString = inString
        self.escaped = escaped
        return index
    }

    /// Where the run of bytes from `start` that holds no quote and no backslash ends: the first
    /// quote or backslash, or (within the last seven bytes) where the caller goes on byte by byte.
    static func plainRunEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        var index = start
        while index + 8 <= bytes.count {
            let marked = JSONWords.quotesOrBackslashes(JSONWords.load(base, index))
            guard marked == 0 else { return index + JSONWords.firstMarked(marked) }
            index += 8
        }
        return index
    }

    /// Checks that the document ended properly.
    public func finish() throws {
        guard finished else { throw FormatError(message: "the JSON document ends early", offset: offset) }
        if layout == .envelope && !sawElementsArray {
            throw FormatError(message: "the object has no `\(elementsKey)` array", offset: offset)
        }
    }

    /// The envelope's top-level string value for `key` (e.g. `madonvi`), if present.
    public func envelopeString(_ key: String) -> String? {
        envelope[key].flatMap(Self.string)
    }

    /// The first value of the envelope's `key` as a string (`nil` when it is not one), and how
    /// many elements came before it; `nil` until it has been read.
    func firstEnvelopeString(_ key: String) -> (text: String?, elementsBefore: Int)? {
        firstEnvelopeValues[key].map { (Self.string($0.raw), $0.elementsBefore) }
    }

    private static func string(_ raw: [UInt8]) -> String? {
        try? JSONDecoder().decode(String.self, from: Data(raw))
    }

    private mutating func startElement(_ byte: UInt8) {
        inElement = true
        element.removeAll(keepingCapacity: true)
        element.append(byte)
    }

    private mutating func startTopValue(_ byte: UInt8) {
        inTopValue = true
        expectingValue = false
        valueBuffer.removeAll(keepingCapacity: true)
        valueBuffer.append(byte)
    }

    private mutating func storeTopValue() {
        while let last = valueBuffer.last, Self.isWhitespace(last) { valueBuffer.removeLast() }
        if let key = currentKey {
            envelope[key] = valueBuffer
            if firstEnvelopeValues[key] == nil { firstEnvelopeValues[key] = (valueBuffer, elementCount) }
        }
        inTopValue = false
        currentKey = nil
    }

    private mutating func emit(_ onElement: ([UInt8]) throws -> Void) throws {
        while let last = element.last, Self.isWhitespace(last) { element.removeLast() }
        inElement = false
        guard !element.isEmpty else { return }
        elementCount += 1
        try onElement(element)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
