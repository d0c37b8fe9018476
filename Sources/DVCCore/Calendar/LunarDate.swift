import Foundation

/// A date of the Vietnamese lunisolar calendar (âm lịch), computed for the UTC+07:00 meridian.
///
/// The Vietnamese calendar is the Chinese one computed for UTC+7 instead of UTC+8, so new moons
/// near midnight can fall on different days and the two calendars occasionally differ (e.g.
/// Tết 1985). Months start at the astronomical new moon; month 11 contains the winter solstice;
/// a year with 13 months repeats the first month without a major solar term (tháng nhuận).
/// New moons and solar longitudes use the classical astronomical series (Meeus), accurate to
/// well under an hour for 1900–2100, which is what the published holiday dates need.
///
/// ```swift
/// LunarDate(CalendarDate(year: 2026, month: 2, day: 17)!)           // 1/1 Bính Ngọ (Tết)
/// LunarDate(day: 10, month: 3, year: 2026).solarDate                 // 2026-04-26, Hùng Kings' day
/// ```
public struct LunarDate: Sendable, Hashable, CustomStringConvertible {
    /// Day of the lunar month, 1–30.
    public let day: Int
    /// Lunar month, 1–12.
    public let month: Int
    /// The lunar year, numbered as the Gregorian year in which it mostly falls.
    public let year: Int
    /// Whether this is the repeated (leap) month.
    public let isLeapMonth: Bool

    /// The hours east of UTC the calendar is computed for.
    public static let timeZone = 7.0

    /// Creates a lunar date from its parts (not checked against the calendar; see ``solarDate``).
    public init(day: Int, month: Int, year: Int, isLeapMonth: Bool = false) {
        self.day = day
        self.month = month
        self.year = year
        self.isLeapMonth = isLeapMonth
    }

    /// The lunar date of a Gregorian day.
    public init(_ date: CalendarDate) {
        let dayNumber = Self.julianDay(date)
        // Floor, not truncation: before 1900 the offset is negative.
        let k = Int(((Double(dayNumber) - 2_415_021.076998695) / 29.530588853).rounded(.down))
        var monthStart = Self.newMoonDay(k + 1)
        if monthStart > dayNumber { monthStart = Self.newMoonDay(k) }
        // The estimate can be one lunation ahead (2054-05-07, 2062-04-09): step back once more.
        if monthStart > dayNumber { monthStart = Self.newMoonDay(k - 1) }
        var a11 = Self.lunarMonth11(date.year)
        var b11 = a11
        var lunarYear: Int
        if a11 >= monthStart {
            lunarYear = date.year
            a11 = Self.lunarMonth11(date.year - 1)
        } else {
            lunarYear = date.year + 1
            b11 = Self.lunarMonth11(date.year + 1)
        }
        let lunarDay = dayNumber - monthStart + 1
        let diff = (monthStart - a11) / 29
        var isLeap = false
        var lunarMonth = diff + 11
        if b11 - a11 > 365 {
            let leapDiff = Self.leapMonthOffset(a11)
            if diff >= leapDiff {
                lunarMonth = diff + 10
                isLeap = diff == leapDiff
            }
        }
        if lunarMonth > 12 { lunarMonth -= 12 }
        if lunarMonth >= 11 && diff < 4 { lunarYear -= 1 }
        self.init(day: lunarDay, month: lunarMonth, year: lunarYear, isLeapMonth: isLeap)
    }

    /// The Gregorian day of this lunar date, or `nil` when it does not exist (a leap month the
    /// year does not have, or day 30 of a 29-day month).
    public var solarDate: CalendarDate? {
        let a11: Int, b11: Int
        if month < 11 {
            a11 = Self.lunarMonth11(year - 1)
            b11 = Self.lunarMonth11(year)
        } else {
            a11 = Self.lunarMonth11(year)
            b11 = Self.lunarMonth11(year + 1)
        }
        let k = Int((0.5 + (Double(a11) - 2_415_021.076998695) / 29.530588853).rounded(.down))
        var offset = month - 11
        if offset < 0 { offset += 12 }
        if b11 - a11 > 365 {
            let leapOffset = Self.leapMonthOffset(a11)
            var leapMonth = leapOffset - 2
            if leapMonth < 0 { leapMonth += 12 }
            if isLeapMonth && month != leapMonth { return nil }
            if isLeapMonth || offset >= leapOffset { offset += 1 }
        } else if isLeapMonth {
            return nil
        }
        let monthStart = Self.newMoonDay(k + offset)
        let nextMonthStart = Self.newMoonDay(k + offset + 1)
        guard day >= 1, monthStart + day - 1 < nextMonthStart else { return nil }
        return CalendarDate(daysSinceEpoch: monthStart + day - 1 - 2_440_588)
    }

    /// `10/3/2026` (with `nhuận` for a leap month).
    public var description: String { "\(day)/\(month)\(isLeapMonth ? " nhuận" : "")/\(year)" }

    // MARK: - Astronomy

    /// The Julian day number of a Gregorian day.
    static func julianDay(_ date: CalendarDate) -> Int { date.daysSinceEpoch + 2_440_588 }

    /// The day (Julian day number, local to UTC+7) of the `k`-th new moon after 1900-01-01.
    static func newMoonDay(_ k: Int) -> Int {
        Int((newMoon(Double(k)) + 0.5 + timeZone / 24).rounded(.down))
    }

    /// The Julian date of the `k`-th new moon (Meeus, chapter 49, abridged).
    static func newMoon(_ k: Double) -> Double {
        let t = k / 1236.85, t2 = t * t, t3 = t2 * t
        let dr = Double.pi / 180
        var jd1 = 2_415_020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
        jd1 += 0.00033 * sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)
        let m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3
        let mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3
        let f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3
        var c1 = (0.1734 - 0.000393 * t) * sin(m * dr) + 0.0021 * sin(2 * dr * m)
        c1 = c1 - 0.4068 * sin(mpr * dr) + 0.0161 * sin(dr * 2 * mpr)
        c1 = c1 - 0.0004 * sin(dr * 3 * mpr)
        c1 = c1 + 0.0104 * sin(dr * 2 * f) - 0.0051 * sin(dr * (m + mpr))
        c1 = c1 - 0.0074 * sin(dr * (m - mpr)) + 0.0004 * sin(dr * (2 * f + m))
        c1 = c1 - 0.0004 * sin(dr * (2 * f - m)) - 0.0006 * sin(dr * (2 * f + mpr))
        c1 = c1 + 0.0010 * sin(dr * (2 * f - mpr)) + 0.0005 * sin(dr * (2 * mpr + m))
        let deltaT = t < -11
            ? 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
            : -0.000278 + 0.000265 * t + 0.000262 * t2
        return jd1 + c1 - deltaT
    }

    /// The sun's apparent longitude in radians at Julian date `jd` (Meeus, chapter 25, abridged).
    static func sunLongitude(_ jd: Double) -> Double {
        let t = (jd - 2_451_545.0) / 36_525, t2 = t * t
        let dr = Double.pi / 180
        let m = 357.52910 + 35_999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
        let l0 = 280.46645 + 36_000.76983 * t + 0.0003032 * t2
        var dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * sin(dr * m)
        dl += (0.019993 - 0.000101 * t) * sin(dr * 2 * m) + 0.000290 * sin(dr * 3 * m)
        var l = (l0 + dl) * dr
        l -= Double.pi * 2 * (l / (Double.pi * 2)).rounded(.down)
        return l
    }

    /// Which of the twelve 30° sectors the sun is in at the start of local day `dayNumber`.
    static func sunSector(_ dayNumber: Int) -> Int {
        Int((sunLongitude(Double(dayNumber) - 0.5 - timeZone / 24) / Double.pi * 6).rounded(.down))
    }

    /// The first day of the lunar month containing the winter solstice of Gregorian `year`.
    static func lunarMonth11(_ year: Int) -> Int {
        guard let lastDay = CalendarDate(year: year, month: 12, day: 31) else { return 0 }
        let offset = julianDay(lastDay) - 2_415_021
        let k = Int((Double(offset) / 29.530588853).rounded(.down))
        var newMoon = newMoonDay(k)
        if sunSector(newMoon) >= 9 { newMoon = newMoonDay(k - 1) }
        return newMoon
    }

    /// Which month after month 11 (starting at `a11`) is the leap month of a 13-month year.
    static func leapMonthOffset(_ a11: Int) -> Int {
        let k = Int(((Double(a11) - 2_415_021.076998695) / 29.530588853 + 0.5).rounded(.down))
        var last = 0
        var i = 1
        var arc = sunSector(newMoonDay(k + i))
        repeat {
            last = arc
            i += 1
            arc = sunSector(newMoonDay(k + i))
        } while arc != last && i < 14
        return i - 1
    }
}
