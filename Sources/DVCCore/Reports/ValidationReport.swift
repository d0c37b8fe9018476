/// The outcome of validating a stream of dossiers (báo cáo kiểm tra), in bounded memory: totals,
/// a count per rule, the first issues overall and the first examples of each rule — never the
/// dossiers themselves, so a million dossiers cost what a hundred do.
///
/// Encodes as `{"total":N,"valid":N,"byRule":{"rule":N},"issues":[{"index":i,"path":"…","rule":"…","message":"…"}]}`.
public struct ValidationReport: Sendable, Hashable, Codable {
    /// An issue and the index of the dossier it belongs to (`-1` for the envelope itself).
    public struct Entry: Sendable, Hashable, Codable {
        /// The dossier's position in the batch (0-based), or `-1` for the envelope.
        public var index: Int
        /// Where, in wire keys.
        public var path: String
        /// The rule.
        public var rule: ValidationRule
        /// What is wrong.
        public var message: String
        /// Error or warning.
        public var severity: ValidationIssue.Severity

        /// Creates an entry.
        public init(index: Int, issue: ValidationIssue) {
            self.index = index
            self.path = issue.path
            self.rule = issue.rule
            self.message = issue.message
            self.severity = issue.severity
        }
    }

    /// Dossiers seen.
    public private(set) var total = 0
    /// Dossiers without any error (warnings allowed).
    public private(set) var valid = 0
    /// Issues per rule (errors and warnings).
    public private(set) var byRule: [ValidationRule: Int] = [:]
    /// The first ``maximumIssues`` issues, in the order found.
    public private(set) var issues: [Entry] = []
    /// The first ``examplesPerRule`` issues of each rule.
    public private(set) var examples: [ValidationRule: [Entry]] = [:]
    /// How many issues ``issues`` keeps.
    public let maximumIssues: Int
    /// How many examples ``examples`` keeps per rule.
    public let examplesPerRule: Int

    /// Creates an empty report.
    public init(maximumIssues: Int = 100, examplesPerRule: Int = 3) {
        self.maximumIssues = maximumIssues
        self.examplesPerRule = examplesPerRule
    }

    /// Dossiers with at least one error.
    public var invalid: Int { total - valid }

    /// Rules ordered by how often they were broken, most first.
    public var rulesByFrequency: [(rule: ValidationRule, count: Int)] {
        byRule.map { ($0.key, $0.value) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    }

    /// Records one dossier and its issues.
    public mutating func record(dossier index: Int, issues found: [ValidationIssue]) {
        total += 1
        if !found.contains(where: { $0.severity == .error }) { valid += 1 }
        for issue in found { note(Entry(index: index, issue: issue)) }
    }

    /// Records an issue of the envelope (not of a dossier).
    public mutating func record(envelopeIssue issue: ValidationIssue) {
        note(Entry(index: -1, issue: issue))
    }

    /// Adds issues found after the fact (e.g. once the envelope's `madonvi` is known):
    /// `count` more issues of `rule`, of which `newlyInvalid` dossiers had no error before.
    public mutating func record(deferred rule: ValidationRule, count: Int, newlyInvalid: Int, examples entries: [Entry]) {
        byRule[rule, default: 0] += count
        valid -= newlyInvalid
        for entry in entries {
            if issues.count < maximumIssues { issues.append(entry) }
            if examples[rule, default: []].count < examplesPerRule { examples[rule, default: []].append(entry) }
        }
    }

    private mutating func note(_ entry: Entry) {
        byRule[entry.rule, default: 0] += 1
        if issues.count < maximumIssues { issues.append(entry) }
        if examples[entry.rule, default: []].count < examplesPerRule { examples[entry.rule, default: []].append(entry) }
    }

    enum CodingKeys: String, CodingKey {
        case total, valid, byRule, issues, examples, maximumIssues, examplesPerRule
    }

    /// Decodes a report written by ``encode(to:)``.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        total = try c.decode(Int.self, forKey: .total)
        valid = try c.decode(Int.self, forKey: .valid)
        let counts = try c.decode([String: Int].self, forKey: .byRule)
        byRule = Dictionary(uniqueKeysWithValues: counts.map { (ValidationRule(rawValue: $0.key), $0.value) })
        issues = try c.decode([Entry].self, forKey: .issues)
        let samples = try c.decodeIfPresent([String: [Entry]].self, forKey: .examples) ?? [:]
        examples = Dictionary(uniqueKeysWithValues: samples.map { (ValidationRule(rawValue: $0.key), $0.value) })
        maximumIssues = try c.decodeIfPresent(Int.self, forKey: .maximumIssues) ?? 100
        examplesPerRule = try c.decodeIfPresent(Int.self, forKey: .examplesPerRule) ?? 3
    }

    /// Encodes `total`, `valid`, `byRule` (rule name → count) and `issues`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(total, forKey: .total)
        try c.encode(valid, forKey: .valid)
        try c.encode(Dictionary(uniqueKeysWithValues: byRule.map { ($0.key.rawValue, $0.value) }), forKey: .byRule)
        try c.encode(issues, forKey: .issues)
    }
}
