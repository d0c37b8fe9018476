/// `Date` appears in this file's public API (conversions to and from the portal's clock).
public import Foundation

/// A moment on the portal's clock (thời điểm), as the wire writes it: `yyyyMMddHHmmss` at
/// UTC+07:00, e.g. `20240115083000` for 08:30 on 15 January 2024 in Hà Nội.
///
/// Every date of the exchange standard uses this form (`spec/portal-protocol.md` §5; OpenCPS
/// renders them in `Asia/Ho_Chi_Minh`, which has had no daylight saving since 1975). The offset
/// is fixed, never the machine's zone. An absent date travels as `""`; model it as
/// `PortalTimestamp?`.
public struct PortalTimestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The day on the portal's clock.
    public let date: CalendarDate
    /// Hour `0…23`.
    public let hour: Int
    /// Minute `0…59`.
    public let minute: Int
    /// Second `0…59`.
    public let second: Int

    /// Creates a timestamp, or `nil` when a field is out of range.
    public init?(date: CalendarDate, hour: Int, minute: Int, second: Int = 0) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else { return nil }
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// Parses `yyyyMMddHHmmss`.
    public init(_ string: some StringProtocol) throws(CodeError) {
        let text = String(string)
        let parts = try withUTF8Bytes(text) { Self.parse($0) }.get(.portalTimestamp, input: text)
        self.init(unchecked: parts)
    }

    /// The moment `date` on the portal's clock, truncated to the second.
    public init(_ date: Date) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + CalendarDate.portalUTCOffsetSeconds
        let days = seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
        let inDay = seconds - days * 86_400
        self.init(unchecked: (CalendarDate(daysSinceEpoch: days), inDay / 3600, inDay / 60 % 60, inDay % 60))
    }

    /// Now on the portal's clock.
    public static var now: PortalTimestamp { PortalTimestamp(Date()) }

    private init(unchecked parts: (CalendarDate, Int, Int, Int)) {
        (date, hour, minute, second) = parts
    }

    /// The absolute moment.
    public var dateValue: Date {
        Date(timeIntervalSince1970: TimeInterval(secondsSinceEpoch))
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSinceEpoch: Int {
        date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - CalendarDate.portalUTCOffsetSeconds
    }

    /// `yyyyMMddHHmmss`.
    public var description: String {
        if (0...9_999).contains(date.year) {
            // Fourteen digits written in place: a timestamp is formatted for every date of every message.
            return String(unsafeUninitializedCapacity: 14) { buffer in
                writeCompactDigits(into: buffer)
                return 14
            }
        }
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
        let year = String(date.year)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year
            + two(date.month) + two(date.day) + two(hour) + two(minute) + two(second)
    }

    /// The fourteen digits of `yyyyMMddHHmmss` into the first 14 bytes of `buffer`, for a year
    /// within 0...9999 (no array, no string: the wire writer puts them straight into its output).
    @inline(__always)
    func writeCompactDigits(into buffer: UnsafeMutableBufferPointer<UInt8>) {
        func pair(_ at: Int, _ value: Int) {
            buffer[at] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value / 10)
            buffer[at + 1] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value % 10)
        }
        pair(0, date.year / 100)
        pair(2, date.year % 100)
        pair(4, date.month)
        pair(6, date.day)
        pair(8, hour)
        pair(10, minute)
        pair(12, second)
    }

    /// Orders moments in time.
    public static func < (lhs: PortalTimestamp, rhs: PortalTimestamp) -> Bool {
        lhs.secondsSinceEpoch < rhs.secondsSinceEpoch
    }

    /// Decodes `yyyyMMddHHmmss` (an empty string is an absent date: decode `PortalTimestamp?`
    /// through the models, which map `""` to `nil`).
    public init(from decoder: any Decoder) throws {
        self = try TextCoding.decode(decoder) { (text) throws(CodeError) in try PortalTimestamp(text) }
    }

    /// Encodes `yyyyMMddHHmmss`.
    public func encode(to encoder: any Encoder) throws { try TextCoding.encode(description, to: encoder) }

    private static func parse(_ b: UnsafeBufferPointer<UInt8>) -> ParseResult<(CalendarDate, Int, Int, Int)> {
        guard !b.isEmpty else { return .failure(.empty, byteOffset: 0) }
        let (value, bad) = ASCII.number(b, 0, min(14, b.count))
        if let bad { return .failure(.expectedDigit, byteOffset: bad) }
        guard b.count == 14 else { return .failure(.length, byteOffset: min(b.count, 14)) }
        let year = value / 10_000_000_000, month = value / 100_000_000 % 100, day = value / 1_000_000 % 100
        let hour = value / 10_000 % 100, minute = value / 100 % 100, second = value % 100
        guard let date = CalendarDate(year: year, month: month, day: day) else {
            return .failure(.invalidDate, byteOffset: month < 1 || month > 12 ? 4 : 6)
        }
        guard hour < 24 else { return .failure(.invalidDate, byteOffset: 8) }
        guard minute < 60 else { return .failure(.invalidDate, byteOffset: 10) }
        guard second < 60 else { return .failure(.invalidDate, byteOffset: 12) }
        return .success((date, hour, minute, second))
    }
}
