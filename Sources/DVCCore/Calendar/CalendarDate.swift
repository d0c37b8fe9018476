/// `Date` appears in this file's public API (conversions to and from the portal's clock).
public import Foundation

/// A day of the proleptic Gregorian calendar as seen on the portal's clock (ngày), with no
/// time and no time zone.
///
/// The national portal keeps time at UTC+07:00 with no daylight saving (design.md, "Time"), so
/// "today" and "the day a dossier was received" are computed at that fixed offset, never in the
/// machine's own zone. Encoded as `"yyyy-MM-dd"`.
///
/// ```swift
/// let tet = CalendarDate(year: 2026, month: 2, day: 17)   // Optional: nil for 2026-02-30
/// let date = try CalendarDate("2025-07-01")
/// date.adding(days: -1)                                   // 2025-06-30
/// ```
public struct CalendarDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The year, e.g. `2025`.
    public let year: Int
    /// The month, `1…12`.
    public let month: Int
    /// The day of the month, `1…31`.
    public let day: Int

    /// The portal's fixed offset from UTC, in seconds (UTC+07:00).
    public static let portalUTCOffsetSeconds = 7 * 3600

    /// Creates a date, or returns `nil` when the day does not exist (e.g. February 30).
    public init?(year: Int, month: Int, day: Int) {
        guard Self.isValid(year: year, month: month, day: day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `yyyy-MM-dd` (four-digit year, zero-padded month and day).
    public init(_ string: some StringProtocol) throws(CodeError) {
        let text = String(string)
        let parsed = withUTF8Bytes(text) { Self.parseISO($0) }
        let (y, m, d) = try parsed.get(.calendarDate, input: text)
        self.init(unchecked: y, m, d)
    }

    /// The day that contains `date` on the portal's clock (UTC+07:00).
    public init(_ date: Date) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + Self.portalUTCOffsetSeconds
        self.init(daysSinceEpoch: Self.floorDiv(seconds, 86_400))
    }

    /// Today on the portal's clock (UTC+07:00).
    public static var today: CalendarDate { CalendarDate(Date()) }

    /// The date `daysSinceEpoch` days after 1970-01-01 (negative for earlier days).
    public init(daysSinceEpoch days: Int) {
        // Howard Hinnant's civil-from-days algorithm.
        let z = days + 719_468
        let era = Self.floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(unchecked: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01 (negative before it).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = Self.floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        let w = (daysSinceEpoch + 3) % 7  // 1970-01-01 was a Thursday (ISO 4)
        return (w < 0 ? w + 7 : w) + 1
    }

    /// The date `days` days later (earlier when negative).
    public func adding(days: Int) -> CalendarDate { CalendarDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// The start of this day on the portal's clock, as an absolute `Date`.
    public var startOfDay: Date {
        Date(timeIntervalSince1970: TimeInterval(daysSinceEpoch * 86_400 - Self.portalUTCOffsetSeconds))
    }

    /// `yyyy-MM-dd`.
    public var description: String {
        let y = String(year), m = month < 10 ? "0\(month)" : String(month), d = day < 10 ? "0\(day)" : String(day)
        return "\(String(repeating: "0", count: max(0, 4 - y.count)))\(y)-\(m)-\(d)"
    }

    /// Orders dates chronologically.
    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Decodes `"yyyy-MM-dd"`.
    public init(from decoder: any Decoder) throws {
        self = try TextCoding.decode(decoder) { (text) throws(CodeError) in try CalendarDate(text) }
    }

    /// Encodes `"yyyy-MM-dd"`.
    public func encode(to encoder: any Encoder) throws { try TextCoding.encode(description, to: encoder) }

    // MARK: - Helpers

    /// Whether `year-month-day` exists in the Gregorian calendar.
    @inlinable
    public static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard month >= 1, month <= 12, day >= 1 else { return false }
        return day <= daysInMonth(year: year, month: month)
    }

    /// The number of days in `month` of `year` (28–31).
    @inlinable
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Whether `year` is a Gregorian leap year.
    @inlinable
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The current year on the portal's clock, computed without Foundation's calendar or a
    /// `Date` (cheap enough for per-code validation such as a citizen ID's birth year).
    static func currentYear() -> Int {
        let seconds = Int(time(nil)) + portalUTCOffsetSeconds
        return CalendarDate(daysSinceEpoch: floorDiv(seconds, 86_400)).year
    }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

    private static func parseISO(_ b: UnsafeBufferPointer<UInt8>) -> ParseResult<(Int, Int, Int)> {
        if b.isEmpty { return .failure(.empty, byteOffset: 0) }
        let (y, badY) = ASCII.number(b, 0, 4)
        if let badY { return .failure(badY >= b.count ? .length : .expectedDigit, byteOffset: badY) }
        guard b.count > 4 else { return .failure(.length, byteOffset: 4) }
        guard b[4] == ASCII.dash else { return .failure(.expectedSeparator, byteOffset: 4) }
        let (m, badM) = ASCII.number(b, 5, 2)
        if let badM { return .failure(badM >= b.count ? .length : .expectedDigit, byteOffset: badM) }
        guard b.count > 7 else { return .failure(.length, byteOffset: 7) }
        guard b[7] == ASCII.dash else { return .failure(.expectedSeparator, byteOffset: 7) }
        let (d, badD) = ASCII.number(b, 8, 2)
        if let badD { return .failure(badD >= b.count ? .length : .expectedDigit, byteOffset: badD) }
        guard b.count == 10 else { return .failure(.length, byteOffset: 10) }
        guard isValid(year: y, month: m, day: d) else { return .failure(.invalidDate, byteOffset: m < 1 || m > 12 ? 5 : 8) }
        return .success((y, m, d))
    }
}
