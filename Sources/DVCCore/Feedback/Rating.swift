/// One person's answer to a satisfaction question (đánh giá mức độ hài lòng), as a one-stop
/// system records it; a month of them per unit and question becomes a ``SatisfactionSummary``
/// (`DongBoDanhGia`).
///
/// The exchange has no record of single ratings (the reference system sends only the monthly
/// summary, `spec/portal-protocol.md` §11.2), so this type encodes with its Swift names:
///
/// ```json
/// {"unitCode":"000.00.14.H20","question":"Ông/bà đánh giá thế nào?","ratedAt":"20260305101500","level":"satisfied"}
/// ```
public struct Rating: Sendable, Hashable, Codable {
    /// The three answers of the portal's scale.
    public enum Level: String, Sendable, Hashable, Codable, CaseIterable {
        /// Rất hài lòng.
        case verySatisfied = "very-satisfied"
        /// Hài lòng.
        case satisfied
        /// Chưa hài lòng.
        case notSatisfied = "not-satisfied"
    }

    /// The unit rated (`Madonvi` of the summary).
    public var unitCode: String
    /// The question answered (`NoiDung`).
    public var question: String
    /// When (the portal's clock).
    public var ratedAt: PortalTimestamp
    /// The answer.
    public var level: Level
    /// The dossier the rating is about, when known.
    public var dossierCode: String?

    /// Creates a rating.
    public init(unitCode: String, question: String, ratedAt: PortalTimestamp, level: Level, dossierCode: String? = nil) {
        (self.unitCode, self.question, self.ratedAt, self.level, self.dossierCode) = (unitCode, question, ratedAt, level, dossierCode)
    }
}

extension SatisfactionSummary {
    /// Counts ratings into one summary per unit, question and month (`DongBoDanhGia` items);
    /// memory grows with those, not with the ratings.
    ///
    /// ```swift
    /// var builder = SatisfactionSummary.Builder()
    /// for rating in ratings { builder.add(rating) }
    /// let items = builder.summaries()      // sorted by unit, month, question
    /// ```
    public struct Builder: Sendable {
        private struct Key: Hashable, Comparable {
            let unit: String, year: Int, month: Int, question: String
            static func < (a: Key, b: Key) -> Bool { (a.unit, a.year, a.month, a.question) < (b.unit, b.year, b.month, b.question) }
        }
        private var counts: [Key: [Rating.Level: Int]] = [:]

        /// An empty builder.
        public init() {}

        /// Counts one rating.
        public mutating func add(_ rating: Rating) {
            let key = Key(unit: rating.unitCode, year: rating.ratedAt.date.year, month: rating.ratedAt.date.month, question: rating.question)
            counts[key, default: [:]][rating.level, default: 0] += 1
        }

        /// The summaries, by unit, month and question; percentages whole, half up, adding up to 100.
        public func summaries() -> [SatisfactionSummary] {
            counts.keys.sorted().map { key in
                let levels = counts[key] ?? [:]
                return SatisfactionSummary(year: key.year, month: key.month, verySatisfied: levels[.verySatisfied] ?? 0,
                                           satisfied: levels[.satisfied] ?? 0, notSatisfied: levels[.notSatisfied] ?? 0,
                                           question: key.question, unitCode: key.unit)
            }
        }
    }
}
