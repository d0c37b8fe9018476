/// One row of the 2025 reform's conversion table: a legacy commune (or, for island districts
/// without communes, a whole legacy district) and a 2025 commune it became part of.
public struct WardSuccession: Sendable, Hashable, Codable {
    /// How the legacy unit relates to its successor (the official conversion table's wording).
    public enum Relation: String, Sendable, Hashable, Codable, CaseIterable {
        /// Merged in whole (nhập toàn bộ).
        case whole
        /// Partly merged (nhập một phần); the legacy unit has more than one successor.
        case part
        /// Kept as it was (giữ nguyên).
        case unchanged
        /// Renamed (đổi tên).
        case renamed
        /// Changed type, e.g. xã → phường (đổi loại hình).
        case retyped
        /// Anything else the table describes in its note.
        case other
    }

    /// The legacy commune, or `nil` when the row converts a whole district (``legacyDistrict``).
    public let legacyWard: WardCode?
    /// The legacy district the legacy unit belonged to.
    public let legacyDistrict: DistrictCode
    /// The 2025 commune the legacy unit (or part of it) became.
    public let successor: WardCode
    /// How the two relate.
    public let relation: Relation
    /// The conversion table's own note, in Vietnamese (e.g. `Nhập một phần diện tích`).
    public let note: String

    /// Creates a row; DVCKit's own table is the usual source (``AdministrativeUnits``).
    public init(legacyWard: WardCode?, legacyDistrict: DistrictCode, successor: WardCode, relation: Relation, note: String) {
        self.legacyWard = legacyWard
        self.legacyDistrict = legacyDistrict
        self.successor = successor
        self.relation = relation
        self.note = note
    }
}
