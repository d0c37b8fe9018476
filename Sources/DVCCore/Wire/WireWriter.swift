import Foundation

/// Writes one wire object: every scalar a string, flags `"True"`/`"False"`, absent core dates
/// `""`, absent optional fields omitted.
struct WireWriter<Key: CodingKey> {
    var container: KeyedEncodingContainer<Key>
    /// How values are written: canonical unless a dialect asked otherwise.
    let style: WireStyle

    init(_ encoder: any Encoder) {
        container = encoder.container(keyedBy: Key.self)
        style = encoder.wireStyle
    }

    /// A string; a field the style writes as a number is written as one when it is all digits.
    mutating func string(_ value: String, _ key: Key) throws {
        if !style.numericFields.isEmpty, style.numericFields.contains(key.stringValue), value.utf8.count <= 18,
           !value.isEmpty, value.utf8.allSatisfy(ASCII.isDigit), let number = Int64(value) {
            try container.encode(number, forKey: key)
        } else {
            try container.encode(value, forKey: key)
        }
    }

    mutating func optionalString(_ value: String?, _ key: Key) throws {
        if let value { try string(value, key) }
    }

    mutating func code(_ value: some NationalCode, _ key: Key) throws { try container.encode(value.rawValue, forKey: key) }

    /// A core date: `""` when absent, as OpenCPS sends it.
    mutating func timestamp(_ value: PortalTimestamp?, _ key: Key) throws {
        try container.encode(value?.formatted(style.timestampFormat) ?? "", forKey: key)
    }

    /// A later-revision date: omitted when absent.
    mutating func optionalTimestamp(_ value: PortalTimestamp?, _ key: Key) throws {
        try container.encodeIfPresent(value?.formatted(style.timestampFormat), forKey: key)
    }

    mutating func optionalBool(_ value: Bool?, _ key: Key) throws {
        try container.encodeIfPresent(value.map { $0 ? "True" : "False" }, forKey: key)
    }

    /// A later-revision flag: `"1"` or `"0"`.
    mutating func optionalZeroOne(_ value: Bool?, _ key: Key) throws {
        try container.encodeIfPresent(value.map { $0 ? "1" : "0" }, forKey: key)
    }

    mutating func optionalInt(_ value: Int?, _ key: Key) throws {
        try container.encodeIfPresent(value.map(String.init), forKey: key)
    }

    /// A number as a string, without a trailing `.0` for whole values.
    mutating func optionalDouble(_ value: Double?, _ key: Key) throws {
        try container.encodeIfPresent(value.map { $0.rounded() == $0 && abs($0) < 1e15 ? String(Int($0)) : String($0) }, forKey: key)
    }

    /// A nested value; a code-list value in a field the style writes as a number is written as one.
    mutating func value(_ value: some Encodable, _ key: Key) throws {
        if !style.numericFields.isEmpty, let code = value as? any PortalCodeList {
            try string(code.wireValue, key)
        } else {
            try container.encode(value, forKey: key)
        }
    }

    mutating func optionalValue(_ value: (some Encodable)?, _ key: Key) throws {
        if let value { try self.value(value, key) }
    }

    /// Fields the model does not know, written after the known ones (a known key is never overwritten).
    func additional(_ fields: [String: WireValue], to encoder: any Encoder) throws {
        guard !fields.isEmpty else { return }
        var extra = encoder.container(keyedBy: AnyCodingKey.self)
        for (name, value) in fields where Key(stringValue: name) == nil {
            try extra.encode(value, forKey: AnyCodingKey(stringValue: name))
        }
    }
}
