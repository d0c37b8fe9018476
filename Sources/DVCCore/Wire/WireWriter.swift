import Foundation

/// Writes one wire object: every scalar a string, flags `"True"`/`"False"`, absent core dates
/// `""`, absent optional fields omitted. Writes through Foundation's keyed container, or — under
/// the fast encoder (``PortalJSON``) — straight into the output bytes.
struct WireWriter<Key: CodingKey & CaseIterable> {
    /// Foundation's container, when encoding through Foundation. Boxed: a writer holding the
    /// standard library's (resilient) container inline was copied and destroyed through its type
    /// metadata, instantiated at run time in the compiler's merged generic code — a tenth of the
    /// fast encoder's time.
    private let foundation: FoundationContainer?
    /// The fast encoder and the model's key table, when encoding bytes (not reference-counted:
    /// a writer lives inside one `encode(to:)` call, which the encoder outlives; the tables live
    /// for the process).
    private let fastReference: Unmanaged<WireByteEncoder>?
    private let tableReference: Unmanaged<WireKeyTable>?
    /// How values are written: canonical unless a dialect asked otherwise.
    let style: WireStyle

    init(_ encoder: any Encoder) {
        if let fast = WireByteEncoder.unwrap(encoder) {
            fast.beginObject()
            fastReference = .passUnretained(fast)
            foundation = nil
            tableReference = .passUnretained(fast.output.table(for: Key.self))
            style = fast.output.style
        } else {
            fastReference = nil
            tableReference = nil
            foundation = FoundationContainer(encoder.container(keyedBy: Key.self))
            style = encoder.wireStyle
        }
    }

    /// Foundation's keyed container, in a box of fixed layout.
    private final class FoundationContainer {
        var container: KeyedEncodingContainer<Key>
        init(_ container: KeyedEncodingContainer<Key>) { self.container = container }
    }

    /// Runs `body` with the fast encoder and the key table, when encoding bytes, without
    /// counting references to them (a retain and a release each per field otherwise).
    @inline(__always)
    private func withFast<R>(_ body: (WireByteEncoder, WireKeyTable) throws -> R) rethrows -> R? {
        guard let fastReference, let tableReference else { return nil }
        return try fastReference._withUnsafeGuaranteedRef { fast in
            try tableReference._withUnsafeGuaranteedRef { table in try body(fast, table) }
        }
    }

    // MARK: - Primitives

    /// A JSON string.
    private mutating func put(_ text: String, _ key: Key) throws {
        let written: Void? = withFast { fast, table in
            let index = table.index(of: key)
            guard let start = fast.beginField(table, index) else { return }
            fast.output.write(text)
            fast.endField(table, index, start: start)
        }
        if written == nil {
            try foundation?.container.encode(text, forKey: key)
        }
    }

    /// A JSON number.
    private mutating func put(number: Int64, _ key: Key) throws {
        let written: Void? = withFast { fast, table in
            fast.field(table, table.index(of: key)) { fast.output.write(integer: number) }
        }
        if written == nil {
            try foundation?.container.encode(number, forKey: key)
        }
    }

    /// A nested value.
    private mutating func put(value: some Encodable, _ key: Key) throws {
        let written: Void? = try withFast { fast, table in
            try fast.field(table, table.index(of: key)) { try fast.output.encode(value, parent: fast, key: .name(key.stringValue)) }
        }
        if written == nil {
            try foundation?.container.encode(value, forKey: key)
        }
    }

    // MARK: - Fields

    /// A string; a field the style writes as a number is written as one when it is all digits.
    mutating func string(_ value: String, _ key: Key) throws {
        if !style.numericFields.isEmpty, style.numericFields.contains(key.stringValue), value.utf8.count <= 18,
           !value.isEmpty, value.utf8.allSatisfy(ASCII.isDigit), let number = Int64(value) {
            try put(number: number, key)
        } else {
            try put(value, key)
        }
    }

    mutating func optionalString(_ value: String?, _ key: Key) throws {
        if let value { try string(value, key) }
    }

    mutating func code(_ value: some NationalCode, _ key: Key) throws { try put(value.rawValue, key) }

    /// A core date: `""` when absent, as OpenCPS sends it.
    mutating func timestamp(_ value: PortalTimestamp?, _ key: Key) throws {
        if let value { try put(timestamp: value, key) } else { try put("", key) }
    }

    /// A later-revision date: omitted when absent.
    mutating func optionalTimestamp(_ value: PortalTimestamp?, _ key: Key) throws {
        if let value { try put(timestamp: value, key) }
    }

    /// A date in the style's format; the compact one goes straight into the fast encoder's bytes.
    private mutating func put(timestamp value: PortalTimestamp, _ key: Key) throws {
        if style.timestampFormat == .compact, (0...9_999).contains(value.date.year) {
            let written: Void? = withFast { fast, table in
                let index = table.index(of: key)
                guard let start = fast.beginField(table, index) else { return }
                fast.output.write(compactTimestamp: value)
                fast.endField(table, index, start: start)
            }
            if written != nil { return }
        }
        try put(value.formatted(style.timestampFormat), key)
    }

    mutating func optionalBool(_ value: Bool?, _ key: Key) throws {
        if let value { try put(value ? "True" : "False", key) }
    }

    /// A later-revision flag: `"1"` or `"0"`.
    mutating func optionalZeroOne(_ value: Bool?, _ key: Key) throws {
        if let value { try put(value ? "1" : "0", key) }
    }

    mutating func optionalInt(_ value: Int?, _ key: Key) throws {
        if let value { try put(String(value), key) }
    }

    /// A number as a string, without a trailing `.0` for whole values.
    mutating func optionalDouble(_ value: Double?, _ key: Key) throws {
        if let value { try put(value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value), key) }
    }

    /// A nested value; a code-list value in a field the style writes as a number is written as one.
    mutating func value(_ value: some Encodable, _ key: Key) throws {
        if !style.numericFields.isEmpty, let code = value as? any PortalCodeList {
            try string(code.wireValue, key)
        } else {
            try put(value: value, key)
        }
    }

    /// A list: under the fast encoder, its elements are written in place (what `Array`'s own
    /// `encode(to:)` writes, without its generic container).
    mutating func value<Element: Encodable>(_ list: [Element], _ key: Key) throws {
        let written: Void? = try withFast { encoder, table in
            try encoder.field(table, table.index(of: key)) {
                let output = encoder.output
                output.bytes.append(UInt8(ascii: "["))
                let name = key.stringValue
                for (index, element) in list.enumerated() {
                    if index > 0 { output.bytes.append(UInt8(ascii: ",")) }
                    try output.encode(element, parent: encoder, key: .element(name, index))
                }
                output.bytes.append(UInt8(ascii: "]"))
            }
        }
        if written == nil { try put(value: list, key) }
    }

    mutating func optionalValue(_ value: (some Encodable)?, _ key: Key) throws {
        if let value { try self.value(value, key) }
    }

    /// Fields the model does not know, written after the known ones (a known key is never overwritten).
    func additional(_ fields: [String: WireValue], to encoder: any Encoder) throws {
        guard !fields.isEmpty else { return }
        if let fast = fastReference?.takeUnretainedValue() {
            for (name, value) in fields where Key(stringValue: name) == nil {
                try fast.field(named: name) { try fast.output.encode(value, parent: fast, key: .name(name)) }
            }
        } else {
            var extra = encoder.container(keyedBy: AnyCodingKey.self)
            for (name, value) in fields where Key(stringValue: name) == nil {
                try extra.encode(value, forKey: AnyCodingKey(stringValue: name))
            }
        }
    }
}
