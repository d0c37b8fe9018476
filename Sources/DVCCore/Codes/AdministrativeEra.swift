/// The two eras of Vietnam's administrative map (thời kỳ đơn vị hành chính).
///
/// Until 2025-06-30 local government had three levels (province, district, commune; codes of
/// Decision 124/2004/QĐ-TTg). From 2025-07-01 it has two (34 provinces and 3,321 communes,
/// wards and special zones; codes of Decision 19/2025/QĐ-TTg). A commune code is unique within
/// one era; the same code can name different units in the two.
public enum AdministrativeEra: String, Sendable, Hashable, Codable, CaseIterable {
    /// 63 provinces, 696 districts, 10,061 communes; until 2025-06-30.
    case legacy
    /// 34 provinces, 3,321 communes; from 2025-07-01.
    case reform2025

    /// The first day of the two-level map: 2025-07-01.
    public static let reformDate = CalendarDate(unchecked: 2025, 7, 1)

    /// The era in force on `date`.
    public static func on(_ date: CalendarDate) -> AdministrativeEra {
        date < reformDate ? .legacy : .reform2025
    }

    /// The era in force today (UTC+07:00).
    public static var current: AdministrativeEra { on(.today) }
}
