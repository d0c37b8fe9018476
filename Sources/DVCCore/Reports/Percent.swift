/// Percentages as the portal publishes them (tỷ lệ phần trăm): two decimals, rounded half up,
/// computed in whole numbers so no binary fraction tips a value the wrong way (1 of 800 is
/// `0.13`, where `String(format: "%.2f")` gives `0.12`).
public enum Percent {
    /// `part / whole` in hundredths of a percent, rounded half up (`2424` for 376 of 1,551);
    /// `nil` when `whole` is not positive or `part` is negative.
    public static func hundredths(_ part: Int, of whole: Int) -> Int? {
        guard whole > 0, part >= 0 else { return nil }
        let (scaled, overflow) = part.multipliedReportingOverflow(by: 20_000)
        guard !overflow else {
            // Counts this large do not occur; keep the answer exact enough rather than trap.
            return Int((Double(part) * 10_000 / Double(whole)).rounded(.toNearestOrAwayFromZero))
        }
        return (scaled / whole + 1) / 2
    }

    /// `part / whole` in whole percent, rounded half up (`24` for 376 of 1,551; `50` for 1 of 2);
    /// 0 when `whole` is not positive or `part` is negative.
    public static func wholeHalfUp(_ part: Int, of whole: Int) -> Int {
        guard whole > 0, part >= 0 else { return 0 }
        let (scaled, overflow) = part.multipliedReportingOverflow(by: 200)
        guard !overflow else { return Int((Double(part) * 100 / Double(whole)).rounded(.toNearestOrAwayFromZero)) }
        return (scaled / whole + 1) / 2
    }

    /// `part / whole` as text with two decimals: `"24.24"`, `"100.00"`, `"0.13"`; `"0.00"` when
    /// `whole` is zero (nothing to count).
    public static func twoDecimals(_ part: Int, of whole: Int) -> String {
        guard let value = hundredths(part, of: whole) else { return "0.00" }
        let fraction = value % 100
        return "\(value / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }
}
