/// Numbers and amounts of đồng, read from the text (or, where the message has them so, the JSON
/// number) the wire carries.
extension WireReader {
    /// A whole number written as a string (leniently also as a JSON number, and always where the
    /// message writes it as one: `numeric`); `""`, `null` and an absent key are `nil`.
    mutating func optionalInt(_ key: Key, numeric: Bool = false) -> Int? {
        if numeric, let number = sentInteger(key) { return wholeNumber(String(number), key) }
        guard let text = optionalString(key), !text.isEmpty else { return nil }
        return wholeNumber(text, key)
    }

    /// A required whole number: absent, `null` or `""` is recorded as missing.
    mutating func int(_ key: Key) -> Int? {
        let before = issues.count
        guard let value = optionalInt(key) else {
            dropNullVariant(key)
            if issues.count == before { record(key, .fieldMissing, "`\(key.stringValue)` is required") }
            return nil
        }
        return value
    }

    /// The largest count or amount accepted (10¹⁵): anything beyond is a defect, never an overflow.
    static var largestNumber: Int { 1_000_000_000_000_000 }

    fileprivate mutating func wholeNumber(_ text: String, _ key: Key) -> Int? {
        guard let value = Int(text), value.magnitude <= Self.largestNumber.magnitude else {
            record(key, .fieldInvalid, Int(text) == nil ? "`\(key.stringValue)` must be a whole number" : "`\(key.stringValue)` is larger than 10^15")
            return nil
        }
        return value
    }

    /// A number that may be written as a string or a JSON number, with a fraction (`"0.5"`,
    /// leniently `"0,5"`).
    mutating func optionalDouble(_ key: Key) -> Double? {
        guard let text = optionalString(key), !text.isEmpty else { return nil }
        let normalized = strictness == .lenient ? text.replacingOccurrences(of: ",", with: ".") : text
        guard let value = Double(normalized), value.isFinite else {
            record(key, .fieldInvalid, "`\(key.stringValue)` must be a number")
            return nil
        }
        return value
    }

    /// An amount in whole đồng; `""`, `null` and an absent key are `nil`. Canonically written
    /// `"50000"` (or, where the message has it so, the JSON number `50000`: `numeric`). Leniently,
    /// thousands written with separators — `"50.000"` (Vietnamese) or `"50,000"` — are 50,000 (the
    /// đồng has no fraction, so three digits after a separator are thousands), and a JSON double
    /// such as `50000.0` is 50,000. Anything else (`"50.5"`, `"1.50.000"`) is a defect, never a
    /// guess: a fee read as 50 đồng instead of 50,000 would be charged as such.
    mutating func optionalAmount(_ key: Key, numeric: Bool = false) -> Int? {
        let text: String?
        if numeric, let number = sentInteger(key) {
            text = String(number)
        } else {
            text = optionalString(key)
        }
        guard let text, !text.isEmpty else { return nil }
        guard let value = Self.amount(text, lenient: strictness == .lenient), value <= Self.largestNumber else {
            record(key, .fieldInvalid, "`\(key.stringValue)` must be a whole, non-negative amount of đồng (e.g. 50000)")
            return nil
        }
        return value
    }

    /// A required amount: absent, `null` or `""` is recorded as missing.
    mutating func amount(_ key: Key, numeric: Bool = false) -> Int? {
        let before = issues.count
        guard let value = optionalAmount(key, numeric: numeric) else {
            dropNullVariant(key)
            if issues.count == before { record(key, .fieldMissing, "`\(key.stringValue)` is required") }
            return nil
        }
        return value
    }

    /// The đồng in `text`: digits; leniently also thousands groups (`50.000`, `1,500,000`: one
    /// separator kind, groups of three) or a zero fraction (`75000.0`).
    static func amount(_ text: String, lenient: Bool) -> Int? {
        let bytes = Array(text.utf8)
        func digits(_ slice: ArraySlice<UInt8>) -> Bool { !slice.isEmpty && slice.allSatisfy { $0 >= 48 && $0 <= 57 } }
        if digits(bytes[...]) { return Int(text) }
        guard lenient else { return nil }
        for separator in [UInt8(ascii: "."), UInt8(ascii: ",")] {
            let groups = bytes.split(separator: separator, omittingEmptySubsequences: false)
            if groups.count > 1, let head = groups.first, digits(head), head.count <= 3, groups.dropFirst().allSatisfy({ $0.count == 3 && digits($0) }) {
                return Int(String(decoding: groups.joined(), as: UTF8.self))
            }
        }
        if let dot = bytes.firstIndex(of: UInt8(ascii: ".")), digits(bytes[..<dot]), dot + 1 < bytes.count,
           bytes[(dot + 1)...].allSatisfy({ $0 == UInt8(ascii: "0") }) {
            return Int(String(decoding: bytes[..<dot], as: UTF8.self))
        }
        return nil
    }
}
