/// Vietnam's administrative units (đơn vị hành chính) of both eras, built into DVCKit: look up
/// provinces, districts and communes by code and date or by name, and follow a legacy commune
/// to the 2025 commune(s) it became.
///
/// The tables come from the National Statistics Office's code lists (Decision 124/2004/QĐ-TTg
/// for the legacy era, Decision 19/2025/QĐ-TTg from 2025-07-01) and its conversion table; they
/// are compiled into the binary (`Scripts/generate-admin-units.py`), never read from disk.
///
/// ```swift
/// let day = CalendarDate(year: 2026, month: 1, day: 5)!
/// AdministrativeUnits.ward(code: try WardCode("00070"), on: day)?.name   // "Phường Hoàn Kiếm"
/// AdministrativeUnits.wards(named: "phuong hoan kiem")                    // [] — diacritics matter
/// AdministrativeUnits.wards(named: "Hoàn Kiếm", on: day).first?.code      // 00070
/// AdministrativeUnits.successors(ofLegacyWard: try WardCode("00001"))     // → 00097 Phường Hồng Hà
/// ```
public enum AdministrativeUnits {
    private static var tables: AdministrativeUnitTables { .shared }

    // MARK: - Whole tables

    /// Every province of `era` (34 from 2025-07-01, 63 before), ordered by code.
    public static func provinces(in era: AdministrativeEra) -> [Province] {
        era == .legacy ? tables.provincesLegacy : tables.provinces2025
    }

    /// Every legacy district (696), ordered by code.
    public static var districts: [District] { tables.districts }

    /// Every commune-level unit of `era` (3,321 from 2025-07-01, 10,061 before), ordered by code.
    public static func wards(in era: AdministrativeEra) -> [Ward] {
        era == .legacy ? tables.wardsLegacy : tables.wards2025
    }

    /// Every row of the 2025 conversion table (10,571 rows).
    public static var successions: [WardSuccession] { tables.successions }

    // MARK: - By code

    /// The province `code` names on `date`, or `nil` when it named none then.
    public static func province(code: ProvinceCode, on date: CalendarDate = .today) -> Province? {
        code.province(on: date)
    }

    /// The legacy district `code` named.
    public static func district(code: DistrictCode) -> District? { code.district }

    /// The commune `code` names on `date`, or `nil` when it named none then.
    public static func ward(code: WardCode, on date: CalendarDate = .today) -> Ward? {
        tables.ward(code.number, era: .on(date))
    }

    /// The communes of `province` in force on `date`.
    public static func wards(in province: ProvinceCode, on date: CalendarDate = .today) -> [Ward] {
        wards(in: .on(date)).filter { $0.province.code == province }
    }

    /// The communes of a legacy district.
    public static func wards(in district: DistrictCode) -> [Ward] {
        tables.wardsLegacy.filter { $0.district?.code == district }
    }

    // MARK: - By name

    /// Provinces of the era in force on `date` whose name matches `name`, with or without the
    /// unit-type word (`Hà Nội` and `Thành phố Hà Nội` both match), insensitive to case,
    /// Unicode normalization and tone-mark placement.
    public static func provinces(named name: some StringProtocol, on date: CalendarDate = .today) -> [Province] {
        NameIndex.shared.provinces(VietnameseNameKey.make(name), era: .on(date))
    }

    /// Communes of the era in force on `date` whose name matches `name` (see
    /// ``provinces(named:on:)`` for the matching rules), optionally within one province.
    /// Names repeat across provinces, so expect several results without `province`.
    public static func wards(named name: some StringProtocol, on date: CalendarDate = .today, in province: ProvinceCode? = nil) -> [Ward] {
        let found = NameIndex.shared.wards(VietnameseNameKey.make(name), era: .on(date))
        guard let province else { return found }
        return found.filter { $0.province.code == province }
    }

    // MARK: - The 2025 reform

    /// The 2025 commune(s) a legacy commune became, with the relation of each (a commune
    /// split between several successors has one `.part` row per successor).
    public static func successors(ofLegacyWard code: WardCode) -> [WardSuccession] {
        tables.successions(ofLegacyWard: code.number)
    }

    /// Conversion rows for a legacy district as a whole: the island districts that had no
    /// communes (e.g. `318` Bạch Long Vĩ → đặc khu Bạch Long Vĩ), and land outside any commune.
    public static func successors(ofLegacyDistrict code: DistrictCode) -> [WardSuccession] {
        tables.successions(ofLegacyDistrict: code.number)
    }

    /// The legacy communes and districts that became (part of) a 2025 commune.
    public static func predecessors(of code: WardCode) -> [WardSuccession] {
        tables.successions(withSuccessor: code.number)
    }
}

/// Name → units indexes, built on the first name lookup only (code lookups never pay for them).
private final class NameIndex: Sendable {
    static let shared = NameIndex()

    private let provinces: [AdministrativeEra: [String: [Province]]]
    private let wards: [AdministrativeEra: [String: [Ward]]]

    private init() {
        var provinces: [AdministrativeEra: [String: [Province]]] = [:]
        var wards: [AdministrativeEra: [String: [Ward]]] = [:]
        for era in AdministrativeEra.allCases {
            provinces[era] = Self.index(AdministrativeUnits.provinces(in: era), name: \.name)
            wards[era] = Self.index(AdministrativeUnits.wards(in: era), name: \.name)
        }
        self.provinces = provinces
        self.wards = wards
    }

    func provinces(_ key: String, era: AdministrativeEra) -> [Province] { provinces[era]?[key] ?? [] }
    func wards(_ key: String, era: AdministrativeEra) -> [Ward] { wards[era]?[key] ?? [] }

    private static func index<Unit>(_ units: [Unit], name: KeyPath<Unit, String>) -> [String: [Unit]] {
        var index: [String: [Unit]] = [:]
        for unit in units {
            let key = VietnameseNameKey.make(unit[keyPath: name])
            index[key, default: []].append(unit)
            if let short = VietnameseNameKey.withoutTypePrefix(key) { index[short, default: []].append(unit) }
        }
        return index
    }
}
