import Foundation

/// What one fast decode shares across its nested decoders: the tape, the settings models read,
/// and whether the fast path met something only Foundation can answer for.
final class WireTapeSession {
    let tape: WireTape
    /// The caller's `userInfo`, as given.
    private let info: [CodingUserInfoKey: any Sendable]
    let strictness: WireStrictness
    let log: WireVariantLog?
    let mapping: CodeMapping?
    /// Set when the fast decoder met a case it does not reproduce (a number that is not a plain
    /// integer, an error Foundation words, a Foundation-special type): the caller then decodes
    /// the whole document with `JSONDecoder` and discards this attempt.
    @exclusivity(unchecked) var needsFoundation = false

    /// The key tables this document has used.
    @exclusivity(unchecked) private var tables = WireKeyTables()

    /// The `userInfo` a `Decoder` shows, built only when a type other than DVCCore's models asks
    /// for it (with ``log`` as its warning log).
    private(set) lazy var userInfo: [CodingUserInfoKey: Any] = {
        var userInfo: [CodingUserInfoKey: Any] = info
        if let log { userInfo[.dvcWireVariants] = log }
        return userInfo
    }()

    /// The key table of `type`, without the shared cache's lock after the first use.
    func table<Key: CodingKey & CaseIterable>(for type: Key.Type) -> WireKeyTable { tables.table(for: type) }

    /// A session over `tape`; its warnings go to `log`, whatever `userInfo` names.
    init(tape: WireTape, userInfo: [CodingUserInfoKey: any Sendable], log: WireVariantLog?) {
        self.tape = tape
        info = userInfo
        strictness = (userInfo[.dvcWireStrictness] as? WireStrictness) ?? .lenient
        self.log = log
        mapping = userInfo[.dvcCodeMapping] as? CodeMapping
    }
}

/// Thrown inside a fast decode that must be redone by Foundation (never escapes ``PortalJSON``).
struct WireNeedsFoundation: Error {}

/// A `Decoder` over one value of a ``WireTape``. DVCCore's wire models read it through
/// ``WireReader``'s fast path; anything else decodes through the generic containers below,
/// which hand every case they do not reproduce exactly to Foundation.
final class WireTapeDecoder: Decoder {
    /// One step of a coding path (see ``WirePathStep``).
    typealias PathKey = WirePathStep

    let session: WireTapeSession
    let token: Int
    /// The decoder of the enclosing value and the step from it: the coding path is built from
    /// them only when asked for (it names defects; most values have none).
    private let parent: WireTapeDecoder?
    private let key: PathKey?
    var userInfo: [CodingUserInfoKey: Any] { session.userInfo }

    init(_ session: WireTapeSession, token: Int, parent: WireTapeDecoder?, key: PathKey?) {
        self.session = session
        self.token = token
        self.parent = parent
        self.key = key
    }

    /// A decoder for token `index`, reached from this one by `key`.
    func child(_ index: Int, _ key: PathKey) -> WireTapeDecoder { WireTapeDecoder(session, token: index, parent: self, key: key) }

    var codingPath: [any CodingKey] {
        WirePathStep.codingPath(innermostFirst: sequence(first: self, next: \.parent).lazy.compactMap(\.key))
    }

    /// ``wirePath(_:)`` of the coding path followed by `name`, rendered from the steps directly.
    func wirePath(appending name: String) -> String {
        WirePathStep.wirePath(innermostFirst: sequence(first: self, next: \.parent).lazy.compactMap(\.key), appending: name)
    }

    /// `decoder` when it is a fast decoder: opening the existential and comparing its type is a
    /// pointer comparison, where `as?` asks the runtime (a few hundred instructions per object).
    @inline(__always)
    static func unwrap(_ decoder: any Decoder) -> WireTapeDecoder? {
        func open<D: Decoder>(_ decoder: D) -> WireTapeDecoder? {
            D.self == WireTapeDecoder.self ? unsafeBitCast(decoder, to: WireTapeDecoder.self) : nil
        }
        return open(decoder)
    }

    var tape: WireTape { session.tape }
    var kind: WireTape.Kind { tape.tokens[token].kind }

    /// Marks the decode for Foundation and returns the error to throw.
    func foundation() -> WireNeedsFoundation {
        session.needsFoundation = true
        return WireNeedsFoundation()
    }

    /// Decodes a `T` from token `index`, reached from this decoder by `key`.
    func decode<T: Decodable>(_ type: T.Type, at index: Int, key: PathKey) throws -> T {
        try child(index, key).decode(type)
    }

    /// Decodes this decoder's own value as a `T`.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let index = token
        if Self.isFoundationSpecial(type) { throw foundation() }
        let tokens = tape.tokens
        switch tokens[index].kind {
        case .string where T.self == String.self:
            if let text = tape.string(index) as? T { return text }
        case .literalTrue where T.self == Bool.self, .literalFalse where T.self == Bool.self:
            if let flag = (tokens[index].kind == .literalTrue) as? T { return flag }
        default: break
        }
        return try T(from: self)
    }

    /// The value at `token` as a ``WireValue``, built straight from the tape; `nil` (and the
    /// document marked for Foundation) for a number that is not a plain integer or an object
    /// with a repeated name.
    func wireValue(_ token: Int) -> WireValue? {
        let tokens = tape.tokens
        switch tokens[token].kind {
        case .string: return tape.string(token).map(WireValue.string)
        case .literalTrue: return .bool(true)
        case .literalFalse: return .bool(false)
        case .null: return .null
        case .number:
            guard let number = tape.integer(token) else { session.needsFoundation = true; return nil }
            return .integer(number)
        case .array:
            var elements: [WireValue] = []
            var cursor = token + 1
            for _ in 0..<Int(tokens[token].count) {
                guard let element = wireValue(cursor) else { return nil }
                elements.append(element)
                cursor = tape.next(after: cursor)
            }
            return .array(elements)
        case .object:
            var members: [String: WireValue] = [:]
            var cursor = token + 1
            for _ in 0..<Int(tokens[token].count) {
                guard let name = tape.string(cursor), let value = wireValue(cursor + 1) else { return nil }
                guard members.updateValue(value, forKey: name) == nil else { session.needsFoundation = true; return nil }
                cursor = tape.next(after: cursor + 1)
            }
            return .object(members)
        }
    }

    /// Types Foundation's coders treat specially (dates, data, URLs, decimals).
    static func isFoundationSpecial(_ type: Any.Type) -> Bool {
        type == Date.self || type == Data.self || type == URL.self || type == Decimal.self
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard kind == .object else { throw foundation() }
        return KeyedDecodingContainer(try Keyed<Key>(self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard kind == .array else { throw foundation() }
        return Unkeyed(self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(self, token: token) }

    /// Reads scalars at one token, for single-value and the other containers' scalar calls.
    struct Single: SingleValueDecodingContainer {
        let decoder: WireTapeDecoder
        let token: Int
        var codingPath: [any CodingKey] { decoder.codingPath }

        init(_ decoder: WireTapeDecoder, token: Int) {
            self.decoder = decoder
            self.token = token
        }

        private var tape: WireTape { decoder.tape }

        func decodeNil() -> Bool { tape.tokens[token].kind == .null }

        func decode(_ type: Bool.Type) throws -> Bool {
            switch tape.tokens[token].kind {
            case .literalTrue: return true
            case .literalFalse: return false
            default: throw decoder.foundation()
            }
        }

        func decode(_ type: String.Type) throws -> String {
            guard let text = tape.string(token) else { throw decoder.foundation() }
            return text
        }

        func decode(_ type: Double.Type) throws -> Double { throw decoder.foundation() }
        func decode(_ type: Float.Type) throws -> Float { throw decoder.foundation() }
        func decode(_ type: Int.Type) throws -> Int { try integer(type) }
        func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
        func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
        func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
        func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
        func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

        /// A plain integer that fits `T`; anything else is Foundation's to answer.
        private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
            guard let value = tape.integer(token), let exact = T(exactly: value) else { throw decoder.foundation() }
            return exact
        }

        func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decode(type) }
    }

    /// An object's members by name. Duplicate names are Foundation's to answer.
    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: WireTapeDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }
        /// Each member's name and value token, in document order.
        private let members: [(name: String, token: Int)]
        private let index: [String: Int]

        init(_ decoder: WireTapeDecoder) throws {
            self.decoder = decoder
            let tape = decoder.tape
            var members: [(name: String, token: Int)] = []
            var index: [String: Int] = [:]
            var cursor = decoder.token + 1
            for _ in 0..<Int(tape.tokens[decoder.token].count) {
                guard let name = tape.string(cursor) else { throw decoder.foundation() }
                guard index.updateValue(cursor + 1, forKey: name) == nil else { throw decoder.foundation() }
                members.append((name, cursor + 1))
                cursor = tape.next(after: cursor + 1)
            }
            self.members = members
            self.index = index
        }

        var allKeys: [Key] { members.compactMap { Key(stringValue: $0.name) } }
        func contains(_ key: Key) -> Bool { index[key.stringValue] != nil }

        private func token(_ key: Key) throws -> Int {
            guard let token = index[key.stringValue] else { throw decoder.foundation() }
            return token
        }

        private func child(_ key: Key) throws -> WireTapeDecoder { decoder.child(try token(key), .name(key.stringValue)) }

        private func single(_ key: Key) throws -> Single {
            let child = try child(key)
            return Single(child, token: child.token)
        }

        func decodeNil(forKey key: Key) throws -> Bool { try single(key).decodeNil() }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try single(key).decode(type) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try single(key).decode(type) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { throw decoder.foundation() }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { throw decoder.foundation() }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try single(key).decode(type) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try single(key).decode(type) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try single(key).decode(type) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try single(key).decode(type) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try single(key).decode(type) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try single(key).decode(type) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try single(key).decode(type) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try single(key).decode(type) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try single(key).decode(type) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try single(key).decode(type) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try decoder.decode(type, at: try token(key), key: .name(key.stringValue))
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try child(key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try child(key).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { throw decoder.foundation() }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw decoder.foundation() }
    }

    /// An array's elements in order.
    struct Unkeyed: UnkeyedDecodingContainer {
        let decoder: WireTapeDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }
        let count: Int?
        private(set) var currentIndex = 0
        private var cursor: Int

        init(_ decoder: WireTapeDecoder) {
            self.decoder = decoder
            count = Int(decoder.tape.tokens[decoder.token].count)
            cursor = decoder.token + 1
        }

        var isAtEnd: Bool { currentIndex >= (count ?? 0) }

        /// Reads the next element with `body`, stepping past it only when that succeeds (as
        /// Foundation's container does: a failed element can be read again, or skipped).
        private mutating func next<T>(_ body: (WireTapeDecoder) throws -> T) throws -> T {
            guard !isAtEnd else { throw decoder.foundation() }
            let element = decoder.child(cursor, .index(currentIndex))
            let value = try body(element)
            cursor = decoder.tape.next(after: cursor)
            currentIndex += 1
            return value
        }

        private mutating func scalar<T: Decodable>(_ type: T.Type) throws -> T {
            try next { try Single($0, token: $0.token).decode(type) }
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd else { throw decoder.foundation() }
            guard decoder.tape.tokens[cursor].kind == .null else { return false }
            return try next { _ in true }
        }

        mutating func decode(_ type: Bool.Type) throws -> Bool { try next { try Single($0, token: $0.token).decode(type) } }
        mutating func decode(_ type: String.Type) throws -> String { try next { try Single($0, token: $0.token).decode(type) } }
        mutating func decode(_ type: Double.Type) throws -> Double { throw decoder.foundation() }
        mutating func decode(_ type: Float.Type) throws -> Float { throw decoder.foundation() }
        mutating func decode(_ type: Int.Type) throws -> Int { try scalar(type) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try scalar(type) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try scalar(type) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try scalar(type) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try scalar(type) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try scalar(type) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try scalar(type) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try scalar(type) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try scalar(type) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try scalar(type) }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try next { try $0.decode(type) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next { try $0.container(keyedBy: type) }
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try next { try $0.unkeyedContainer() }
        }

        mutating func superDecoder() throws -> any Decoder { throw decoder.foundation() }
    }
}
