/// An `Encoder` writing one value of a document into a ``WireOutput``. Objects come out with
/// their keys sorted as `JSONEncoder`'s `.sortedKeys` sorts them: each field is written with its
/// key as the model gives it, and the fields are moved into place when the object is finished
/// (not at all when they came in order). DVCCore's wire models write through ``WireWriter``'s
/// fast path; anything this encoder does not reproduce exactly marks the document for Foundation.
final class WireByteEncoder: Encoder {
    /// A field written so far: its sort position (a model key's rank, or -1 for a named field)
    /// and where its `"key":value` bytes are.
    struct Field {
        let rank: Int
        /// The key's case index in ``WireByteEncoder/table``, or -1.
        let index: Int
        let name: String?
        let start: Int
        let end: Int
    }

    private enum Shape {
        case empty, object, array, single, written
    }

    let output: WireOutput
    /// The encoder of the enclosing value and the step from it (the coding path is built from
    /// them only when asked for).
    private let parent: WireByteEncoder?
    private let key: WireTapeDecoder.PathKey?
    var userInfo: [CodingUserInfoKey: Any] { output.userInfo }
    private var shape = Shape.empty
    private var objectStart = 0
    private var fields: [Field] = []
    private var elements = 0
    /// The key table of the model writing this object, once it wrote a field.
    private var table: WireKeyTable?

    init(_ output: WireOutput, parent: WireByteEncoder?, key: WireTapeDecoder.PathKey?) {
        self.output = output
        self.parent = parent
        self.key = key
    }

    var codingPath: [any CodingKey] {
        var path: [any CodingKey] = []
        var node: WireByteEncoder? = self
        while let current = node, let key = current.key {
            switch key {
            case .name(let name): path.append(AnyCodingKey(stringValue: name))
            case .index(let index): path.append(AnyCodingKey(intValue: index))
            case .element(let name, let index): path += [AnyCodingKey(intValue: index), AnyCodingKey(stringValue: name)]
            }
            node = current.parent
        }
        return path.reversed()
    }

    /// Starts (or, for a second keyed container, continues) an object.
    func beginObject() {
        switch shape {
        case .empty:
            shape = .object
            objectStart = output.bytes.count
            output.bytes.append(UInt8(ascii: "{"))
        case .object: break
        default: output.foundation()
        }
    }

    /// Writes field `index` of `table` (a model's key) with `body` writing its value.
    func field(_ table: WireKeyTable, _ index: Int, _ body: () throws -> Void) rethrows {
        guard shape == .object else {
            output.foundation()
            return
        }
        let start = output.bytes.count
        if !fields.isEmpty { output.bytes.append(UInt8(ascii: ",")) }
        table.quotedNames[index].withUnsafeBufferPointer { output.bytes.append(contentsOf: $0) }
        try body()
        if self.table == nil { self.table = table }
        fields.append(Field(rank: table.ranks[index], index: index, name: nil, start: fields.isEmpty ? start : start + 1, end: output.bytes.count))
    }

    /// Writes a field named `name` with `body` writing its value.
    func field(named name: String, _ body: () throws -> Void) rethrows {
        guard shape == .object else {
            output.foundation()
            return
        }
        let start = output.bytes.count
        if !fields.isEmpty { output.bytes.append(UInt8(ascii: ",")) }
        output.write(name)
        output.bytes.append(UInt8(ascii: ":"))
        try body()
        fields.append(Field(rank: -1, index: -1, name: name, start: fields.isEmpty ? start : start + 1, end: output.bytes.count))
    }

    /// Closes what the value wrote: an object's fields sorted into place, an array's bracket.
    func finish() {
        switch shape {
        case .empty, .single: output.foundation()
        case .written: break
        case .array: output.bytes.append(UInt8(ascii: "]"))
        case .object: finishObject()
        }
    }

    private func finishObject() {
        var ranked = true, ordered = true
        for (i, field) in fields.enumerated() {
            if field.rank < 0 { ranked = false }
            if i > 0, !(fields[i - 1].rank < field.rank) { ordered = false }
        }
        if !(ranked && ordered) {
            let sorted = ranked ? fields.sorted { $0.rank < $1.rank } : fields.sorted { name($0) < name($1) }
            for i in sorted.indices.dropFirst() where ranked ? sorted[i].rank == sorted[i - 1].rank : name(sorted[i]) == name(sorted[i - 1]) {
                // The same key twice: JSONEncoder keeps one of them; let it say which.
                output.foundation()
                return
            }
            let base = objectStart + 1
            let written = Array(output.bytes[base...])
            output.bytes.removeSubrange(base...)
            for (i, field) in sorted.enumerated() {
                if i > 0 { output.bytes.append(UInt8(ascii: ",")) }
                output.bytes.append(contentsOf: written[(field.start - base)..<(field.end - base)])
            }
        }
        output.bytes.append(UInt8(ascii: "}"))
    }

    /// A field's key as `.sortedKeys` compares it.
    private func name(_ field: Field) -> String {
        if let name = field.name { return name }
        return table.map { String(decoding: $0.names[field.index], as: UTF8.self) } ?? ""
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        beginObject()
        return KeyedEncodingContainer(Keyed<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if shape == .empty {
            shape = .array
            output.bytes.append(UInt8(ascii: "["))
        } else {
            output.foundation()
        }
        return Unkeyed(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        if shape == .empty { shape = .single } else { output.foundation() }
        return Single(encoder: self)
    }

    /// The elements written so far, in an array.
    fileprivate var elementCount: Int { elements }

    /// Before an array element: the comma.
    fileprivate func nextElement() -> Int {
        guard shape == .array else {
            output.foundation()
            return 0
        }
        if elements > 0 { output.bytes.append(UInt8(ascii: ",")) }
        elements += 1
        return elements - 1
    }

    /// Before a single value: refuses a second one.
    fileprivate func single() {
        guard shape == .single else {
            output.foundation()
            return
        }
        shape = .written
    }

    /// A nested container Foundation would build in place: not reproduced here.
    fileprivate func unsupported<Key: CodingKey>(_ type: Key.Type) -> KeyedEncodingContainer<Key> {
        output.foundation()
        return WireByteEncoder(WireOutput(userInfo: [:], capacity: 0), parent: nil, key: nil).container(keyedBy: type)
    }

    fileprivate func unsupported() -> any UnkeyedEncodingContainer {
        output.foundation()
        return WireByteEncoder(WireOutput(userInfo: [:], capacity: 0), parent: nil, key: nil).unkeyedContainer()
    }

    /// Scalars, shared by the three container kinds.
    fileprivate func write(_ value: String) { output.write(value) }
    fileprivate func write(_ value: Bool) { output.write(value ? "true" as StaticString : "false") }
    fileprivate func write<T: FixedWidthInteger>(integer value: T) { output.write(integer: value) }
    fileprivate func writeNil() { output.write("null" as StaticString) }

    private struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: WireByteEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        private func put(_ key: Key, _ body: () throws -> Void) rethrows { try encoder.field(named: key.stringValue, body) }

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
            try put(key) { try encoder.output.encode(value, parent: encoder, key: .name(key.stringValue)) }
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
            try element { index in try encoder.output.encode(value, parent: encoder, key: .index(index)) }
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
        mutating func encode<T: Encodable>(_ value: T) throws { try put { try encoder.output.encode(value, parent: encoder.parent, key: encoder.key) } }
    }
}
