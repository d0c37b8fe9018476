/// Where a ``WireReader`` reads its object from: a Foundation keyed container, or a token of the
/// fast decoder's ``WireTape``.
enum WireReaderSource {
    case container(KeyedDecodingContainer<AnyCodingKey>)
    case tape(WireTapeObject)
}

/// One object of a ``WireTape`` as a model reads it: each of the model's keys mapped once to its
/// value's token, so that every field is found without a string comparison.
struct WireTapeObject {
    let decoder: WireTapeDecoder
    let table: WireKeyTable
    /// Per case of the model's keys (in `allCases` order): the value's token, or -1.
    var entries: [Int32]
    /// The members whose names are not the model's keys (nor another letter case of one).
    var others: [(name: String, token: Int)] = []

    var tape: WireTape { decoder.tape }
    var session: WireTapeSession { decoder.session }

    /// The value token of `key` (sent in the standard's spelling or, once mapped, another letter case).
    func entry(_ key: some CodingKey) -> Int? {
        let token = entries[table.index(of: key)]
        return token >= 0 ? Int(token) : nil
    }

    func kind(_ token: Int) -> WireTape.Kind { tape.tokens[token].kind }

    /// Marks the document for Foundation (see ``WireTapeSession/needsFoundation``).
    func foundation() { session.needsFoundation = true }

    /// Reads the object at `decoder`'s token: the model's keys (exact spelling) into `entries`, the
    /// others returned in document order. Duplicate names are Foundation's to answer.
    static func read<Key: CodingKey & CaseIterable>(_ decoder: WireTapeDecoder, keys: Key.Type) throws -> (WireTapeObject, others: [(name: String, token: Int)]) {
        guard decoder.kind == .object else { throw decoder.foundation() }
        let tape = decoder.tape, table = WireKeyTable.table(for: Key.self)
        var entries = [Int32](repeating: -1, count: table.names.count)
        var others: [(name: String, token: Int)] = []
        var cursor = decoder.token + 1
        for _ in 0..<Int(tape.tokens[decoder.token].count) {
            let value = cursor + 1
            var index = tape.withKeyBytes(cursor) { table.index(of: $0) } ?? nil
            if index == nil {
                guard let name = tape.string(cursor) else { throw decoder.foundation() }
                if let key = Key(stringValue: name) { index = table.index(of: key) } else { others.append((name, value)) }
            }
            if let index {
                guard entries[index] < 0 else { throw decoder.foundation() }
                entries[index] = Int32(value)
            }
            cursor = tape.next(after: value)
        }
        if others.count > 1, Set(others.map(\.name)).count != others.count { throw decoder.foundation() }
        return (WireTapeObject(decoder: decoder, table: table, entries: entries), others)
    }

    /// The value of member `name`, one the model does not know.
    func otherValue(_ name: String) -> WireValue? {
        others.first { $0.name == name }.flatMap { wireValue($0.token) }
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
            guard let number = tape.integer(token) else { foundation(); return nil }
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
                guard members.updateValue(value, forKey: name) == nil else { foundation(); return nil }
                cursor = tape.next(after: cursor + 1)
            }
            return .object(members)
        }
    }
}

/// ``WireReader``'s accessors over a tape: each reproduces what the same call over Foundation's
/// container records and returns, and marks the document for Foundation where it cannot.
extension WireReader {
    private var object: WireTapeObject? {
        if case .tape(let object) = source { return object }
        return nil
    }

    /// `sentString` over the tape.
    mutating func tapeString(_ key: Key) -> String? {
        guard let object, let token = object.entry(key) else { return nil }
        switch object.kind(token) {
        case .string:
            return object.tape.string(token)
        case .null:
            variant(key, .wireNullForText, "`\(key.stringValue)` is null; the standard writes \"\" or leaves it out")
        case .number:
            guard let number = object.tape.integer(token) else {
                object.foundation()
                return nil
            }
            variant(key, .wireNumberForText, "`\(key.stringValue)` is the JSON number \(number); the standard writes it as the string \"\(number)\"")
            return String(number)
        case .literalTrue, .literalFalse:
            let flag = object.kind(token) == .literalTrue
            variant(key, .wireBooleanForText, "`\(key.stringValue)` is the JSON boolean \(flag); the standard writes \"\(flag ? "True" : "False")\"")
            return flag ? "True" : "False"
        case .object, .array:
            record(key, .fieldInvalid, "`\(key.stringValue)` must be a string")
        }
        return nil
    }

    /// `rawText` over the tape.
    func tapeRawText(_ key: Key) -> String? {
        guard let object, let token = object.entry(key) else { return nil }
        switch object.kind(token) {
        case .string: return object.tape.string(token)
        case .number:
            guard let number = object.tape.integer(token) else {
                object.foundation()
                return nil
            }
            return String(number)
        default: return nil
        }
    }

    /// The value of `key` when it is a JSON number that is a whole `Int64` (what
    /// `decode(Int64.self, forKey:)` answers), else `nil`.
    func sentInteger(_ key: Key) -> Int64? {
        switch source {
        case .container(let container):
            return try? container.decode(Int64.self, forKey: k(key))
        case .tape(let object):
            guard let token = object.entry(key), object.kind(token) == .number else { return nil }
            guard let number = object.tape.integer(token) else {
                object.foundation()
                return nil
            }
            return number
        }
    }

    /// `value(_:_:required:)` over the tape, for a type that is not a code list.
    mutating func tapeValue<T: Decodable>(_ type: T.Type, _ key: Key, required: Bool) -> T? {
        guard let object, let token = object.entry(key), object.kind(token) != .null else {
            if required { record(key, .fieldMissing, "`\(key.stringValue)` is required") }
            return nil
        }
        return tapeDecode(type, object, token, path: codingPath + [k(key)])
    }

    /// `list(_:_:)` over the tape.
    mutating func tapeList<T: Decodable>(_ type: T.Type, _ key: Key) -> [T]? {
        guard let object, let token = object.entry(key), object.kind(token) != .null else { return [] }
        guard object.kind(token) == .array else {
            object.foundation()
            return nil
        }
        var result: [T] = []
        let count = Int(object.tape.tokens[token].count)
        result.reserveCapacity(count)
        var failed = false
        var cursor = token + 1
        let path = codingPath + [k(key)]
        for index in 0..<count {
            if let element = tapeDecode(type, object, cursor, path: path + [AnyCodingKey(intValue: index)]) {
                result.append(element)
            } else {
                failed = true
            }
            cursor = object.tape.next(after: cursor)
        }
        return failed ? nil : result
    }

    /// Decodes a nested value; its wire defects are collected, any other error is Foundation's.
    private mutating func tapeDecode<T: Decodable>(_ type: T.Type, _ object: WireTapeObject, _ token: Int, path: [any CodingKey]) -> T? {
        do {
            return try object.decoder.decode(type, at: token, path: path)
        } catch let error as WireDecodingError {
            append(error.issues)
        } catch {
            object.foundation()
        }
        return nil
    }
}
