/// One object of a ``WireTape`` as a model reads it: each of the model's keys mapped once to its
/// value's token, so that every field is found without a string comparison.
///
/// Its references are not counted: the ``WireReader`` holding it keeps the decoder (which holds
/// the tape) alive with one counted reference, and key tables live for the process; not counting
/// references on every field read was a third of the decoder's time. Fields are read straight
/// from the tape's buffers and the table through a guaranteed reference, so that reading one
/// retains nothing.
struct WireTapeObject {
    unowned(unsafe) let decoder: WireTapeDecoder
    private let tableReference: Unmanaged<WireKeyTable>
    /// The tape's tokens and bytes (owned by the tape, which outlives this object).
    let tokens: UnsafeBufferPointer<WireTape.Token>
    let bytes: UnsafeBufferPointer<UInt8>

    init(decoder: WireTapeDecoder, source: WireTape, table: WireKeyTable) {
        self.decoder = decoder
        tableReference = .passUnretained(table)
        tokens = source.tokens
        bytes = source.bytes
    }

    /// The model's key table.
    var table: WireKeyTable { tableReference.takeUnretainedValue() }

    /// The case index of `key` in the model's key table.
    @inline(__always)
    func index<Key: CodingKey>(of key: Key) -> Int { tableReference._withUnsafeGuaranteedRef { $0.index(of: key) } }

    @inline(__always)
    func kind(_ token: Int) -> WireTape.Kind { tokens[token].kind }

    /// The text of string token `token`.
    @inline(__always)
    func string(_ token: Int) -> String? { WireTape.string(token, tokens: tokens, bytes: bytes) }

    /// The value of plain-integer number token `token`.
    func integer(_ token: Int) -> Int64? { WireTape.integer(token, tokens: tokens, bytes: bytes) }

    /// The index of the token after token `token` and everything inside it.
    func next(after token: Int) -> Int { WireTape.next(after: token, tokens: tokens) }

    /// Reads the object at `decoder`'s token: the model's keys (exact spelling) into `entries`, the
    /// others returned in document order. Duplicate names are Foundation's to answer.
    static func read<Key: CodingKey & CaseIterable>(_ decoder: WireTapeDecoder, keys: Key.Type) throws
        -> (object: WireTapeObject, entries: [Int32], others: [(name: String, token: Int)]) {
        let tape = decoder.tape, tokens = tape.tokens
        guard tokens[decoder.token].kind == .object else { throw decoder.foundation() }
        let table = decoder.session.table(for: Key.self)
        var entries = [Int32](repeating: -1, count: table.count)
        var others: [(name: String, token: Int)] = []
        var cursor = decoder.token + 1
        for _ in 0..<Int(tokens[decoder.token].count) {
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
        return (WireTapeObject(decoder: decoder, source: tape, table: table), entries, others)
    }
}

/// ``WireReader``'s accessors over a tape: each reproduces what the same call over Foundation's
/// container records and returns, and marks the document for Foundation where it cannot.
extension WireReader {
    /// The value token of `key` (sent in the standard's spelling or, once mapped, another letter case).
    @inline(__always)
    func tapeEntry(_ key: Key) -> Int? {
        guard let tape else { return nil }
        let token = tapeEntries[tape.index(of: key)]
        return token >= 0 ? Int(token) : nil
    }

    /// The value of member `name`, one the model does not know.
    func tapeOtherValue(_ name: String) -> WireValue? {
        tapeOthers.first { $0.name == name }.flatMap { tape?.decoder.wireValue($0.token) }
    }

    /// The key as a path component: its name as sent.
    private func sentName(_ key: Key) -> String { k(key).stringValue }

    /// `sentString` over the tape.
    mutating func tapeString(_ key: Key) -> String? {
        guard let token = tapeEntry(key), let object = tape else { return nil }
        switch object.kind(token) {
        case .string:
            return object.string(token)
        case .null:
            variant(key, .wireNullForText, "`\(key.stringValue)` is null; the standard writes \"\" or leaves it out")
        case .number:
            guard let number = object.integer(token) else {
                tape?.decoder.session.needsFoundation = true
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
        guard let tape, let token = tapeEntry(key) else { return nil }
        switch tape.kind(token) {
        case .string: return tape.string(token)
        case .number:
            guard let number = tape.integer(token) else {
                tape.decoder.session.needsFoundation = true
                return nil
            }
            return String(number)
        default: return nil
        }
    }

    /// The value of `key` when it is a JSON number that is a whole `Int64` (what
    /// `decode(Int64.self, forKey:)` answers), else `nil`.
    func sentInteger(_ key: Key) -> Int64? {
        guard let tape else { return try? foundationContainer?.decode(Int64.self, forKey: k(key)) }
        guard let token = tapeEntry(key), tape.kind(token) == .number else { return nil }
        guard let number = tape.integer(token) else {
            tape.decoder.session.needsFoundation = true
            return nil
        }
        return number
    }

    /// `value(_:_:required:)` over the tape, for a type that is not a code list.
    mutating func tapeValue<T: Decodable>(_ type: T.Type, _ key: Key, required: Bool) -> T? {
        guard let token = tapeEntry(key), let decoder = tape?.decoder, tape?.kind(token) != .null else {
            if required { record(key, .fieldMissing, "`\(key.stringValue)` is required") }
            return nil
        }
        return tapeDecode(type, decoder, token, .name(sentName(key)))
    }

    /// `list(_:_:)` over the tape.
    mutating func tapeList<T: Decodable>(_ type: T.Type, _ key: Key) -> [T]? {
        guard let token = tapeEntry(key), let object = tape, let decoder = tape?.decoder,
              object.kind(token) != .null else { return [] }
        guard object.kind(token) == .array else {
            decoder.session.needsFoundation = true
            return nil
        }
        let count = Int(object.tokens[token].count)
        guard count > 0 else { return [] }
        var result: [T] = []
        result.reserveCapacity(count)
        var failed = false
        var cursor = token + 1
        let name = sentName(key)
        for index in 0..<count {
            if let element = tapeDecode(type, decoder, cursor, .element(name, index)) {
                result.append(element)
            } else {
                failed = true
            }
            cursor = object.next(after: cursor)
        }
        return failed ? nil : result
    }

    /// Decodes a nested value; its wire defects are collected, any other error is Foundation's.
    private mutating func tapeDecode<T: Decodable>(_ type: T.Type, _ parent: WireTapeDecoder, _ token: Int, _ key: WireTapeDecoder.PathKey) -> T? {
        do {
            return try parent.decode(type, at: token, key: key)
        } catch let error as WireDecodingError {
            append(error.issues)
        } catch {
            parent.session.needsFoundation = true
        }
        return nil
    }
}
