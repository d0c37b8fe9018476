/// The calendar of working days (ngày làm việc) that processing deadlines are counted in: Monday
/// to Friday, less public holidays, compensatory days and announced days off, plus announced
/// make-up Saturdays.
///
/// Statutory holidays (Labour Code 2019, Art. 112) are computed for every year: 1 January;
/// Tết — the last day of the lunar year and the first four days of the new one (the Prime
/// Minister fixes the exact five days each year **[U]**, so the yearly adjustments override);
/// 30 April; 1 May; 2 September and one adjacent day (the day before by default **[U]**); and
/// Hùng Kings' day, 10th day of the 3rd lunar month. A holiday on a weekend gives the next
/// working day off (Art. 111(3)). Lunar dates are computed for UTC+07:00 (``LunarDate``).
/// Announced changes (``CalendarAdjustment``) apply on top, nationally or per province.
///
/// ```swift
/// let calendar = WorkingCalendar()
/// calendar.isWorkingDay(CalendarDate(year: 2026, month: 4, day: 27)!)   // false: compensatory day
/// ```
public struct WorkingCalendar: Sendable {
    /// The province whose adjustments apply besides the national ones (`nil`: national only).
    public var province: ProvinceCode? {
        didSet { index = Index(adjustments, province: province) }
    }
    /// Announced changes (by default ``CalendarAdjustment/shipped``).
    public var adjustments: [CalendarAdjustment] {
        didSet { index = Index(adjustments, province: province) }
    }
    /// Days of the weekly rest, ISO weekdays (6 Saturday, 7 Sunday). A calendar whose week has no
    /// working day at all finds none (searches stop after ``searchLimit`` days).
    public var weekend: Set<Int>
    /// Whether a deadline in calendar days that ends on a day off ends instead at the close of the
    /// next working day (Civil Code 2015, Art. 148(5); default `true`).
    public var calendarDaysEndOnAWorkingDay: Bool
    private var index: Index

    /// How far any search for a working day goes (100 years): a calendar with none never hangs.
    public static let searchLimit = 36_525

    /// Creates a calendar.
    public init(adjustments: [CalendarAdjustment] = CalendarAdjustment.shipped, province: ProvinceCode? = nil, weekend: Set<Int> = [6, 7],
                calendarDaysEndOnAWorkingDay: Bool = true) {
        self.adjustments = adjustments
        self.province = province
        self.weekend = weekend
        self.calendarDaysEndOnAWorkingDay = calendarDaysEndOnAWorkingDay
        self.index = Index(adjustments, province: province)
    }

    /// A statutory holiday of a year.
    public struct Holiday: Sendable, Hashable, CustomStringConvertible {
        /// The day.
        public let date: CalendarDate
        /// Its name in Vietnamese.
        public let name: String
        /// Whether it is a compensatory day for a holiday on a weekend (nghỉ bù).
        public let isCompensatory: Bool
        /// The occasion it belongs to.
        public let occasion: CalendarAdjustment.Occasion

        /// `2026-04-27 Giỗ Tổ Hùng Vương (nghỉ bù)`.
        public var description: String { "\(date) \(name)\(isCompensatory ? " (nghỉ bù)" : "")" }
    }

    /// The statutory holidays of `year` and their compensatory days, in date order, as the Labour
    /// Code gives them — before any announcement (``CalendarAdjustment``) replaces an occasion.
    public func holidays(in year: Int) -> [Holiday] {
        func day(_ m: Int, _ d: Int) -> CalendarDate { CalendarDate(unchecked: year, m, d) }
        typealias Occasion = CalendarAdjustment.Occasion
        var days: [(CalendarDate, String, Occasion)] = [(day(1, 1), "Tết Dương lịch", .newYear)]
        if let newYear = LunarDate(day: 1, month: 1, year: year).solarDate {
            for offset in -1...3 { days.append((newYear.adding(days: offset), "Tết Nguyên đán", .lunarNewYear)) }
        }
        if let hungKings = LunarDate(day: 10, month: 3, year: year).solarDate { days.append((hungKings, "Giỗ Tổ Hùng Vương", .hungKings)) }
        days += [(day(4, 30), "Ngày Chiến thắng", .aprilMay), (day(5, 1), "Ngày Quốc tế lao động", .aprilMay),
                 (day(9, 1), "Quốc khánh (ngày liền kề)", .nationalDay), (day(9, 2), "Quốc khánh", .nationalDay)]
        days.sort { $0.0 < $1.0 }
        let taken = Set(days.map(\.0))
        var result = days.map { Holiday(date: $0.0, name: $0.1, isCompensatory: false, occasion: $0.2) }
        var compensatory = Set<CalendarDate>()
        guard weekend.count < 7 else { return result }
        for (date, name, occasion) in days where weekend.contains(date.isoWeekday) {
            var next = date.adding(days: 1)
            while weekend.contains(next.isoWeekday) || taken.contains(next) || compensatory.contains(next) { next = next.adding(days: 1) }
            compensatory.insert(next)
            result.append(Holiday(date: next, name: name, isCompensatory: true, occasion: occasion))
        }
        return result.sorted { $0.date < $1.date }
    }

    /// Whether `date` is a working day.
    public func isWorkingDay(_ date: CalendarDate) -> Bool {
        if let kind = index.days[date] { return kind == .workingDay }
        if weekend.contains(date.isoWeekday) { return false }
        guard let occasion = statutoryDaysOff(date.year)[date] else { return true }
        // An occasion the authorities announced for this year keeps only the announced days.
        return index.announced.contains(OccasionYear(occasion: occasion, year: date.year))
    }

    /// The first working day after `date` (or, for a calendar with no working day, the day
    /// ``searchLimit`` days later).
    public func nextWorkingDay(after date: CalendarDate) -> CalendarDate {
        var next = date.adding(days: 1)
        var steps = 1
        while !isWorkingDay(next) && steps < Self.searchLimit {
            next = next.adding(days: 1)
            steps += 1
        }
        return next
    }

    /// Whether the authorities' days for `year` are known to this calendar: its adjustments
    /// (national, or this calendar's province) announce that year's Tết — the one holiday whose
    /// days are fixed anew each year. Otherwise the year's deadlines rest on the statutory rule
    /// alone, which the yearly notices often change.
    public func hasAnnouncedDays(for year: Int) -> Bool {
        index.announced.contains(OccasionYear(occasion: .lunarNewYear, year: year))
    }

    private func statutoryDaysOff(_ year: Int) -> [CalendarDate: CalendarAdjustment.Occasion] {
        if weekend == [6, 7], let cached = StatutoryDaysOff.shared.days(in: year) { return cached }
        return Dictionary(holidays(in: year).map { ($0.date, $0.occasion) }, uniquingKeysWith: { first, _ in first })
    }

    struct OccasionYear: Hashable {
        let occasion: CalendarAdjustment.Occasion
        let year: Int
    }

    /// The adjustments that apply, by day, and the occasions they announce.
    private struct Index: Sendable {
        var days: [CalendarDate: CalendarAdjustment.Kind] = [:]
        var announced: Set<OccasionYear> = []

        init(_ adjustments: [CalendarAdjustment], province: ProvinceCode?) {
            let national = adjustments.filter { $0.province == nil }
            let local = adjustments.filter { $0.province != nil && $0.province == province }
            for adjustment in national + local {
                days[adjustment.date] = adjustment.kind
                if let occasion = adjustment.occasion { announced.insert(OccasionYear(occasion: occasion, year: adjustment.date.year)) }
            }
        }
    }
}

/// The statutory days off of 1900–2199 for the standard weekend, computed once: deadlines walk
/// day by day, and the lunar computation is far too slow to repeat for every day.
final class StatutoryDaysOff: Sendable {
    static let shared = StatutoryDaysOff()
    private let years: [[CalendarDate: CalendarAdjustment.Occasion]]
    private static let firstYear = 1900

    private init() {
        let calendar = WorkingCalendar(adjustments: [])
        years = (Self.firstYear..<2200).map { year in
            Dictionary(calendar.holidays(in: year).map { ($0.date, $0.occasion) }, uniquingKeysWith: { first, _ in first })
        }
    }

    func days(in year: Int) -> [CalendarDate: CalendarAdjustment.Occasion]? {
        let index = year - Self.firstYear
        return index >= 0 && index < years.count ? years[index] : nil
    }
}
