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
    public var province: ProvinceCode?
    /// Announced changes (by default ``CalendarAdjustment/shipped``).
    public var adjustments: [CalendarAdjustment] {
        didSet { index = Self.index(adjustments, province: province) }
    }
    /// Days of the weekly rest, ISO weekdays (6 Saturday, 7 Sunday).
    public var weekend: Set<Int>
    private var index: [CalendarDate: CalendarAdjustment.Kind]

    /// Creates a calendar.
    public init(adjustments: [CalendarAdjustment] = CalendarAdjustment.shipped, province: ProvinceCode? = nil, weekend: Set<Int> = [6, 7]) {
        self.adjustments = adjustments
        self.province = province
        self.weekend = weekend
        self.index = Self.index(adjustments, province: province)
    }

    /// A statutory holiday of a year.
    public struct Holiday: Sendable, Hashable, CustomStringConvertible {
        /// The day.
        public let date: CalendarDate
        /// Its name in Vietnamese.
        public let name: String
        /// Whether it is a compensatory day for a holiday on a weekend (nghỉ bù).
        public let isCompensatory: Bool

        /// `2026-04-27 Giỗ Tổ Hùng Vương (nghỉ bù)`.
        public var description: String { "\(date) \(name)\(isCompensatory ? " (nghỉ bù)" : "")" }
    }

    /// The statutory holidays of `year` and their compensatory days, in date order.
    public func holidays(in year: Int) -> [Holiday] {
        func day(_ m: Int, _ d: Int) -> CalendarDate { CalendarDate(unchecked: year, m, d) }
        var days: [(CalendarDate, String)] = [(day(1, 1), "Tết Dương lịch")]
        if let newYear = LunarDate(day: 1, month: 1, year: year).solarDate {
            for offset in -1...3 { days.append((newYear.adding(days: offset), "Tết Nguyên đán")) }
        }
        if let hungKings = LunarDate(day: 10, month: 3, year: year).solarDate { days.append((hungKings, "Giỗ Tổ Hùng Vương")) }
        days += [(day(4, 30), "Ngày Chiến thắng"), (day(5, 1), "Ngày Quốc tế lao động"),
                 (day(9, 1), "Quốc khánh (ngày liền kề)"), (day(9, 2), "Quốc khánh")]
        days.sort { $0.0 < $1.0 }
        let taken = Set(days.map(\.0))
        var result = days.map { Holiday(date: $0.0, name: $0.1, isCompensatory: false) }
        var compensatory = Set<CalendarDate>()
        for (date, name) in days where weekend.contains(date.isoWeekday) {
            var next = date.adding(days: 1)
            while weekend.contains(next.isoWeekday) || taken.contains(next) || compensatory.contains(next) { next = next.adding(days: 1) }
            compensatory.insert(next)
            result.append(Holiday(date: next, name: name, isCompensatory: true))
        }
        return result.sorted { $0.date < $1.date }
    }

    /// Whether `date` is a working day.
    public func isWorkingDay(_ date: CalendarDate) -> Bool {
        if let kind = index[date] { return kind == .workingDay }
        if weekend.contains(date.isoWeekday) { return false }
        return !statutoryDaysOff(date.year).contains(date)
    }

    /// The first working day after `date`.
    public func nextWorkingDay(after date: CalendarDate) -> CalendarDate {
        var next = date.adding(days: 1)
        while !isWorkingDay(next) { next = next.adding(days: 1) }
        return next
    }

    private func statutoryDaysOff(_ year: Int) -> Set<CalendarDate> {
        if weekend == [6, 7], let cached = StatutoryDaysOff.shared.days(in: year) { return cached }
        return Set(holidays(in: year).map(\.date))
    }

    private static func index(_ adjustments: [CalendarAdjustment], province: ProvinceCode?) -> [CalendarDate: CalendarAdjustment.Kind] {
        var index: [CalendarDate: CalendarAdjustment.Kind] = [:]
        for adjustment in adjustments where adjustment.province == nil { index[adjustment.date] = adjustment.kind }
        for adjustment in adjustments where adjustment.province != nil && adjustment.province == province { index[adjustment.date] = adjustment.kind }
        return index
    }
}

/// The statutory days off of 1900–2199 for the standard weekend, computed once: deadlines walk
/// day by day, and the lunar computation is far too slow to repeat for every day.
final class StatutoryDaysOff: Sendable {
    static let shared = StatutoryDaysOff()
    private let years: [Set<CalendarDate>]
    private static let firstYear = 1900

    private init() {
        let calendar = WorkingCalendar(adjustments: [])
        years = (Self.firstYear..<2200).map { Set(calendar.holidays(in: $0).map(\.date)) }
    }

    func days(in year: Int) -> Set<CalendarDate>? {
        let index = year - Self.firstYear
        return index >= 0 && index < years.count ? years[index] : nil
    }
}
