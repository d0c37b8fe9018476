import DVCCore
import Foundation
import Testing

@Suite("Lunar calendar and working days")
struct WorkingCalendarTests {
    let calendar = WorkingCalendar()

    @Test(arguments: [(2024, CalendarDate.ymd(2024, 2, 10)), (2025, .ymd(2025, 1, 29)), (2026, .ymd(2026, 2, 17)), (2027, .ymd(2027, 2, 6)), (1985, .ymd(1985, 1, 21))])
    func lunarNewYear(_ year: Int, _ expected: CalendarDate) {
        #expect(LunarDate(day: 1, month: 1, year: year).solarDate == expected)
        #expect(LunarDate(expected) == LunarDate(day: 1, month: 1, year: year))
    }

    @Test func hungKingsDay() {
        #expect(LunarDate(day: 10, month: 3, year: 2025).solarDate == .ymd(2025, 4, 7))
        #expect(LunarDate(day: 10, month: 3, year: 2026).solarDate == .ymd(2026, 4, 26))
        #expect(LunarDate(.ymd(2026, 2, 16)) == LunarDate(day: 29, month: 12, year: 2025))  // 29 Chạp
        #expect(LunarDate(.ymd(2026, 2, 20)) == LunarDate(day: 4, month: 1, year: 2026))   // mùng 4
    }

    @Test func leapMonthsAndImpossibleDates() {
        #expect(LunarDate(.ymd(2023, 3, 22)) == LunarDate(day: 1, month: 2, year: 2023, isLeapMonth: true))
        #expect(LunarDate(day: 1, month: 6, year: 2025, isLeapMonth: true).solarDate == .ymd(2025, 7, 25))
        #expect(LunarDate(day: 1, month: 6, year: 2026, isLeapMonth: true).solarDate == nil)
        #expect(LunarDate(day: 31, month: 1, year: 2026).solarDate == nil)
        // Round trip over three years of days.
        for offset in 0..<1_096 {
            let day = CalendarDate.ymd(2024, 1, 1).adding(days: offset)
            #expect(LunarDate(day).solarDate == day)
        }
    }

    /// 2020–2030 from an independent new-moon computation (the core review's table). 2030 is the
    /// UTC+7 calendar's day: the new moon falls at 23:07 on 2 February in Hà Nội, already 3 February
    /// in Beijing — the same divergence as 1985 and 2007.
    @Test(arguments: [(2020, CalendarDate.ymd(2020, 1, 25)), (2021, .ymd(2021, 2, 12)), (2022, .ymd(2022, 2, 1)), (2023, .ymd(2023, 1, 22)),
                      (2028, .ymd(2028, 1, 26)), (2029, .ymd(2029, 2, 13)), (2030, .ymd(2030, 2, 2)), (2007, .ymd(2007, 2, 17))])
    func lunarNewYearAcrossTheDecade(_ year: Int, _ expected: CalendarDate) {
        #expect(LunarDate(day: 1, month: 1, year: year).solarDate == expected)
    }

    /// Every day of 1900–2199 converts to a real lunar date and back (the review found day 0 on
    /// 2054-05-07 and 2062-04-09, and all of lunar 1900 wrong from a truncation).
    @Test func everyDayOfThreeCenturiesRoundTrips() {
        var failures: [CalendarDate] = []
        let first = CalendarDate.ymd(1900, 1, 31)          // lunar 1 January 1900
        for offset in 0..<109_500 {
            let day = first.adding(days: offset)
            let lunar = LunarDate(day)
            if lunar.day < 1 || lunar.day > 30 || lunar.solarDate != day { failures.append(day) }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        #expect(LunarDate(.ymd(2054, 5, 7)).day > 0 && LunarDate(.ymd(2062, 4, 9)).day > 0)
        #expect(LunarDate(.ymd(1900, 1, 31)) == LunarDate(day: 1, month: 1, year: 1900))
    }

    @Test func statutoryHolidaysAndCompensatoryDays() {
        let holidays2026 = calendar.holidays(in: 2026)
        #expect(holidays2026.contains { $0.date == .ymd(2026, 4, 26) && !$0.isCompensatory })
        #expect(holidays2026.contains { $0.date == .ymd(2026, 4, 27) && $0.isCompensatory && $0.name == "Giỗ Tổ Hùng Vương" })
        #expect(!calendar.isWorkingDay(.ymd(2026, 4, 27)))
        #expect(calendar.isWorkingDay(.ymd(2026, 4, 28)))
        #expect(!calendar.isWorkingDay(.ymd(2025, 4, 7)))
        #expect(!calendar.isWorkingDay(.ymd(2026, 1, 1)))
        #expect(!calendar.isWorkingDay(.ymd(2026, 4, 30)) && !calendar.isWorkingDay(.ymd(2026, 5, 1)))
        #expect(!calendar.isWorkingDay(.ymd(2026, 9, 2)))
    }

    @Test func civilServiceTet2026RunsFromTheFourteenthToTheTwentySecond() {
        for day in 14...22 { #expect(!calendar.isWorkingDay(.ymd(2026, 2, day)), "2026-02-\(day)") }
        #expect(calendar.isWorkingDay(.ymd(2026, 2, 13)))
        #expect(calendar.isWorkingDay(.ymd(2026, 2, 23)))
        #expect(calendar.nextWorkingDay(after: .ymd(2026, 2, 13)) == .ymd(2026, 2, 23))
    }

    @Test func adjustmentsAreDataNationallyAndPerProvince() throws {
        #expect(calendar.isWorkingDay(.ymd(2025, 2, 15)))        // make-up Saturday shipped for 2025 [U]
        let laiChau = try ProvinceCode("12")
        let makeUp = CalendarAdjustment(date: .ymd(2026, 8, 22), kind: .workingDay, name: "làm bù 31/8/2026",
                                        source: "6620/UBND-VX", confidence: .verified, province: laiChau)
        let swapped = CalendarAdjustment(date: .ymd(2026, 8, 31), kind: .dayOff, name: "nghỉ hoán đổi",
                                         source: "6620/UBND-VX", confidence: .verified, province: laiChau)
        let local = WorkingCalendar(adjustments: CalendarAdjustment.shipped + [makeUp, swapped], province: laiChau)
        #expect(local.isWorkingDay(.ymd(2026, 8, 22)) && !local.isWorkingDay(.ymd(2026, 8, 31)))
        #expect(!calendar.isWorkingDay(.ymd(2026, 8, 22)) && calendar.isWorkingDay(.ymd(2026, 8, 31)))
        let json = try JSONEncoder().encode([makeUp])
        #expect(try CalendarAdjustment.list(fromJSON: json) == [makeUp])
        #expect(String(decoding: json, as: UTF8.self).contains("\"2026-08-22\""))
    }

    @Test func dueDatesInWorkingDaysSkipTetAndPauses() throws {
        // Received on the last working day before the 2026 Tết break.
        let received = try PortalTimestamp("20260213100000")
        #expect(calendar.dueDate(receivedAt: received, limit: .workingDays(3)).description == "20260225170000")
        // A supplement round from Tuesday to Wednesday stops the clock for both days.
        let pause = ClockPause(start: try PortalTimestamp("20260224090000"), end: try PortalTimestamp("20260225150000"))
        #expect(calendar.dueDate(receivedAt: received, limit: .workingDays(3), pauses: [pause]).description == "20260227170000")
        #expect(calendar.dueDate(receivedAt: received, limit: .workingDays(0.5)).description == "20260223170000")
    }

    @Test func dueDatesInCalendarDaysAndWorkingHours() throws {
        let received = try PortalTimestamp("20250703160000")  // Thursday 16:00
        #expect(calendar.dueDate(receivedAt: received, limit: .calendarDays(5)).description == "20250708170000")
        let pause = ClockPause(start: try PortalTimestamp("20250704080000"), end: try PortalTimestamp("20250705080000"))
        #expect(calendar.dueDate(receivedAt: received, limit: .calendarDays(5), pauses: [pause]).description == "20250710170000")
        // 1 hour on Thursday afternoon, 1 on Friday morning.
        #expect(calendar.dueDate(receivedAt: received, limit: .workingHours(2)).description == "20250704083000")
        // Received at lunch: the clock starts at 13:00.
        #expect(calendar.dueDate(receivedAt: try PortalTimestamp("20250703120000"), limit: .workingHours(1)).description == "20250703140000")
        // Friday 16:30 + 4 hours crosses the weekend.
        #expect(calendar.dueDate(receivedAt: try PortalTimestamp("20250704163000"), limit: .workingHours(4)).description == "20250707110000")
        #expect(ProcessingTime.workingDays(5).description == "5 working-days")
    }
}

/// The core review's calendar findings, each pinned.
@Suite("Working calendar: announced days, deadlines, limits")
struct WorkingCalendarRegressionTests {
    let calendar = WorkingCalendar()

    /// W1: civil servants were back at work on Monday 3 February 2025; the computed compensatory day
    /// for Tết's last day (Saturday 1 February) must not be taken off once the year's days are announced.
    @Test func tet2025EndsOnSundayTheSecond() throws {
        for day in [25, 26, 27, 28, 29, 30, 31] { #expect(!calendar.isWorkingDay(.ymd(2025, 1, day)), "2025-01-\(day)") }
        #expect(!calendar.isWorkingDay(.ymd(2025, 2, 1)) && !calendar.isWorkingDay(.ymd(2025, 2, 2)))
        #expect(calendar.isWorkingDay(.ymd(2025, 2, 3)))
        #expect(calendar.isWorkingDay(.ymd(2025, 2, 15)))        // the make-up Saturday
        // The review's example: received Friday 24 January with 5 working days → Friday 7 February.
        let due = calendar.dueDate(receivedAt: try PortalTimestamp("20250124090000"), limit: .workingDays(5))
        #expect(due.description == "20250207170000")
        // Without the announcement, the statutory rule alone takes 3 February off.
        let statutory = WorkingCalendar(adjustments: [])
        #expect(!statutory.isWorkingDay(.ymd(2025, 2, 3)))
        #expect(statutory.holidays(in: 2025).contains { $0.date == .ymd(2025, 2, 3) && $0.isCompensatory && $0.occasion == .lunarNewYear })
    }

    /// The shipped days of 2025 and 2026 against the spec's table of civil-service days (§10.2a).
    @Test(arguments: [
        ("2025-01-01", false), ("2025-01-02", true), ("2025-04-07", false), ("2025-04-26", true), ("2025-04-30", false),
        ("2025-05-02", false), ("2025-05-05", true), ("2025-09-01", false), ("2025-09-02", false), ("2025-09-03", true),
        ("2026-01-01", false), ("2026-02-13", true), ("2026-02-16", false), ("2026-02-20", false), ("2026-02-23", true),
        ("2026-04-27", false), ("2026-04-28", true),
    ])
    func shippedDaysMatchTheAnnouncements(_ text: String, _ working: Bool) throws {
        #expect(calendar.isWorkingDay(try CalendarDate(text)) == working, "\(text)")
    }

    @Test func aDeadlineSaysWhenAYearHasNoAnnouncedDays() throws {
        #expect(calendar.hasAnnouncedDays(for: 2025) && calendar.hasAnnouncedDays(for: 2026))
        #expect(!calendar.hasAnnouncedDays(for: 2027))
        let covered = calendar.deadline(receivedAt: try PortalTimestamp("20260302090000"), limit: .workingDays(10))
        #expect(covered.restsOnAnnouncedDays && covered.description == "20260316170000")
        let spanning = calendar.deadline(receivedAt: try PortalTimestamp("20261215090000"), limit: .workingDays(20))
        #expect(spanning.yearsWithoutAnnouncedDays == [2027])
        #expect(spanning.description.hasSuffix("(computed from the statutory rule for 2027)"))
    }

    /// W2: a province set after the calendar was made takes effect.
    @Test func settingTheProvinceLaterAppliesItsAdjustments() throws {
        let laiChau = try ProvinceCode("12")
        let swapped = CalendarAdjustment(date: .ymd(2026, 8, 31), kind: .dayOff, name: "nghỉ hoán đổi", source: "6620/UBND-VX",
                                         confidence: .verified, province: laiChau)
        var local = WorkingCalendar(adjustments: CalendarAdjustment.shipped + [swapped])
        #expect(local.isWorkingDay(.ymd(2026, 8, 31)))
        local.province = laiChau
        #expect(!local.isWorkingDay(.ymd(2026, 8, 31)))
        local.province = nil
        #expect(local.isWorkingDay(.ymd(2026, 8, 31)))
    }

    /// W8: only pauses inside the window extend a deadline in calendar days; one that ends on a
    /// day off moves to the next working day (Civil Code 2015, Art. 148).
    @Test func calendarDayDeadlinesCountOnlyPausesInsideTheWindow() throws {
        let received = try PortalTimestamp("20250701090000")           // Tuesday
        #expect(calendar.dueDate(receivedAt: received, limit: .calendarDays(3)).description == "20250704170000")
        let before = ClockPause(start: try PortalTimestamp("20250620080000"), end: try PortalTimestamp("20250622080000"))
        let after = ClockPause(start: try PortalTimestamp("20250720080000"), end: try PortalTimestamp("20250725080000"))
        #expect(calendar.dueDate(receivedAt: received, limit: .calendarDays(3), pauses: [before, after]).description == "20250704170000")
        let inside = ClockPause(start: try PortalTimestamp("20250702080000"), end: try PortalTimestamp("20250702160000"))
        // One day paused: Friday 4 → Saturday 5, which is a day off → Monday 7.
        #expect(calendar.dueDate(receivedAt: received, limit: .calendarDays(3), pauses: [inside]).description == "20250707170000")
        var plain = calendar
        plain.calendarDaysEndOnAWorkingDay = false
        #expect(plain.dueDate(receivedAt: received, limit: .calendarDays(3), pauses: [inside]).description == "20250705170000")
    }

    /// C1 and C4: absurd limits, a week without working days and empty office hours end, without trapping.
    @Test func absurdInputsNeitherTrapNorHang() throws {
        let received = try PortalTimestamp("20260302090000")
        for value in [1e20, .infinity, -.infinity, .nan, -5] {
            for limit in [ProcessingTime.workingDays(value), .calendarDays(value), .workingHours(value)] {
                _ = calendar.dueDate(receivedAt: received, limit: limit)
                _ = limit.description
            }
        }
        #expect(ProcessingTime.workingDays(1e20).description == "1e+20 working-days")
        let noWork = WorkingCalendar(weekend: [1, 2, 3, 4, 5, 6, 7])
        #expect(!noWork.isWorkingDay(.ymd(2026, 3, 3)))
        _ = noWork.nextWorkingDay(after: .ymd(2026, 3, 3))
        _ = noWork.dueDate(receivedAt: received, limit: .workingDays(2))
        _ = noWork.dueDate(receivedAt: received, limit: .workingHours(2))
        _ = calendar.dueDate(receivedAt: received, limit: .workingHours(3), officeHours: .init(sessions: []))
        // Closing at midnight is read as 23:59, not "no deadline".
        let lateNight = WorkingCalendar.OfficeHours(sessions: [480..<1440])
        #expect(calendar.dueDate(receivedAt: received, limit: .workingDays(1), officeHours: lateNight).description == "20260303235900")
    }
}
