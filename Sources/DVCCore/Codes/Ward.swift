/// A commune-level unit (đơn vị hành chính cấp xã: xã, phường, thị trấn, đặc khu) of one era.
public struct Ward: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The type of a commune-level unit.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// xã (rural commune).
        case commune = "xã"
        /// phường (urban ward).
        case ward = "phường"
        /// thị trấn (township; legacy era only).
        case township = "thị trấn"
        /// đặc khu (special zone; from 2025-07-01, the former island districts).
        case specialZone = "đặc khu"
    }

    /// The 5-digit code, e.g. `00070`.
    public let code: WardCode
    /// The official name, e.g. `Phường Hoàn Kiếm`.
    public let name: String
    /// The unit's type.
    public let kind: Kind
    /// The era this record belongs to.
    public let era: AdministrativeEra
    /// The province it belongs to in that era.
    public let province: Province
    /// The district it belonged to (legacy era only; `nil` from 2025-07-01).
    public let district: District?

    /// Creates a record; DVCKit's own tables are the usual source (``AdministrativeUnits``).
    public init(code: WardCode, name: String, kind: Kind, era: AdministrativeEra, province: Province, district: District?) {
        self.code = code
        self.name = name
        self.kind = kind
        self.era = era
        self.province = province
        self.district = district
    }

    /// `00070 Phường Hoàn Kiếm, Thành phố Hà Nội`.
    public var description: String { "\(code) \(name), \(province.name)" }
}
