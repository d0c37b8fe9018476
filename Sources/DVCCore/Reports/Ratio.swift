/// A figure the portal publishes as a share (tỷ lệ): its numerator and denominator, exact, with
/// the percentage as the portal prints it (two decimals, half up; ``Percent``).
///
/// ```swift
/// let share = Ratio(376, of: 1_551)
/// share.percent        // "24.24"
/// share.description    // "376/1,551 = 24.24 %"
/// ```
public struct Ratio: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What is counted (tử số).
    public var numerator: Int
    /// What it is counted among (mẫu số); a ratio over zero has no percentage.
    public var denominator: Int

    /// `numerator` out of `denominator`.
    public init(_ numerator: Int, of denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The share in hundredths of a percent, half up (`2424`); `nil` over zero.
    public var hundredths: Int? { Percent.hundredths(numerator, of: denominator) }

    /// The share as a fraction 0…1, for comparisons with targets; `nil` over zero.
    public var fraction: Double? { denominator > 0 ? Double(numerator) / Double(denominator) : nil }

    /// `"24.24"`; `"-"` over zero (nothing to count is not 0 %).
    public var percent: String { denominator > 0 ? Percent.twoDecimals(numerator, of: denominator) : "-" }

    /// `376/1,551 = 24.24 %`.
    public var description: String {
        "\(Self.grouped(numerator))/\(Self.grouped(denominator))" + (denominator > 0 ? " = \(percent) %" : "")
    }

    /// Adds another ratio's parts (sums of counts, never averages of percentages).
    public static func + (lhs: Ratio, rhs: Ratio) -> Ratio {
        Ratio(lhs.numerator.saturatingAdding(rhs.numerator), of: lhs.denominator.saturatingAdding(rhs.denominator))
    }

    /// `1,551`: thousands grouped with commas, as the tools print counts.
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// Encodes `{"numerator":…,"denominator":…,"percent":"24.24"}` (`percent` is `null` over zero).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Field.self)
        try container.encode(numerator, forKey: .numerator)
        try container.encode(denominator, forKey: .denominator)
        try container.encode(denominator > 0 ? percent : nil, forKey: .percent)
    }

    /// Decodes the parts (the percentage is recomputed from them).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Field.self)
        self.init(try container.decode(Int.self, forKey: .numerator), of: try container.decode(Int.self, forKey: .denominator))
    }

    /// The JSON keys (not a portal wire model: these are DVCKit's own reports).
    enum Field: String, CodingKey { case numerator, denominator, percent }
}
