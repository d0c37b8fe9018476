/// Reads one wire object field by field, collecting **every** defect instead of stopping at the
/// first, so that one bad field never hides the next. Each accessor returns `nil` for a field
/// it could not read (and records why); ``finish()`` throws them all as one ``WireDecodingError``.
///
/// Lenient decoding takes numbers and booleans where the standard writes strings; strict
/// decoding takes only strings and also reports unknown keys.
struct WireReader<Key: CodingKey & CaseIterable> {
    /// The object read through Foundation (`nil` when reading the fast decoder's tape).
    let foundationContainer: KeyedDecodingContainer<AnyCodingKey>?
    /// The object read from the fast decoder's tape (`nil` when reading through Foundation): the
    /// value token of each of the model's keys, and the members it does not know.
    let tape: WireTapeObject?
    /// Keeps the tape's decoder alive while this reader is: `tape` refers to it without counting
    /// (one reference per object instead of one per field), and an initializer may release its
    /// `decoder` argument after its last use.
    private let tapeOwner: WireTapeDecoder?
    /// Per case of the model's keys (in `allCases` order): the value's token in the tape, or -1.
    private(set) var tapeEntries: [Int32] = []
    /// The members of the tape's object whose names are not the model's keys (nor another letter case of one).
    private(set) var tapeOthers: [(name: String, token: Int)] = []
    let strictness: WireStrictness
    /// The coding path of a Foundation container (a tape object's is built only when asked for).
    private var foundationPath: [any CodingKey] = []
    /// Where this object is in the document (for the paths of its defects).
    var codingPath: [any CodingKey] { tape?.decoder.codingPath ?? foundationPath }
    private(set) var issues: [ValidationIssue] = []
    /// Keys sent in another letter case: the standard's name → the name as sent.
    private var aliases: [String: String] = [:]
    /// Keys the model does not know (lenient decoding keeps their values: ``unknownFields()``).
    private var unknownKeys: [String] = []
    /// Where the warnings of a successful decode go.
    private let log: WireVariantLog?
    /// Local codes to national ones, applied as values are read.
    private let mapping: CodeMapping?

    init(_ decoder: any Decoder) throws {
        if let fast = WireTapeDecoder.unwrap(decoder) {
            foundationContainer = nil
            tapeOwner = fast
            let session = fast.session
            (strictness, log, mapping) = (session.strictness, session.log, session.mapping)
            let (object, entries, others) = try WireTapeObject.read(fast, keys: Key.self)
            tapeEntries = entries
            // Each other key in document order: the standard's key it spells in another case, or nil.
            var found: [(canonical: Key?, name: String)] = []
            for (name, token) in others {
                let canonical = Self.canonical(name)
                if let canonical, found.contains(where: { $0.canonical?.stringValue == canonical.stringValue }) {
                    // Two spellings of one key: which one Foundation reads depends on its dictionary order.
                    throw fast.foundation()
                }
                if let canonical, tapeEntries[object.table.index(of: canonical)] < 0 {
                    tapeEntries[object.table.index(of: canonical)] = Int32(token)
                    found.append((canonical, name))
                } else {
                    found.append((nil, name))
                }
            }
            tapeOthers = others
            tape = object
            for (canonical, name) in found {
                if let canonical { aliasKey(canonical, name) } else { unknownKey(name) }
            }
            return
        }
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        foundationContainer = container
        tape = nil
        tapeOwner = nil
        foundationPath = decoder.codingPath
        strictness = decoder.wireStrictness
        log = decoder.userInfo[.dvcWireVariants] as? WireVariantLog
        mapping = decoder.userInfo[.dvcCodeMapping] as? CodeMapping
        for key in container.allKeys where Key(stringValue: key.stringValue) == nil {
            if let canonical = Self.canonical(key.stringValue), aliases[canonical.stringValue] == nil,
               !container.contains(AnyCodingKey(stringValue: canonical.stringValue)) {
                aliasKey(canonical, key.stringValue)
            } else {
                unknownKey(key.stringValue)
            }
        }
    }

    /// The standard's key that `name` spells in another letter case, if any.
    private static func canonical(_ name: String) -> Key? {
        let lowered = name.lowercased()
        return Key.allCases.first { $0.stringValue.lowercased() == lowered }
    }

    private mutating func aliasKey(_ canonical: Key, _ name: String) {
        aliases[canonical.stringValue] = name
        variant(canonical, .wireKeyCase, "`\(name)` is the standard's `\(canonical.stringValue)` in another letter case")
    }

    private mutating func unknownKey(_ name: String) {
        if strictness == .strict {
            issues.append(ValidationIssue(path: wirePath(codingPath + [AnyCodingKey(stringValue: name)]), rule: .fieldUnknown,
                                          message: "`\(name)` is not a key of the standard"))
        } else {
            unknownKeys.append(name)
        }
    }

    /// The key as sent (the standard's, or its letter-case variant).
    func k(_ key: Key) -> AnyCodingKey { AnyCodingKey(stringValue: aliases[key.stringValue] ?? key.stringValue) }

    /// Whether the object has `key` (in any letter case).
    func contains(_ key: Key) -> Bool {
        if tape != nil { return tapeEntry(key) != nil }
        return foundationContainer?.contains(k(key)) ?? false
    }

    /// Whether `key` is absent or `null`.
    func isAbsentOrNull(_ key: Key) -> Bool {
        if let tape { return tapeEntry(key).map { tape.kind($0) == .null } ?? true }
        return (try? foundationContainer?.decodeNil(forKey: k(key))) ?? true
    }

    func path(_ key: Key) -> String {
        if let decoder = tape?.decoder { return decoder.wirePath(appending: key.stringValue) }
        return wirePath(codingPath + [key])
    }

    mutating func record(_ key: Key, _ rule: ValidationRule, _ message: String, severity: ValidationIssue.Severity = .error) {
        issues.append(ValidationIssue(path: path(key), rule: rule, message: message, severity: severity))
    }

    /// Adds defects found in a nested value.
    mutating func append(_ more: [ValidationIssue]) { issues += more }

    /// A variant real systems send: a warning when decoding leniently, an error when strictly.
    mutating func variant(_ key: Key, _ rule: ValidationRule, _ message: String) {
        record(key, rule, message, severity: strictness == .strict ? .error : .warning)
    }

    /// Throws every defect found, if any is an error; otherwise hands the warnings to the
    /// decoder's variant log, when it has one.
    func finish() throws {
        guard !issues.isEmpty else { return }
        if issues.contains(where: { $0.severity == .error }) { throw WireDecodingError(issues: issues) }
        log?.append(issues)
    }

    /// The values of the keys the model does not know, kept so that a pass-through re-sends them.
    func unknownFields() -> [String: WireValue] {
        var fields: [String: WireValue] = [:]
        for name in unknownKeys {
            if tape != nil {
                if let value = tapeOtherValue(name) { fields[name] = value }
            } else if let value = try? foundationContainer?.decode(WireValue.self, forKey: AnyCodingKey(stringValue: name)) {
                fields[name] = value
            }
        }
        return fields
    }

    // MARK: - Scalars

    /// A string that may be absent (`nil` when the key is missing or `null`). One container
    /// lookup in the common case; the variants (`null`, a number, a boolean) are read and
    /// reported only when the value is not a string.
    mutating func optionalString(_ key: Key) -> String? {
        guard let text = sentString(key) else { return nil }
        guard let mapping else { return text }
        let (value, unmapped) = mapping.resolve(text, wireKey: key.stringValue)
        if unmapped {
            record(key, .codeUnmapped, "`\(key.stringValue)` \"\(text)\" is not a national value and the code mapping has no entry for it",
                   severity: .warning)
        }
        return value
    }

    /// The text as sent, its variants reported.
    private mutating func sentString(_ key: Key) -> String? {
        // The tape is checked first: asking a generic Optional container costs a witness call and a copy per field.
        if tape != nil { return tapeString(key) }
        guard let container = foundationContainer else { return nil }
        do {
            guard let text = try container.decodeIfPresent(String.self, forKey: k(key)) else {
                if container.contains(k(key)) { variant(key, .wireNullForText, "`\(key.stringValue)` is null; the standard writes \"\" or leaves it out") }
                return nil
            }
            return text
        } catch {
            if let number = try? container.decode(Int64.self, forKey: k(key)) {
                variant(key, .wireNumberForText, "`\(key.stringValue)` is the JSON number \(number); the standard writes it as the string \"\(number)\"")
                return String(number)
            }
            if let number = try? container.decode(Double.self, forKey: k(key)), number.isFinite {
                variant(key, .wireNumberForText, "`\(key.stringValue)` is a JSON number; the standard writes every value as a string")
                return String(number)
            }
            if let flag = try? container.decode(Bool.self, forKey: k(key)) {
                variant(key, .wireBooleanForText, "`\(key.stringValue)` is the JSON boolean \(flag); the standard writes \"\(flag ? "True" : "False")\"")
                return flag ? "True" : "False"
            }
            record(key, .fieldInvalid, "`\(key.stringValue)` must be a string")
            return nil
        }
    }

    /// The text of a value as it came — a string as is, a whole JSON number as its digits — without
    /// judging it (for checksums, which cover what was sent, not what it means).
    func rawText(_ key: Key) -> String? {
        if tape != nil { return tapeRawText(key) }
        guard let container = foundationContainer else { return nil }
        if let text = try? container.decode(String.self, forKey: k(key)) { return text }
        if let number = try? container.decode(Int64.self, forKey: k(key)) { return String(number) }
        if let number = try? container.decode(Double.self, forKey: k(key)) { return String(number) }
        return nil
    }

    /// Drops the `null` variant just recorded for `key`: a required value that is `null` is
    /// missing, and reported as that alone.
    mutating func dropNullVariant(_ key: Key) {
        if let last = issues.last, last.rule == .wireNullForText, last.path == path(key) { issues.removeLast() }
    }

    /// A required string.
    mutating func string(_ key: Key) -> String? {
        let issuesBefore = issues.count
        guard let value = optionalString(key) else {
            dropNullVariant(key)
            if issues.count == issuesBefore { record(key, .fieldMissing, "`\(key.stringValue)` is required") }
            return nil
        }
        return value
    }

    /// A required validated code; a malformed one is recorded under `rule`. Dossier codes are read
    /// in the lenient shape real systems send (``DossierCode/Form/lenient``, which validation
    /// flags); strict decoding takes only the normative forms.
    mutating func code<T: NationalCode>(_ type: T.Type, _ key: Key, rule: ValidationRule) -> T? {
        guard let text = string(key) else { return nil }
        do {
            if T.self == DossierCode.self {
                let code = try DossierCode(validating: text, strictness: .lenient)
                if strictness == .strict, !code.isNormative {
                    record(key, .dossierCodeNonNormative, "`\(key.stringValue)` \(text) is not in a normative form of the dossier code")
                }
                return code as? T
            }
            return try T(validating: text)
        } catch {
            record(key, rule, "`\(key.stringValue)` is not a valid \(error.kind.displayName): \(error.rule.explanation(for: error.kind)) (offset \(error.offset))")
            return nil
        }
    }

    /// A timestamp; `""`, `null` and an absent key are `nil`. `required` records their absence.
    /// The standard writes `yyyyMMddHHmmss`; the other ``PortalTimestamp/Format``s real systems
    /// write are read and reported as a variant.
    mutating func timestamp(_ key: Key, required: Bool = false) -> PortalTimestamp? {
        let text = required ? string(key) : optionalString(key)
        guard let text, !text.isEmpty else {
            if required && contains(key) { record(key, .fieldMissing, "`\(key.stringValue)` is required") }
            return nil
        }
        do { return try PortalTimestamp(text) } catch {
            if let (value, format) = PortalTimestamp.parse(anyFormat: text) {
                variant(key, .timestampFormat, "`\(key.stringValue)` is written `\(format.rawValue)`; the standard writes yyyyMMddHHmmss")
                return value
            }
            record(key, .fieldInvalid, "`\(key.stringValue)` is not a yyyyMMddHHmmss timestamp: \(error.rule.explanation(for: .portalTimestamp)) (offset \(error.offset))")
            return nil
        }
    }

    /// A flag, written `"True"`/`"False"`; `"1"`/`"0"`, `1`/`0`, `true`/`false` in any case are read
    /// and reported as a variant.
    mutating func optionalBool(_ key: Key) -> Bool? {
        guard let text = optionalString(key) else { return nil }
        switch text {
        case "True": return true
        case "False": return false
        default: break
        }
        let value: Bool
        switch text.lowercased() {
        case "true", "1": value = true
        case "false", "0": value = false
        default:
            record(key, .fieldInvalid, "`\(key.stringValue)` must be \"True\" or \"False\"")
            return nil
        }
        variant(key, .wireFlagSpelling, "`\(key.stringValue)` is \"\(text)\"; the standard writes \"\(value ? "True" : "False")\"")
        return value
    }

    /// A flag of the later revision, written `"1"`/`"0"`; `true`/`false` in any case are read and
    /// reported as a variant.
    mutating func optionalZeroOne(_ key: Key) -> Bool? {
        guard let text = optionalString(key) else { return nil }
        switch text {
        case "1": return true
        case "0": return false
        default: break
        }
        let value: Bool
        switch text.lowercased() {
        case "true": value = true
        case "false": value = false
        default:
            record(key, .fieldInvalid, "`\(key.stringValue)` must be \"1\" or \"0\"")
            return nil
        }
        variant(key, .wireFlagSpelling, "`\(key.stringValue)` is \"\(text)\"; the standard writes \"\(value ? "1" : "0")\"")
        return value
    }

    /// A dossier status (`TrangThaiHoSo`, `TrangThai`). `"0"` and `"11"`, which gateways send
    /// though the standard has no such status, are read as ``DossierStatus/nonStandardValues``
    /// says and reported as a variant; DVCKit never writes them.
    mutating func status(_ key: Key) -> DossierStatus? {
        guard let text = string(key) else { return nil }
        if let status = DossierStatus(wireValue: text) { return status }
        if let status = DossierStatus.nonStandardValues[text] {
            variant(key, .statusNonStandard, "`\(key.stringValue)` \"\(text)\" is not a status of the standard; read as \"\(status.wireValue)\" (\(status))")
            return status
        }
        record(key, .statusUnknown, "`\(key.stringValue)` \"\(text)\" is not a status of the standard (\"1\"…\"10\")")
        return nil
    }

    /// A code of an open list, read as text so that its variants (a JSON number) are reported.
    mutating func value<T: PortalCodeList>(_ type: T.Type, _ key: Key, required: Bool) -> T? {
        guard let text = required ? string(key) : optionalString(key) else { return nil }
        return T(wireValue: text)
    }

    /// A decodable value (an enum of the standard, a nested object); defects inside it are
    /// collected with their full paths.
    mutating func value<T: Decodable>(_ type: T.Type, _ key: Key, required: Bool) -> T? {
        if let list = T.self as? any PortalCodeList.Type {
            // A code of an open list: read as text, so that its variants (a JSON number) are reported.
            guard let text = required ? string(key) : optionalString(key) else { return nil }
            return list.init(wireValue: text) as? T
        }
        if tape != nil { return tapeValue(type, key, required: required) }
        guard let container = foundationContainer else { return nil }
        do {
            guard let value = try container.decodeIfPresent(T.self, forKey: k(key)) else {
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
        if tape != nil { return tapeList(type, key) }
        guard let container = foundationContainer else { return nil }
        // One lookup: an absent key throws (→ true) and `null` answers true; both mean empty.
        if (try? container.decodeNil(forKey: k(key))) ?? true { return [] }
        do {
            var elements = try container.nestedUnkeyedContainer(forKey: k(key))
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

