/// `Data` appears in this file's public API.
public import Foundation

/// One change the authorities announce to the ordinary working calendar (điều chỉnh lịch làm việc):
/// a weekday off for civil servants, or a Saturday worked to make up for it — nationally or in
/// one province. Each carries its source and confidence, so a wrong row is a one-line fix.
public struct CalendarAdjustment: Sendable, Hashable, Codable {
    /// What the adjustment does to the day.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The day is not a working day (a holiday, a Tết day, a swapped day off).
        case dayOff = "day-off"
        /// The day is a working day although it is a weekend (a make-up day, ngày làm bù).
        case workingDay = "working-day"
    }

    /// The day.
    public var date: CalendarDate
    /// Day off or working day.
    public var kind: Kind
    /// What it is, e.g. `Tết Nguyên đán (nghỉ bù)`.
    public var name: String
    /// The notice that announced it, e.g. `9859/VPCP-KGVX`.
    public var source: String
    /// `V` verified, `P` partly verified, `U` unverified (from memory; check before relying on it).
    public var confidence: String
    /// The province it applies to (`nil`: nationwide).
    public var province: ProvinceCode?

    /// Creates an adjustment.
    public init(date: CalendarDate, kind: Kind, name: String, source: String, confidence: String, province: ProvinceCode? = nil) {
        self.date = date
        self.kind = kind
        self.name = name
        self.source = source
        self.confidence = confidence
        self.province = province
    }

    /// Decodes a JSON array of adjustments, e.g. a file published by your province.
    public static func list(fromJSON data: Data) throws -> [CalendarAdjustment] {
        try JSONDecoder().decode([CalendarAdjustment].self, from: data)
    }

    /// The civil-service adjustments DVCKit ships for 2025 and 2026 (`spec/codes-and-rules.md`
    /// §10.2a). Rows marked `U` come from memory of the yearly notices and must be checked;
    /// replace or extend them with your own list.
    public static let shipped: [CalendarAdjustment] = {
        func day(_ y: Int, _ m: Int, _ d: Int) -> CalendarDate { CalendarDate(unchecked: y, m, d) }
        func off(_ dates: [CalendarDate], _ name: String, _ source: String, _ confidence: String) -> [CalendarAdjustment] {
            dates.map { CalendarAdjustment(date: $0, kind: .dayOff, name: name, source: source, confidence: confidence) }
        }
        let tet2025 = (27...31).map { day(2025, 1, $0) }
        let tet2026 = (16...20).map { day(2026, 2, $0) }
        return off(tet2025, "Tết Nguyên đán 2025", "yearly notice, 2025 (number unchecked)", "U")
            + [CalendarAdjustment(date: day(2025, 2, 15), kind: .workingDay, name: "làm bù Tết Nguyên đán 2025", source: "yearly notice, 2025 (number unchecked)", confidence: "U")]
            + off([day(2025, 5, 2)], "nghỉ hoán đổi 30/4–1/5/2025", "yearly notice, 2025 (number unchecked)", "U")
            + [CalendarAdjustment(date: day(2025, 4, 26), kind: .workingDay, name: "làm bù 2/5/2025", source: "yearly notice, 2025 (number unchecked)", confidence: "U")]
            + off(tet2026, "Tết Nguyên đán 2026", "9859/VPCP-KGVX (approving 8764/BNV-CVL)", "V")
    }()
}
