/// A processing time limit (thời hạn giải quyết): a value and its unit. Procedures state limits in
/// working days, calendar days or working hours (`spec/codes-and-rules.md` §10.3), so the unit
/// always travels with the value.
public struct ProcessingTime: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The unit of a limit.
    public enum Unit: String, Sendable, Hashable, Codable {
        /// Ngày làm việc.
        case workingDays = "working-days"
        /// Ngày (calendar days).
        case calendarDays = "calendar-days"
        /// Giờ làm việc.
        case workingHours = "working-hours"
    }

    /// The amount, e.g. `5` or `0.5`.
    public var value: Double
    /// The unit.
    public var unit: Unit

    /// Creates a limit.
    public init(_ value: Double, _ unit: Unit) {
        self.value = value
        self.unit = unit
    }

    /// `n` working days.
    public static func workingDays(_ n: Double) -> ProcessingTime { ProcessingTime(n, .workingDays) }
    /// `n` calendar days.
    public static func calendarDays(_ n: Double) -> ProcessingTime { ProcessingTime(n, .calendarDays) }
    /// `n` working hours.
    public static func workingHours(_ n: Double) -> ProcessingTime { ProcessingTime(n, .workingHours) }

    /// `5 working-days`.
    public var description: String {
        let whole = value.isFinite && value.rounded() == value && abs(value) < 1e15
        return "\(whole ? String(Int(value)) : String(value)) \(unit.rawValue)"
    }
}
