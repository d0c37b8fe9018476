import Foundation

/// How a dialect writes payload values (kiểu ghi dữ liệu): the date format, and the fields it
/// writes as JSON numbers. The standard's form — every value a string, dates `yyyyMMddHHmmss` —
/// is ``canonical``; DVCKit writes nothing else unless a ``PortalDialect`` asks.
public struct WireStyle: Sendable, Hashable, Codable {
    /// The format of every timestamp written.
    public var timestampFormat: PortalTimestamp.Format
    /// Wire keys (e.g. `LoaiDoiTuong`, `TrangThaiHoSo`) whose all-digit values are written as JSON numbers.
    public var numericFields: Set<String>

    /// Creates a style; the defaults are the standard's.
    public init(timestampFormat: PortalTimestamp.Format = .compact, numericFields: Set<String> = []) {
        self.timestampFormat = timestampFormat
        self.numericFields = numericFields
    }

    /// The standard's form.
    public static let canonical = WireStyle()

    /// Whether the style is the standard's.
    public var isCanonical: Bool { timestampFormat == .compact && numericFields.isEmpty }
}

extension CodingUserInfoKey {
    /// The ``WireStyle`` an encoder applies to DVCCore models (default ``WireStyle/canonical``).
    public static let dvcWireStyle: CodingUserInfoKey = .dvc("wire-style")
}

extension Encoder {
    /// The style requested through `userInfo`, canonical by default.
    var wireStyle: WireStyle { (userInfo[.dvcWireStyle] as? WireStyle) ?? .canonical }
}
