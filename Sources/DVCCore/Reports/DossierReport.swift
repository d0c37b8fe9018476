/// The figures agencies are judged by, computed from their dossiers before the portal computes them
/// (báo cáo tình hình giải quyết hồ sơ): per group, in total, per procedure for the level-4 rule,
/// and the share of procedures offered online that received online dossiers.
///
/// Build it with ``DossierReportBuilder`` from a stream of dossiers: memory grows with the number of
/// groups and procedures, never with the number of dossiers.
public struct DossierReport: Sendable, Hashable, Codable {
    /// How dossiers are grouped.
    public enum Grouping: String, Sendable, Hashable, Codable, CaseIterable {
        /// By receiving agency (the agency in `MaHoSo`).
        case agency
        /// By national procedure (`MaTTHC` without its agency suffix).
        case procedure
        /// By field (`MaLinhVuc`).
        case field
        /// By month of reception (`NgayTiepNhan`, `YYYY-MM`).
        case month
        /// By quarter of reception (`YYYY-Q1` … `YYYY-Q4`).
        case quarter
        /// By year of reception (`YYYY`).
        case year
    }

    /// One group's figures.
    public struct Group: Sendable, Hashable, Codable {
        /// The group's key: an agency, procedure or field code, or `YYYY-MM`.
        public var key: String
        /// A Vietnamese name for it, when the dossiers carry one (agency, procedure, field).
        public var name: String?
        /// The figures.
        public var figures: DossierFigures
        /// Their shares, each with numerator and denominator.
        public var shares: DossierFigures.Shares
    }

    /// The level-4 upgrade verdict for one procedure (``LevelUpgradePolicy``).
    public struct LevelUpgrade: Sendable, Hashable, Codable {
        /// The national procedure code.
        public var procedure: String
        /// The procedure's name, as its dossiers carry it.
        public var name: String?
        /// Dossiers received online, among all the procedure's dossiers.
        public var onlineReceived: Ratio
        /// Dossiers received online and resolved, among all the procedure's dossiers.
        public var onlineResolved: Ratio
        /// Whether the share reaches the policy's threshold.
        public var qualifies: Bool
    }

    /// The grouping used.
    public var grouping: Grouping
    /// The reception dates counted (inclusive), when limited.
    public var from: CalendarDate?, to: CalendarDate?
    /// The moment timeliness is judged at (the portal's clock).
    public var asOf: PortalTimestamp
    /// The groups, by key.
    public var groups: [Group]
    /// The same dossiers by month of reception (whatever the grouping), for trends.
    public var months: [Group]
    /// All counted dossiers.
    public var total: DossierFigures
    /// Their shares, each with numerator and denominator.
    public var totalShares: DossierFigures.Shares
    /// Dossiers read but received outside `from`…`to`.
    public var outsidePeriod: Int
    /// Procedures with at least one online dossier, among the procedures offered online (when the
    /// caller said which are), else among the procedures with any dossier.
    public var proceduresWithOnlineDossiers: Ratio
    /// Level-4 verdicts, one per procedure with dossiers, by procedure code.
    public var levelUpgrades: [LevelUpgrade]
}

/// Accumulates dossiers into a ``DossierReport``.
///
/// ```swift
/// var builder = DossierReportBuilder(grouping: .agency, asOf: .now)
/// for dossier in dossiers { builder.add(dossier) }
/// let report = builder.report()
/// print(report.total.online)       // 6,407/9,246 = 69.29 %
/// ```
public struct DossierReportBuilder: Sendable {
    /// The grouping.
    public let grouping: DossierReport.Grouping
    /// Reception dates counted (inclusive); `nil` for no bound.
    public let from: CalendarDate?, to: CalendarDate?
    /// The moment timeliness is judged at.
    public let asOf: PortalTimestamp
    /// The procedures the agency offers online (national codes), when known: the denominator of
    /// the "procedures with online dossiers" share.
    public let proceduresOfferedOnline: Set<String>?
    /// The level-4 upgrade rule.
    public let upgradePolicy: LevelUpgradePolicy
    /// The procedures' fees by national code, when known (for "processed fully online").
    public let procedureFees: [String: [Procedure.Fee]]
    /// The procedures' processing times by national code, when known: a dossier without a due
    /// time (`NgayHenTra`) is judged against the one the working calendar gives for its procedure.
    public let processingTimes: [String: ProcessingTime]
    /// The working calendar those due times are computed with.
    public let calendar: WorkingCalendar

    private var groups: [String: DossierReport.Group] = [:]
    private var procedures: [String: (online: Int, total: Int, onlineResolved: Int, name: String)] = [:]
    private var months: [String: DossierFigures] = [:]
    private var total = DossierFigures()
    private var outsidePeriod = 0

    /// A builder; `asOf` is usually now, or the end of the period for a report after the fact.
    public init(grouping: DossierReport.Grouping = .agency, from: CalendarDate? = nil, to: CalendarDate? = nil, asOf: PortalTimestamp,
                proceduresOfferedOnline: Set<String>? = nil, procedureFees: [String: [Procedure.Fee]] = [:],
                processingTimes: [String: ProcessingTime] = [:], calendar: WorkingCalendar = WorkingCalendar(),
                upgradePolicy: LevelUpgradePolicy = LevelUpgradePolicy()) {
        (self.grouping, self.from, self.to, self.asOf) = (grouping, from, to, asOf)
        (self.proceduresOfferedOnline, self.procedureFees, self.upgradePolicy) = (proceduresOfferedOnline, procedureFees, upgradePolicy)
        (self.processingTimes, self.calendar) = (processingTimes, calendar)
    }

    /// `dossier` with a due time: its own `NgayHenTra`, else the one the working calendar gives
    /// for its procedure's processing time (when known); otherwise unchanged.
    public func withDeadline(_ dossier: Dossier) -> Dossier {
        guard dossier.dueAt == nil, let limit = processingTimes[dossier.procedureCode.national] else { return dossier }
        var dated = dossier
        dated.dueAt = calendar.dueDate(receivedAt: dossier.receivedAt, limit: limit)
        return dated
    }

    /// Counts one dossier (or only notes it as outside the period).
    public mutating func add(_ dossier: Dossier) {
        let dossier = withDeadline(dossier)
        let day = dossier.receivedAt.date
        if let from, day < from { outsidePeriod += 1; return }
        if let to, to < day { outsidePeriod += 1; return }
        let procedure = dossier.procedureCode.national
        let fees = procedureFees[procedure]
        let (key, name) = groupKey(dossier)
        var group = groups[key] ?? DossierReport.Group(key: key, name: name, figures: DossierFigures(), shares: DossierFigures().shares)
        if group.name == nil || group.name?.isEmpty == true { group.name = name }
        group.figures.add(dossier, at: asOf, procedureFees: fees)
        groups[key] = group
        months[Self.month(day), default: DossierFigures()].add(dossier, at: asOf, procedureFees: fees)
        var counts = procedures[procedure] ?? (0, 0, 0, dossier.procedureName)
        let before = total.onlineResolved
        total.add(dossier, at: asOf, procedureFees: fees)
        counts.total += 1
        if dossier.channel == .online { counts.online += 1 }
        counts.onlineResolved += total.onlineResolved - before
        procedures[procedure] = counts
    }

    /// The report of everything added so far.
    public func report() -> DossierReport {
        let withOnline = procedures.filter { $0.value.online > 0 }.keys
        let coverage: Ratio
        if let offered = proceduresOfferedOnline {
            coverage = Ratio(withOnline.filter(offered.contains).count, of: offered.count)
        } else {
            coverage = Ratio(withOnline.count, of: procedures.count)
        }
        let upgrades = procedures.keys.sorted().compactMap { code -> DossierReport.LevelUpgrade? in
            guard let counts = procedures[code] else { return nil }
            let verdict = upgradePolicy.evaluate(onlineResolved: counts.onlineResolved, total: counts.total)
            return DossierReport.LevelUpgrade(procedure: code, name: counts.name.isEmpty ? nil : counts.name,
                                              onlineReceived: Ratio(counts.online, of: counts.total),
                                              onlineResolved: Ratio(counts.onlineResolved, of: counts.total), qualifies: verdict.qualifies)
        }
        let sorted = groups.values.sorted { $0.key < $1.key }.map { group in
            var group = group
            group.shares = group.figures.shares
            return group
        }
        let byMonth = months.keys.sorted().compactMap { key in
            months[key].map { DossierReport.Group(key: key, name: nil, figures: $0, shares: $0.shares) }
        }
        return DossierReport(grouping: grouping, from: from, to: to, asOf: asOf, groups: sorted, months: byMonth,
                             total: total, totalShares: total.shares, outsidePeriod: outsidePeriod, proceduresWithOnlineDossiers: coverage, levelUpgrades: upgrades)
    }

    private func groupKey(_ dossier: Dossier) -> (String, String?) {
        switch grouping {
        case .agency: (dossier.code.receivingAgency?.rawValue ?? "-", dossier.processingAgencyName)
        case .procedure: (dossier.procedureCode.national, dossier.procedureName)
        case .field: (dossier.fieldCode.rawValue, dossier.fieldName)
        case .month: (Self.month(dossier.receivedAt.date), nil)
        case .quarter: ("\(dossier.receivedAt.date.year)-Q\((dossier.receivedAt.date.month + 2) / 3)", nil)
        case .year: (String(dossier.receivedAt.date.year), nil)
        }
    }

    static func month(_ date: CalendarDate) -> String {
        "\(date.year)-" + (date.month < 10 ? "0" : "") + "\(date.month)"
    }
}
