extension PortalTimestamp {
    /// A way of writing a moment that real systems use (định dạng thời gian). The standard writes
    /// only ``compact``; gateways and newer APIs write the others, which DVCKit reads leniently
    /// and writes only when a ``PortalDialect`` asks for them.
    public enum Format: String, Sendable, Hashable, Codable, CaseIterable {
        /// `yyyyMMddHHmmss`, the standard's form.
        case compact = "yyyyMMddHHmmss"
        /// `yyyy-MM-dd HH:mm:ss` (the newer DVC API's submission dates).
        case dashed = "yyyy-MM-dd HH:mm:ss"
        /// `yyyy-MM-ddTHH:mm:ss`.
        case iso = "yyyy-MM-ddTHH:mm:ss"
        /// `yyyy-MM-ddTHH:mm:ss.fff` (the newer DVC API's progress times); the fraction is read and dropped.
        case isoMilliseconds = "yyyy-MM-ddTHH:mm:ss.fff"
        /// `dd/MM/yyyy HH:mm:ss` (a provincial statistics channel).
        case dayFirst = "dd/MM/yyyy HH:mm:ss"
    }

    /// The moment written in `format`.
    public func formatted(_ format: Format) -> String {
        if format == .compact { return description }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        let year = String(repeating: "0", count: max(0, 4 - String(date.year).count)) + String(date.year)
        let day = "\(year)-\(two(date.month))-\(two(date.day))", time = "\(two(hour)):\(two(minute)):\(two(second))"
        switch format {
        case .compact: return description
        case .dashed: return "\(day) \(time)"
        case .iso: return "\(day)T\(time)"
        case .isoMilliseconds: return "\(day)T\(time).000"
        case .dayFirst: return "\(two(date.day))/\(two(date.month))/\(year) \(time)"
        }
    }

    /// Reads a moment in any ``Format``, and says which one it was; `nil` when `text` is in none of
    /// them or names an impossible moment. The standard's form is tried first.
    public static func parse(anyFormat text: some StringProtocol) -> (timestamp: PortalTimestamp, format: Format)? {
        if let compact = try? PortalTimestamp(text) { return (compact, .compact) }
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<(start + count)] {
                guard ASCII.isDigit(byte) else { return nil }
                value = value * 10 + ASCII.digit(byte)
            }
            return value
        }
        func at(_ index: Int, _ character: Character) -> Bool {
            index < bytes.count && character.asciiValue.map { bytes[index] == $0 } == true
        }
        func make(_ year: Int?, _ month: Int?, _ day: Int?, timeAt start: Int) -> PortalTimestamp? {
            guard let year, let month, let day, at(start + 2, ":"), at(start + 5, ":"),
                  let hour = number(start, 2), let minute = number(start + 3, 2), let second = number(start + 6, 2),
                  let date = CalendarDate(year: year, month: month, day: day) else { return nil }
            return PortalTimestamp(date: date, hour: hour, minute: minute, second: second)
        }
        if at(4, "-"), at(7, "-") {
            let (year, month, day) = (number(0, 4), number(5, 2), number(8, 2))
            if bytes.count == 19, at(10, " "), let value = make(year, month, day, timeAt: 11) { return (value, .dashed) }
            if bytes.count == 19, at(10, "T"), let value = make(year, month, day, timeAt: 11) { return (value, .iso) }
            if bytes.count > 20, bytes.count <= 27, at(10, "T"), at(19, "."), number(20, bytes.count - 20) != nil,
               let value = make(year, month, day, timeAt: 11) {
                return (value, .isoMilliseconds)
            }
        }
        if bytes.count == 19, at(2, "/"), at(5, "/"), at(10, " "),
           let value = make(number(6, 4), number(3, 2), number(0, 2), timeAt: 11) {
            return (value, .dayFirst)
        }
        return nil
    }
}
