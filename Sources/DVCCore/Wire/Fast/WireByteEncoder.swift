/// An `Encoder` writing one value of a document into a ``WireOutput``. Objects come out with
/// their keys sorted as `JSONEncoder`'s `.sortedKeys` sorts them: fields are written in the order
/// a model gives them, then moved into place when the object is finished. DVCCore's wire models
/// write through ``WireWriter``'s fast path; anything this encoder does not reproduce exactly
/// marks the document for Foundation.
final class WireByteEncoder: Encoder {
    /// A key: one of a model's coding keys (sorted by its precomputed rank), or any name.
    enum FieldName {
        case ranked(WireKeyTable, Int)
        case named(String)
    }

    /// A field written so far: its name and where its value's bytes are.
    struct Field {
        let name: FieldName
        let start: Int
        let end: Int
    }

    private enum State {
        case empty
        case object(start: Int, fields: [Field])
        case array(count: Int)
        case single(written: Bool)
    }

    let output: WireOutput
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { output.userInfo }
    private var state = State.empty

    init(_ output: WireOutput, codingPath: [any CodingKey]) {
        self.output = output
        self.codingPath = codingPath
    }

    /// Starts (or, for a second keyed container, continues) an object.
    func beginObject() {
        switch state {
        case .empty: state = .object(start: output.bytes.count, fields: [])
        case .object: break
        default: output.foundation()
        }
    }

    /// Writes one field of the current object with `body`.
    func field(_ name: FieldName, _ body: () throws -> Void) rethrows {
        guard case .object(let start, var fields) = state else {
            output.foundation()
            return
        }
        let valueStart = output.bytes.count
        try body()
        fields.append(Field(name: name, start: valueStart, end: output.bytes.count))
        state = .object(start: start, fields: fields)
    }

    /// Closes what the value wrote: an object's fields sorted into place, an array's bracket.
    func finish() {
        switch state {
        case .empty, .single(written: false):
            output.foundation()
        case .single(written: true):
            break
        case .array:
            output.bytes.append(UInt8(ascii: "]"))
        case .object(let start, let fields):
            finishObject(start: start, fields: fields)
        }
    }

    private func finishObject(start: Int, fields: [Field]) {
        let sorted: [Field]
        var allRanked = true
        for field in fields { if case .named = field.name { allRanked = false; break } }
        if allRanked {
            sorted = fields.sorted { Self.rank($0.name) < Self.rank($1.name) }
        } else {
            sorted = fields.sorted { Self.text($0.name) < Self.text($1.name) }
        }
        for i in sorted.indices.dropFirst() where allRanked ? Self.rank(sorted[i].name) == Self.rank(sorted[i - 1].name)
            : Self.text(sorted[i].name) == Self.text(sorted[i - 1].name) {
            // The same key twice: JSONEncoder keeps one of them; let it say which.
            output.foundation()
            return
        }
        let values = Array(output.bytes[start...])
        output.bytes.removeSubrange(start...)
        output.bytes.append(UInt8(ascii: "{"))
        for (i, field) in sorted.enumerated() {
            if i > 0 { output.bytes.append(UInt8(ascii: ",")) }
            switch field.name {
            case .ranked(let table, let index): table.names[index].withUnsafeBufferPointer { output.write(quoted: $0) }
            case .named(let name): output.write(name)
            }
            output.bytes.append(UInt8(ascii: ":"))
            output.bytes.append(contentsOf: values[(field.start - start)..<(field.end - start)])
        }
        output.bytes.append(UInt8(ascii: "}"))
    }

    private static func rank(_ name: FieldName) -> Int {
        if case .ranked(let table, let index) = name { return table.ranks[index] }
        return 0
    }

    private static func text(_ name: FieldName) -> String {
        switch name {
        case .ranked(let table, let index): String(decoding: table.names[index], as: UTF8.self)
        case .named(let name): name
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        beginObject()
        return KeyedEncodingContainer(Keyed<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .empty = state {
            state = .array(count: 0)
            output.bytes.append(UInt8(ascii: "["))
        } else {
            output.foundation()
        }
        return Unkeyed(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        if case .empty = state { state = .single(written: false) } else { output.foundation() }
        return Single(encoder: self)
    }

    /// The elements written so far, in an array.
    fileprivate var elementCount: Int {
        if case .array(let count) = state { return count }
        return 0
    }

    /// Before an array element: the comma.
    fileprivate func nextElement() -> Int {
        guard case .array(let count) = state else {
            output.foundation()
            return 0
        }
        if count > 0 { output.bytes.append(UInt8(ascii: ",")) }
        state = .array(count: count + 1)
        return count
    }

    /// Before a single value: refuses a second one.
    fileprivate func single() {
        guard case .single(written: false) = state else {
            output.foundation()
            return
        }
        state = .single(written: true)
    }

    /// A nested container Foundation would build in place: not reproduced here.
    fileprivate func unsupported<Key: CodingKey>(_ type: Key.Type) -> KeyedEncodingContainer<Key> {
        output.foundation()
        return WireByteEncoder(WireOutput(userInfo: [:], capacity: 0), codingPath: codingPath).container(keyedBy: type)
    }

    fileprivate func unsupported() -> any UnkeyedEncodingContainer {
        output.foundation()
        return WireByteEncoder(WireOutput(userInfo: [:], capacity: 0), codingPath: codingPath).unkeyedContainer()
    }

    /// Scalars, shared by the three container kinds.
    fileprivate func write(_ value: String) { output.write(value) }
    fileprivate func write(_ value: Bool) { output.bytes.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8)) }
    fileprivate func write<T: FixedWidthInteger>(integer value: T) { output.write(integer: value) }
    fileprivate func writeNil() { output.bytes.append(contentsOf: Array("null".utf8)) }

    private struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: WireByteEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        private func put(_ key: Key, _ body: () throws -> Void) rethrows { try encoder.field(.named(key.stringValue), body) }

        mutating func encodeNil(forKey key: Key) { put(key) { encoder.writeNil() } }
        mutating func encode(_ value: Bool, forKey key: Key) { put(key) { encoder.write(value) } }
        mutating func encode(_ value: String, forKey key: Key) { put(key) { encoder.write(value) } }
        mutating func encode(_ value: Double, forKey key: Key) { encoder.output.foundation() }
        mutating func encode(_ value: Float, forKey key: Key) { encoder.output.foundation() }
        mutating func encode(_ value: Int, forKey key: Key) { put(key) { encoder.write(integer: value) } }
        mutating func encode(_ value: Int8, forKey key: Key) { put(key) { encoder.write(integer: value) } }
        mutating func encode(_ value: Int16, forKey key: Key) { put(key) { encoder.write(integer: value) } }
        mutating func encode(_ value: Int32, forKey key: Key) { put(key) { encoder.write(integer: value) } }
        mutating func encode(_ value: Int64, forKey key: Key) { put(key) { encoder.write(integer: value) } }
        mutating func encode(_ value: UInt, forKey key: Key) { put(key) { encoder.write(integer: value) } }
        mutating func encode(_ value: UInt8, forKey key: Key) { put(key) { encoder.write(integer: value) } }
        mutating func encode(_ value: UInt16, forKey key: Key) { put(key) { encoder.write(integer: value) } }
        mutating func encode(_ value: UInt32, forKey key: Key) { put(key) { encoder.write(integer: value) } }
        mutating func encode(_ value: UInt64, forKey key: Key) { put(key) { encoder.write(integer: value) } }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try put(key) { try encoder.output.encode(value, path: codingPath + [key]) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            encoder.unsupported(keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { encoder.unsupported() }
        mutating func superEncoder() -> any Encoder { encoder.output.foundation(); return encoder }
        mutating func superEncoder(forKey key: Key) -> any Encoder { encoder.output.foundation(); return encoder }
    }

    private struct Unkeyed: UnkeyedEncodingContainer {
        let encoder: WireByteEncoder
        var count: Int { encoder.elementCount }
        var codingPath: [any CodingKey] { encoder.codingPath }

        init(encoder: WireByteEncoder) { self.encoder = encoder }

        private func element(_ body: (Int) throws -> Void) rethrows { try body(encoder.nextElement()) }

        mutating func encodeNil() { element { _ in encoder.writeNil() } }
        mutating func encode(_ value: Bool) { element { _ in encoder.write(value) } }
        mutating func encode(_ value: String) { element { _ in encoder.write(value) } }
        mutating func encode(_ value: Double) { encoder.output.foundation() }
        mutating func encode(_ value: Float) { encoder.output.foundation() }
        mutating func encode(_ value: Int) { element { _ in encoder.write(integer: value) } }
        mutating func encode(_ value: Int8) { element { _ in encoder.write(integer: value) } }
        mutating func encode(_ value: Int16) { element { _ in encoder.write(integer: value) } }
        mutating func encode(_ value: Int32) { element { _ in encoder.write(integer: value) } }
        mutating func encode(_ value: Int64) { element { _ in encoder.write(integer: value) } }
        mutating func encode(_ value: UInt) { element { _ in encoder.write(integer: value) } }
        mutating func encode(_ value: UInt8) { element { _ in encoder.write(integer: value) } }
        mutating func encode(_ value: UInt16) { element { _ in encoder.write(integer: value) } }
        mutating func encode(_ value: UInt32) { element { _ in encoder.write(integer: value) } }
        mutating func encode(_ value: UInt64) { element { _ in encoder.write(integer: value) } }
        mutating func encode<T: Encodable>(_ value: T) throws {
            try element { index in try encoder.output.encode(value, path: codingPath + [AnyCodingKey(intValue: index)]) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            encoder.unsupported(keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { encoder.unsupported() }
        mutating func superEncoder() -> any Encoder { encoder.output.foundation(); return encoder }
    }

    private struct Single: SingleValueEncodingContainer {
        let encoder: WireByteEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        private func put(_ body: () throws -> Void) rethrows {
            encoder.single()
            try body()
        }

        mutating func encodeNil() { put { encoder.writeNil() } }
        mutating func encode(_ value: Bool) { put { encoder.write(value) } }
        mutating func encode(_ value: String) { put { encoder.write(value) } }
        mutating func encode(_ value: Double) { encoder.output.foundation() }
        mutating func encode(_ value: Float) { encoder.output.foundation() }
        mutating func encode(_ value: Int) { put { encoder.write(integer: value) } }
        mutating func encode(_ value: Int8) { put { encoder.write(integer: value) } }
        mutating func encode(_ value: Int16) { put { encoder.write(integer: value) } }
        mutating func encode(_ value: Int32) { put { encoder.write(integer: value) } }
        mutating func encode(_ value: Int64) { put { encoder.write(integer: value) } }
        mutating func encode(_ value: UInt) { put { encoder.write(integer: value) } }
        mutating func encode(_ value: UInt8) { put { encoder.write(integer: value) } }
        mutating func encode(_ value: UInt16) { put { encoder.write(integer: value) } }
        mutating func encode(_ value: UInt32) { put { encoder.write(integer: value) } }
        mutating func encode(_ value: UInt64) { put { encoder.write(integer: value) } }
        mutating func encode<T: Encodable>(_ value: T) throws { try put { try encoder.output.encode(value, path: codingPath) } }
    }
}
