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
                                        source: "6620/UBND-VX", confidence: "V", province: laiChau)
        let swapped = CalendarAdjustment(date: .ymd(2026, 8, 31), kind: .dayOff, name: "nghỉ hoán đổi",
                                         source: "6620/UBND-VX", confidence: "V", province: laiChau)
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
