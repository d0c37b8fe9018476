/// An `Encoder` writing one value of a document into a ``WireOutput``. Objects come out with
/// their keys sorted as `JSONEncoder`'s `.sortedKeys` sorts them: each field is written with its
/// key, in the order the model gives it, and the fields are moved into place when the object is
/// finished — by their keys' precomputed ranks for a model's own keys (a bucket per rank, no
/// comparisons), by name otherwise. DVCCore's wire models write through ``WireWriter``'s fast
/// path; anything this encoder does not reproduce exactly marks the document for Foundation.
/// Encoders are reused, one per nesting depth (``WireOutput/encode(_:parent:key:)``).
final class WireByteEncoder: Encoder {
    private enum Shape {
        case empty, object, array, single, written
    }

    let output: WireOutput
    /// The encoder of the enclosing value and the step from it (the coding path is built from
    /// them only when asked for).
    private(set) var parent: WireByteEncoder?
    private(set) var key: WirePathStep?
    var userInfo: [CodingUserInfoKey: Any] { output.userInfo }
    @exclusivity(unchecked) private var shape = Shape.empty
    /// Where the object's bytes start: each field is written as `,"key":value`.
    @exclusivity(unchecked) private var objectStart = 0
    /// The model's key table, when its own keys are written.
    @exclusivity(unchecked) private var table: WireKeyTable?
    /// Per rank of `table`: where that field's bytes start and end (-1: not written).
    @exclusivity(unchecked) private var slots: [Int] = []
    /// Whether the ranked fields came in rank order so far, and the last rank written.
    @exclusivity(unchecked) private var inOrder = true
    @exclusivity(unchecked) private var lastRank = -1
    /// Fields written by name (other keys): their names and byte ranges.
    @exclusivity(unchecked) private var named: [(name: String, start: Int, end: Int)] = []
    @exclusivity(unchecked) private var elements = 0

    init(_ output: WireOutput, parent: WireByteEncoder?, key: WirePathStep?) {
        self.output = output
        self.parent = parent
        self.key = key
    }

    /// Makes this encoder ready for another value.
    func reset(parent: WireByteEncoder?, key: WirePathStep?) {
        self.parent = parent
        self.key = key
        shape = .empty
        table = nil
        inOrder = true
        lastRank = -1
        if !named.isEmpty { named.removeAll(keepingCapacity: true) }
        elements = 0
    }

    var codingPath: [any CodingKey] {
        WirePathStep.codingPath(innermostFirst: sequence(first: self, next: \.parent).lazy.compactMap(\.key))
    }

    /// `encoder` when it is a fast encoder: opening the existential and comparing its type is a
    /// pointer comparison, where `as?` asks the runtime (a few hundred instructions per object).
    @inline(__always)
    static func unwrap(_ encoder: any Encoder) -> WireByteEncoder? {
        func open<E: Encoder>(_ encoder: E) -> WireByteEncoder? {
            E.self == WireByteEncoder.self ? unsafeBitCast(encoder, to: WireByteEncoder.self) : nil
        }
        return open(encoder)
    }

    /// Starts (or, for a second keyed container, continues) an object.
    func beginObject() {
        switch shape {
        case .empty:
            shape = .object
            objectStart = output.bytes.count
        case .object: break
        default: output.foundation()
        }
    }

    /// Starts field `index` of `table` (a model's key): writes `,"key":` and returns where the
    /// field starts, or `nil` when the field cannot be written here. The value follows, then
    /// ``endField(_:_:start:)``.
    @inline(__always)
    func beginField(_ table: WireKeyTable, _ index: Int) -> Int? {
        guard shape == .object else {
            output.foundation()
            return nil
        }
        if self.table !== table {
            guard self.table == nil else {
                output.foundation()
                return nil
            }
            self.table = table
            if slots.count < table.count * 2 { slots = [Int](repeating: -1, count: table.count * 2) }
            slots.withUnsafeMutableBufferPointer { $0.update(repeating: -1) }
        }
        let start = output.bytes.count
        output.bytes.append(UInt8(ascii: ","))
        output.bytes.appendBytes(table.quotedName(index))
        return start
    }

    /// Ends the field begun at `start`.
    @inline(__always)
    func endField(_ table: WireKeyTable, _ index: Int, start: Int) {
        let rank = table.rank(index)
        guard slots[rank * 2] < 0 else {
            // The same key twice: JSONEncoder keeps one of them; let it say which.
            output.foundation()
            return
        }
        slots[rank * 2] = start
        slots[rank * 2 + 1] = output.bytes.count
        if rank < lastRank { inOrder = false }
        lastRank = rank
    }

    /// Writes field `index` of `table` with `body` writing its value.
    @inline(__always)
    func field(_ table: WireKeyTable, _ index: Int, _ body: () throws -> Void) rethrows {
        guard let start = beginField(table, index) else { return }
        try body()
        endField(table, index, start: start)
    }

    /// Writes a field named `name` with `body` writing its value.
    func field(named name: String, _ body: () throws -> Void) rethrows {
        guard shape == .object else {
            output.foundation()
            return
        }
        let start = output.bytes.count
        output.bytes.append(UInt8(ascii: ","))
        output.write(name)
        output.bytes.append(UInt8(ascii: ":"))
        try body()
        named.append((name, start, output.bytes.count))
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
        if output.bytes.count == objectStart {
            output.write("{}" as StaticString)
            return
        }
        if !named.isEmpty {
            sortByName()
        } else if !inOrder, let table {
            // Every field is `,"key":value`: laid out again by rank, the object keeps its length.
            output.reorder(from: objectStart) { emit in
                for rank in 0..<table.count where slots[rank * 2] >= 0 { emit(slots[rank * 2], slots[rank * 2 + 1]) }
            }
        }
        output.bytes[objectStart] = UInt8(ascii: "{")
        output.bytes.append(UInt8(ascii: "}"))
    }

    /// Objects with keys other than a model's: every field sorted by name.
    private func sortByName() {
        var all = named
        if let table {
            for index in 0..<table.count {
                let rank = table.rank(index)
                if slots[rank * 2] >= 0 { all.append((String(decoding: table.names[index], as: UTF8.self), slots[rank * 2], slots[rank * 2 + 1])) }
            }
        }
        all.sort { $0.name < $1.name }
        for i in all.indices.dropFirst() where all[i].name == all[i - 1].name {
            output.foundation()
            return
        }
        output.reorder(from: objectStart) { emit in
            for field in all { emit(field.start, field.end) }
        }
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
        var count: Int { encoder.elements }
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
