/// Reads one wire object field by field, collecting **every** defect instead of stopping at the
/// first, so that one bad field never hides the next. Each accessor returns `nil` for a field
/// it could not read (and records why); ``finish()`` throws them all as one ``WireDecodingError``.
///
/// Lenient decoding takes numbers and booleans where the standard writes strings; strict
/// decoding takes only strings and also reports unknown keys.
struct WireReader<Key: CodingKey & CaseIterable> {
    let container: KeyedDecodingContainer<Key>
    let strictness: WireStrictness
    let codingPath: [any CodingKey]
    private(set) var issues: [ValidationIssue] = []

    init(_ decoder: any Decoder) throws {
        container = try decoder.container(keyedBy: Key.self)
        strictness = decoder.wireStrictness
        codingPath = decoder.codingPath
        if strictness == .strict {
            let all = try decoder.container(keyedBy: AnyCodingKey.self)
            for key in all.allKeys where Key(stringValue: key.stringValue) == nil {
                issues.append(ValidationIssue(
                    path: wirePath(codingPath + [key]), rule: .fieldUnknown,
                    message: "`\(key.stringValue)` is not a key of the standard"))
            }
        }
    }

    func path(_ key: Key) -> String { wirePath(codingPath + [key]) }

    mutating func record(_ key: Key, _ rule: ValidationRule, _ message: String, severity: ValidationIssue.Severity = .error) {
        issues.append(ValidationIssue(path: path(key), rule: rule, message: message, severity: severity))
    }

    /// Throws every defect found, if any.
    func finish() throws {
        if !issues.isEmpty { throw WireDecodingError(issues: issues) }
    }

    // MARK: - Scalars

    /// A string that may be absent (`nil` when the key is missing or `null`). One container
    /// lookup in the common case; the lenient fallbacks run only for a non-string value.
    mutating func optionalString(_ key: Key) -> String? {
        do {
            return try container.decodeIfPresent(String.self, forKey: key)
        } catch {
            if strictness == .lenient {
                if let number = try? container.decode(Int64.self, forKey: key) { return String(number) }
                if let number = try? container.decode(Double.self, forKey: key) { return String(number) }
                if let flag = try? container.decode(Bool.self, forKey: key) { return flag ? "True" : "False" }
            }
            record(key, .fieldInvalid, "`\(key.stringValue)` must be a string")
            return nil
        }
    }

    /// The text of a value as it came — a string as is, a whole JSON number as its digits — without
    /// judging it (for checksums, which cover what was sent, not what it means).
    func rawText(_ key: Key) -> String? {
        if let text = try? container.decode(String.self, forKey: key) { return text }
        if let number = try? container.decode(Int64.self, forKey: key) { return String(number) }
        if let number = try? container.decode(Double.self, forKey: key) { return String(number) }
        return nil
    }

    /// A required string.
    mutating func string(_ key: Key) -> String? {
        let issuesBefore = issues.count
        guard let value = optionalString(key) else {
            if issues.count == issuesBefore { record(key, .fieldMissing, "`\(key.stringValue)` is required") }
            return nil
        }
        return value
    }

    /// A required validated code; a malformed one is recorded under `rule`.
    mutating func code<T: NationalCode>(_ type: T.Type, _ key: Key, rule: ValidationRule, lenientDossierCode: Bool = true) -> T? {
        guard let text = string(key) else { return nil }
        do {
            if T.self == DossierCode.self, lenientDossierCode {
                return try DossierCode(validating: text, strictness: .lenient) as? T
            }
            return try T(validating: text)
        } catch {
            record(key, rule, "`\(key.stringValue)` is not a valid \(error.kind.displayName): \(error.rule.explanation(for: error.kind)) (offset \(error.offset))")
            return nil
        }
    }

    /// A timestamp; `""`, `null` and an absent key are `nil`. `required` records their absence.
    mutating func timestamp(_ key: Key, required: Bool = false) -> PortalTimestamp? {
        let text = required ? string(key) : optionalString(key)
        guard let text, !text.isEmpty else {
            if required && container.contains(key) { record(key, .fieldMissing, "`\(key.stringValue)` is required") }
            return nil
        }
        do { return try PortalTimestamp(text) } catch {
            record(key, .fieldInvalid, "`\(key.stringValue)` is not a yyyyMMddHHmmss timestamp: \(error.rule.explanation(for: .portalTimestamp)) (offset \(error.offset))")
            return nil
        }
    }

    /// A flag: `"True"`/`"False"`; leniently also `"1"`/`"0"`, `1`/`0`, `true`/`false`, any case
    /// (``optionalString(_:)`` already turns lenient JSON booleans and numbers into text). Strict
    /// decoding takes only `"True"` and `"False"`, the form DVCKit writes.
    mutating func optionalBool(_ key: Key) -> Bool? {
        guard let text = optionalString(key) else { return nil }
        if strictness == .strict {
            switch text {
            case "True": return true
            case "False": return false
            default: break
            }
        } else {
            switch text.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: break
            }
        }
        record(key, .fieldInvalid, "`\(key.stringValue)` must be \"True\" or \"False\"")
        return nil
    }

    /// A flag of the later revision, written `"1"`/`"0"`; leniently also `1`/`0`, `true`/`false`,
    /// `"True"`/`"False"`. Strict decoding takes only `"1"` and `"0"`.
    mutating func optionalZeroOne(_ key: Key) -> Bool? {
        guard let text = optionalString(key) else { return nil }
        switch strictness == .strict ? text : text.lowercased() {
        case "1": return true
        case "0": return false
        case "true" where strictness == .lenient: return true
        case "false" where strictness == .lenient: return false
        default:
            record(key, .fieldInvalid, "`\(key.stringValue)` must be \"1\" or \"0\"")
            return nil
        }
    }

    /// A whole number written as a string (leniently also as a JSON number, and always where the
    /// message writes it as one: `numeric`); `""`, `null` and an absent key are `nil`.
    mutating func optionalInt(_ key: Key, numeric: Bool = false) -> Int? {
        if numeric, let number = try? container.decode(Int64.self, forKey: key) { return wholeNumber(String(number), key) }
        guard let text = optionalString(key), !text.isEmpty else { return nil }
        return wholeNumber(text, key)
    }

    /// A required whole number: absent, `null` or `""` is recorded as missing.
    mutating func int(_ key: Key) -> Int? {
        let before = issues.count
        guard let value = optionalInt(key) else {
            if issues.count == before { record(key, .fieldMissing, "`\(key.stringValue)` is required") }
            return nil
        }
        return value
    }

    /// The largest count or amount accepted (10¹⁵): anything beyond is a defect, never an overflow.
    static var largestNumber: Int { 1_000_000_000_000_000 }

    private mutating func wholeNumber(_ text: String, _ key: Key) -> Int? {
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
        if numeric, let number = try? container.decode(Int64.self, forKey: key) {
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

    /// A decodable value (an enum of the standard, a nested object); defects inside it are
    /// collected with their full paths.
    mutating func value<T: Decodable>(_ type: T.Type, _ key: Key, required: Bool) -> T? {
        do {
            guard let value = try container.decodeIfPresent(T.self, forKey: key) else {
                if required { record(key, .fieldMissing, "`\(key.stringValue)` is required") }
                return nil
            }
            return value
        } catch {
            issues += Self.issues(from: error, fallbackPath: path(key))
            return nil
        }
    }

    /// A list; an absent key or `null` is empty (OpenCPS sends `[]`, others omit the key).
    mutating func list<T: Decodable>(_ type: T.Type, _ key: Key) -> [T]? {
        // One lookup: an absent key throws (→ true) and `null` answers true; both mean empty.
        if (try? container.decodeNil(forKey: key)) ?? true { return [] }
        do {
            var elements = try container.nestedUnkeyedContainer(forKey: key)
            var result: [T] = []
            var failed = false
            while !elements.isAtEnd {
                do { result.append(try elements.decode(T.self)) } catch {
                    failed = true
                    issues += Self.issues(from: error, fallbackPath: path(key))
                    // A failed decode leaves the container on the same element: step over it.
                    guard (try? elements.decode(SkippedValue.self)) != nil else { break }
                }
            }
            return failed ? nil : result
        } catch {
            issues += Self.issues(from: error, fallbackPath: path(key))
            return nil
        }
    }

    /// The issues an error thrown while decoding a nested value stands for.
    static func issues(from error: any Error, fallbackPath: String) -> [ValidationIssue] {
        switch error {
        case let error as WireDecodingError:
            return error.issues
        case DecodingError.keyNotFound(let key, let context):
            return [ValidationIssue(path: wirePath(context.codingPath + [key]), rule: .fieldMissing, message: "`\(key.stringValue)` is required")]
        case DecodingError.valueNotFound(_, let context):
            return [ValidationIssue(path: wirePath(context.codingPath), rule: .fieldMissing, message: context.debugDescription)]
        case DecodingError.typeMismatch(_, let context), DecodingError.dataCorrupted(let context):
            let path = context.codingPath.isEmpty ? fallbackPath : wirePath(context.codingPath)
            return [ValidationIssue(path: path, rule: .fieldInvalid, message: context.debugDescription)]
        default:
            return [ValidationIssue(path: fallbackPath, rule: .fieldInvalid, message: String(describing: error))]
        }
    }
}

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
}

/// Decodes any JSON value and keeps nothing: used to step over a broken list element.
struct SkippedValue: Decodable {
    init(from decoder: any Decoder) {}
}

/// A coding key for any string, to see the keys a model does not know.
struct AnyCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue; intValue = nil }
    init(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
}
