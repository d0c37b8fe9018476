/// A district-level unit (quận, huyện, thị xã, thành phố thuộc tỉnh) of the legacy era; the
/// district level was abolished on 2025-07-01.
public struct District: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 3-digit code, e.g. `001`.
    public let code: DistrictCode
    /// The official name, e.g. `Quận Ba Đình`.
    public let name: String
    /// The province it belonged to (legacy era).
    public let province: Province

    /// Creates a record; DVCKit's own tables are the usual source (``AdministrativeUnits``).
    public init(code: DistrictCode, name: String, province: Province) {
        self.code = code
        self.name = name
        self.province = province
    }

    /// `001 Quận Ba Đình`.
    public var description: String { "\(code) \(name)" }
}
