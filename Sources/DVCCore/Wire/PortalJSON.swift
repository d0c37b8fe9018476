/// `JSONEncoder`, `JSONDecoder` and `Data` appear in this file's public API.
public import Foundation

/// How strictly wire payloads are decoded (chế độ giải mã).
///
/// ``lenient`` (the default) accepts what deployed one-stop systems really send: numbers where
/// the standard writes strings, `"1"`/`1`/`true` for `"True"`, missing optional lists. ``strict``
/// accepts only the canonical form DVCKit itself sends, and rejects unknown keys — for
/// conformance tests of your own payloads. Neither ever accepts data that would be corrupted
/// (an impossible date, an unknown status, a malformed code).
public enum WireStrictness: String, Sendable, Hashable, Codable {
    /// Accept the documented variants real systems send.
    case lenient
    /// Accept only the canonical form, and no unknown keys.
    case strict
}

/// Which implementation reads and writes wire JSON (bộ mã hoá). Both give the same bytes and the
/// same results; ``foundation`` is there to compare against and to rule the fast codec out when
/// diagnosing.
public enum WireCodec: String, Sendable, Hashable {
    /// DVCKit's own codec, handing to Foundation what it does not reproduce exactly (the default).
    case fast
    /// Foundation's `JSONEncoder` and `JSONDecoder` alone.
    case foundation
}

extension CodingUserInfoKey {
    /// The ``WireStrictness`` a decoder applies to DVCCore models (default ``WireStrictness/lenient``).
    public static let dvcWireStrictness: CodingUserInfoKey = .dvc("wire-strictness")
}

extension CodingUserInfoKey {
    /// A DVCKit user-info key, `vn.dvckit.NAME`.
    static func dvc(_ name: String) -> CodingUserInfoKey {
        guard let key = CodingUserInfoKey(rawValue: "vn.dvckit.\(name)") else { preconditionFailure("a constant, valid user-info key") }
        return key
    }
}

extension Decoder {
    /// The strictness requested through `userInfo`, lenient by default.
    var wireStrictness: WireStrictness {
        (userInfo[.dvcWireStrictness] as? WireStrictness) ?? .lenient
    }
}

/// The one place DVCKit turns models into wire bytes and back.
///
/// Encoding is canonical: sorted keys, `/` not escaped, every scalar a string. Decoding applies
/// the requested ``WireStrictness``.
///
/// ``encode(_:)`` and the `decode` functions use DVCKit's own wire codec: a single pass over the
/// bytes into a token tape, read by the models' field readers without an intermediate `Any`, and
/// a byte writer that puts a model's fields in sorted order from precomputed key ranks. Its output
/// and its results — values, defect reports, warnings — are those of `JSONEncoder`/`JSONDecoder`
/// with the same settings: wherever the fast path cannot promise that (a floating-point number,
/// invalid JSON, a duplicate key, a date, an error Foundation words), the document is handed to
/// Foundation whole, and Foundation's answer is the one returned. ``encoder()`` and ``decoder(_:mapping:)``
/// give the Foundation coders themselves.
public enum PortalJSON {
    /// An encoder producing the canonical wire form.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// An encoder writing `style` (the canonical form unless a dialect asks for another).
    public static func encoder(style: WireStyle) -> JSONEncoder {
        let encoder = encoder()
        if !style.isCanonical { encoder.userInfo[.dvcWireStyle] = style }
        return encoder
    }

    /// A decoder applying `strictness`, and `mapping` to local codes (see ``CodeMapping``).
    public static func decoder(_ strictness: WireStrictness = .lenient, mapping: CodeMapping? = nil) -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.userInfo[.dvcWireStrictness] = strictness
        if let mapping, !mapping.isEmpty { decoder.userInfo[.dvcCodeMapping] = mapping }
        return decoder
    }

    /// Encodes `value` in canonical wire form.
    public static func encode(_ value: some Encodable) throws -> Data {
        try encode(value, style: .canonical)
    }

    /// Encodes `value` the way `style` writes it (see ``WireStyle``); byte for byte what
    /// ``encoder(style:)`` writes.
    public static func encode(_ value: some Encodable, style: WireStyle, codec: WireCodec = .fast) throws -> Data {
        let userInfo: [CodingUserInfoKey: any Sendable] = style.isCanonical ? [:] : [.dvcWireStyle: style]
        if codec == .fast, let data = fastEncode(value, userInfo: userInfo) { return data }
        return try encoder(style: style).encode(value)
    }

    /// The fast encoder's bytes, or `nil` when Foundation must write `value` (or say why it cannot).
    static func fastEncode<T: Encodable>(_ value: T, userInfo: [CodingUserInfoKey: any Sendable]) -> Data? {
        guard !WireTapeDecoder.isFoundationSpecial(T.self) else { return nil }
        let output = WireOutput(userInfo: userInfo)
        defer { output.close() }
        do { try output.encode(value, parent: nil, key: nil) } catch { return nil }
        return output.needsFoundation ? nil : output.bytes.takeData()
    }

    /// Decodes a `T` from JSON bytes within `limits` (when given), with `userInfo` as a
    /// `JSONDecoder` would carry it: by the fast decoder, or by Foundation where it must.
    static func decode<T: Decodable>(_ type: T.Type, bytes: [UInt8], userInfo: [CodingUserInfoKey: any Sendable], codec: WireCodec = .fast,
                                     limits: JSONLimits?) throws -> T {
        if codec == .fast, !WireTapeDecoder.isFoundationSpecial(T.self) {
            switch WireTape.parse(bytes, limits: limits) {
            case .parsed(let tape):
                if let value = try fastDecode(type, tape, userInfo) { return value }
            case .mayExceed(let tape):
                try limits?.check(bytes)
                if let value = try fastDecode(type, tape, userInfo) { return value }
            case .refused:
                break
            }
        }
        try limits?.check(bytes)
        let decoder = JSONDecoder()
        decoder.userInfo = userInfo
        return try decoder.decode(type, from: Data(bytes))
    }

    /// The fast decoder's value or error, or `nil` when Foundation must decode the document.
    private static func fastDecode<T: Decodable>(_ type: T.Type, _ tape: WireTape, _ userInfo: [CodingUserInfoKey: any Sendable]) throws -> T? {
        // Warnings go to a log of this attempt's own, handed on only if Foundation is not asked again.
        let callerLog = userInfo[.dvcWireVariants] as? WireVariantLog
        let attemptLog = callerLog == nil ? nil : WireVariantLog()
        let session = WireTapeSession(tape: tape, userInfo: userInfo, log: attemptLog)
        do {
            let value = try WireTapeDecoder(session, token: 0, parent: nil, key: nil).decode(type)
            guard !session.needsFoundation else { return nil }
            if let attemptLog { callerLog?.append(attemptLog.drain()) }
            return value
        } catch {
            guard !session.needsFoundation else { return nil }
            if let attemptLog { callerLog?.append(attemptLog.drain()) }
            throw error
        }
    }

    /// Decodes a `T` from wire bytes, like ``decode(_:from:strictness:limits:codec:)``, and appends to
    /// `warnings` what it read leniently: each variant real systems send beyond the standard
    /// (a number for a string, `null`, another date format, a key in another letter case, …),
    /// under its own rule (see ``ValidationRule/wireNumberForText`` and its siblings).
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, strictness: WireStrictness = .lenient, limits: JSONLimits = .standard,
                                            codec: WireCodec = .fast, warnings: inout [ValidationIssue]) throws -> T {
        let log = WireVariantLog()
        let value = try decode(type, bytes: Array(data), userInfo: [.dvcWireStrictness: strictness, .dvcWireVariants: log], codec: codec, limits: limits)
        warnings += log.drain()
        return value
    }

    /// Decodes a `T` from wire bytes, after checking them against `limits` (see ``JSONLimits``),
    /// with DVCKit's codec or, for `codec: .foundation`, with `JSONDecoder` alone (the same result).
    /// - Throws: ``WireDecodingError`` with every defect found, or Foundation's `DecodingError`
    ///   for bytes that are not JSON or exceed a limit.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, strictness: WireStrictness = .lenient,
                                            limits: JSONLimits = .standard, codec: WireCodec = .fast) throws -> T {
        try decode(type, bytes: Array(data), userInfo: [.dvcWireStrictness: strictness], codec: codec, limits: limits)
    }
}
