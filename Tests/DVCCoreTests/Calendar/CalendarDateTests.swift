import DVCCore
import Foundation
import Testing

@Suite("CalendarDate")
struct CalendarDateTests {
    @Test func daysSinceEpochRoundTripsOverCenturies() {
        for days in stride(from: -150_000, through: 150_000, by: 7) {
            let date = CalendarDate(daysSinceEpoch: days)
            #expect(date.daysSinceEpoch == days)
            #expect(CalendarDate(year: date.year, month: date.month, day: date.day) == date)
        }
        #expect(CalendarDate(daysSinceEpoch: 0) == .ymd(1970, 1, 1))
        #expect(CalendarDate(daysSinceEpoch: -1) == .ymd(1969, 12, 31))
        #expect(CalendarDate(daysSinceEpoch: 11_016) == .ymd(2000, 2, 29))
    }

    @Test func weekdays() {
        #expect(CalendarDate.ymd(2026, 2, 17).isoWeekday == 2)  // Tết 2026, a Tuesday
        #expect(CalendarDate.ymd(2026, 4, 26).isoWeekday == 7)  // Hùng Kings' day 2026, a Sunday
        #expect(CalendarDate.ymd(1970, 1, 1).isoWeekday == 4)
        #expect(CalendarDate.ymd(1969, 12, 29).isoWeekday == 1)
    }

    @Test func validityAndLeapYears() {
        #expect(CalendarDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 2023, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 2025, month: 4, day: 31) == nil)
        #expect(CalendarDate(year: 2025, month: 13, day: 1) == nil)
        #expect(CalendarDate(year: 2025, month: 0, day: 1) == nil)
        #expect(CalendarDate(year: 2025, month: 1, day: 0) == nil)
    }

    @Test func theDayIsTakenAtUTCPlusSeven() {
        // 2025-06-30T16:59:59Z is 23:59:59 in Hà Nội; one second later it is 2025-07-01.
        let lastSecond = Date(timeIntervalSince1970: 1_751_302_799)
        #expect(CalendarDate(lastSecond) == .ymd(2025, 6, 30))
        #expect(CalendarDate(lastSecond.addingTimeInterval(1)) == .ymd(2025, 7, 1))
        #expect(CalendarDate.ymd(2025, 7, 1).startOfDay == lastSecond.addingTimeInterval(1))
        #expect(CalendarDate(Date(timeIntervalSince1970: -1)) == .ymd(1970, 1, 1))
    }

    @Test func parsingAndCoding() throws {
        #expect(try CalendarDate("2026-02-17") == .ymd(2026, 2, 17))
        #expect(CalendarDate.ymd(5, 3, 9).description == "0005-03-09")
        #expect(try roundTrip(CalendarDate.ymd(2026, 2, 17)) == "\"2026-02-17\"")
        #expect(CalendarDate.ymd(2025, 12, 31).adding(days: 1) == .ymd(2026, 1, 1))
        #expect(CalendarDate.ymd(2025, 12, 31) < .ymd(2026, 1, 1))
    }

    @Test(arguments: [
        Rejection("", .empty, at: 0), Rejection("2026", .length, at: 4), Rejection("2026/02/17", .expectedSeparator, at: 4),
        Rejection("2026-2-17", .expectedDigit, at: 6), Rejection("2026-02-30", .invalidDate, at: 8),
        Rejection("2026-13-01", .invalidDate, at: 5), Rejection("2026-02-170", .length, at: 10), Rejection("20x6-02-17", .expectedDigit, at: 2),
    ])
    func rejects(_ row: Rejection) {
        #expect(throws: CodeError(kind: .calendarDate, rule: row.rule, offset: row.offset)) { try CalendarDate(row.input) }
    }
}
