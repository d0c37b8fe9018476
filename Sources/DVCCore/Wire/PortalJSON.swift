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

/// The one place DVCKit turns models into wire bytes and back (the seam a faster codec can
/// replace later without touching the models).
///
/// Encoding is canonical: sorted keys, `/` not escaped, every scalar a string. Decoding applies
/// the requested ``WireStrictness``.
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
        try encoder().encode(value)
    }

    /// Decodes a `T` from wire bytes, like ``decode(_:from:strictness:limits:)``, and appends to
    /// `warnings` what it read leniently: each variant real systems send beyond the standard
    /// (a number for a string, `null`, another date format, a key in another letter case, …),
    /// under its own rule (see ``ValidationRule/wireNumberForText`` and its siblings).
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, strictness: WireStrictness = .lenient, limits: JSONLimits = .standard,
                                            warnings: inout [ValidationIssue]) throws -> T {
        try limits.check(data)
        let log = WireVariantLog()
        let decoder = decoder(strictness)
        decoder.userInfo[.dvcWireVariants] = log
        let value = try decoder.decode(type, from: data)
        warnings += log.drain()
        return value
    }

    /// Decodes a `T` from wire bytes, after checking them against `limits` (see ``JSONLimits``).
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, strictness: WireStrictness = .lenient,
                                            limits: JSONLimits = .standard) throws -> T {
        try limits.check(data)
        return try decoder(strictness).decode(type, from: data)
    }
}
