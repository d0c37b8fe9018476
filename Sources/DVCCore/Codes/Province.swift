/// A province-level unit (tỉnh / thành phố trực thuộc trung ương) of one era.
public struct Province: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 2-digit code, e.g. `01`.
    public let code: ProvinceCode
    /// The official name, e.g. `Thành phố Hà Nội`.
    public let name: String
    /// The era this record belongs to.
    public let era: AdministrativeEra

    /// Creates a record; DVCKit's own tables are the usual source (``AdministrativeUnits``).
    public init(code: ProvinceCode, name: String, era: AdministrativeEra) {
        self.code = code
        self.name = name
        self.era = era
    }

    /// `01 Thành phố Hà Nội`.
    public var description: String { "\(code) \(name)" }
}
