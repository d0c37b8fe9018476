/// `Data` appears in this file's public API.
public import Foundation

/// One change the authorities announce to the ordinary working calendar (điều chỉnh lịch làm việc):
/// a weekday off for civil servants, or a Saturday worked to make up for it — nationally or in
/// one province. Each carries its source and confidence, so a wrong row is a one-line fix.
///
/// An adjustment that names its ``occasion`` *replaces* the computed days of that occasion in its
/// year: once the Prime Minister's days for Tết 2025 are known, the statutory five days and their
/// computed compensatory days no longer count — only the announced ones do (Labour Code 2019,
/// Art. 112(3): the Prime Minister fixes the Tết and National Day holidays each year).
public struct CalendarAdjustment: Sendable, Hashable, Codable {
    /// What the adjustment does to the day.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The day is not a working day (a holiday, a Tết day, a swapped day off).
        case dayOff = "day-off"
        /// The day is a working day although it is a weekend (a make-up day, ngày làm bù).
        case workingDay = "working-day"
    }

    /// How far a row was checked against its notice.
    public enum Confidence: String, Sendable, Hashable, Codable {
        /// Checked against the notice (`V`).
        case verified = "V"
        /// Partly checked (`P`).
        case partlyVerified = "P"
        /// From memory of the yearly notice; check before relying on it (`U`).
        case unverified = "U"
    }

    /// A holiday occasion (dịp nghỉ lễ) whose days the authorities fix each year. An open list.
    public struct Occasion: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The name.
        public let rawValue: String
        /// Creates an occasion.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The name.
        public var description: String { rawValue }

        /// Tết Dương lịch, 1 January.
        public static let newYear = Occasion(rawValue: "new-year")
        /// Tết Nguyên đán, the lunar New Year.
        public static let lunarNewYear = Occasion(rawValue: "lunar-new-year")
        /// Giỗ Tổ Hùng Vương, 10th day of the 3rd lunar month.
        public static let hungKings = Occasion(rawValue: "hung-kings")
        /// 30 April and 1 May together (Ngày Chiến thắng, Ngày Quốc tế lao động), usually swapped as one break.
        public static let aprilMay = Occasion(rawValue: "april-may")
        /// Quốc khánh, 2 September and an adjacent day.
        public static let nationalDay = Occasion(rawValue: "national-day")
    }

    /// The day.
    public var date: CalendarDate
    /// Day off or working day.
    public var kind: Kind
    /// What it is, e.g. `Tết Nguyên đán (nghỉ bù)`.
    public var name: String
    /// The notice that announced it, e.g. `9859/VPCP-KGVX`.
    public var source: String
    /// How far it was checked.
    public var confidence: Confidence
    /// The province it applies to (`nil`: nationwide).
    public var province: ProvinceCode?
    /// The occasion whose computed days in this year this announcement replaces (`nil`: it only
    /// changes its own day).
    public var occasion: Occasion?

    /// Creates an adjustment.
    public init(date: CalendarDate, kind: Kind, name: String, source: String, confidence: Confidence, province: ProvinceCode? = nil,
                occasion: Occasion? = nil) {
        self.date = date
        self.kind = kind
        self.name = name
        self.source = source
        self.confidence = confidence
        self.province = province
        self.occasion = occasion
    }

    /// Decodes a JSON array of adjustments, e.g. a file published by your province.
    public static func list(fromJSON data: Data) throws -> [CalendarAdjustment] {
        try JSONDecoder().decode([CalendarAdjustment].self, from: data)
    }

    /// The civil-service adjustments DVCKit ships, 2025 and 2026, national: every day off of an
    /// occasion the authorities announced (weekdays only; weekends are off anyway), its make-up
    /// Saturdays, and nothing for occasions where the statutory rule gives the announced days.
    ///
    /// - Tết 2025: Sat 25 Jan – Sun 2 Feb off, Sat 15 Feb worked (the civil-service notice of 2025,
    ///   number unchecked: `U`). Without this row the computed compensatory Monday 3 Feb would be
    ///   taken off, and every deadline across it would come out a day late.
    /// - 30 April – 1 May 2025: Wed 30 Apr – Sun 4 May off, Sat 26 Apr worked (`U`).
    /// - Tết 2026: Sat 14 – Sun 22 Feb off (Official Letter 9859/VPCP-KGVX approving 8764/BNV-CVL: `V`).
    /// - New Year 2025 and 2026, Hùng Kings 2025 (Mon 7 Apr) and 2026 (Sun 26 Apr, Mon 27 Apr
    ///   compensatory), National Day 2025 (Mon 1 – Tue 2 Sep) follow the statutory rule as announced.
    ///
    /// Replace or extend it with your own list (``list(fromJSON:)``); a province adds its own rows
    /// with ``province`` set.
    public static let shipped: [CalendarAdjustment] = {
        func day(_ y: Int, _ m: Int, _ d: Int) -> CalendarDate { CalendarDate(unchecked: y, m, d) }
        func off(_ dates: [CalendarDate], _ name: String, _ source: String, _ confidence: Confidence, _ occasion: Occasion) -> [CalendarAdjustment] {
            dates.map { CalendarAdjustment(date: $0, kind: .dayOff, name: name, source: source, confidence: confidence, occasion: occasion) }
        }
        func worked(_ date: CalendarDate, _ name: String, _ source: String, _ confidence: Confidence, _ occasion: Occasion) -> CalendarAdjustment {
            CalendarAdjustment(date: date, kind: .workingDay, name: name, source: source, confidence: confidence, occasion: occasion)
        }
        let notice2025 = "civil-service holiday notice for 2025 (number unchecked)"
        let tet2026 = "9859/VPCP-KGVX (approving 8764/BNV-CVL)"
        return off((27...31).map { day(2025, 1, $0) }, "Tết Nguyên đán 2025", notice2025, .unverified, .lunarNewYear)
            + [worked(day(2025, 2, 15), "làm bù Tết Nguyên đán 2025", notice2025, .unverified, .lunarNewYear)]
            + off([day(2025, 4, 30), day(2025, 5, 1), day(2025, 5, 2)], "30/4–1/5/2025", notice2025, .unverified, .aprilMay)
            + [worked(day(2025, 4, 26), "làm bù 2/5/2025", notice2025, .unverified, .aprilMay)]
            + off((16...20).map { day(2026, 2, $0) }, "Tết Nguyên đán 2026", tet2026, .verified, .lunarNewYear)
    }()
}
