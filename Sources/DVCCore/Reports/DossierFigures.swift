/// Where a dossier stands against its deadline (`NgayHenTra`) at a moment: the buckets the
/// portal's statistics count (tình hình giải quyết).
public enum DossierTimeliness: String, Sendable, Hashable, Codable, CaseIterable {
    /// Resolved on a day before the due date (trước hạn).
    case early
    /// Resolved on the due date, by the due time (đúng hạn).
    case onTime = "on-time"
    /// Resolved after the due time (trễ hạn).
    case late
    /// Not resolved, the due time not yet passed (trong hạn).
    case withinTime = "within-time"
    /// Not resolved, the due time passed (quá hạn).
    case overdue
    /// Nothing to judge by: no due time (`NgayHenTra`), or resolved with no resolution time.
    case withoutDeadline = "without-deadline"
    /// Closed without a result to judge: not accepted (3), withdrawn (7) or refused (8).
    case closedWithoutResult = "closed-without-result"
}

extension Dossier {
    /// When the dossier was resolved: the end of processing (`NgayKetThucXuLy`), else the return
    /// time (`NgayTra`), for a dossier in status 9 or 10; `nil` otherwise.
    public var resolvedAt: PortalTimestamp? {
        guard status == .awaitingReturn || status == .returned else { return nil }
        return processingEndedAt ?? returnedAt
    }

    /// The dossier's timeliness at `moment` (the portal's clock). A dossier resolved after
    /// `moment` counts as not yet resolved then. Resolved means status 9 (awaiting return) or 10
    /// (returned), at ``resolvedAt``.
    public func timeliness(at moment: PortalTimestamp) -> DossierTimeliness {
        switch status {
        case .notAccepted, .withdrawn, .refused: return .closedWithoutResult
        default: break
        }
        guard let dueAt else { return .withoutDeadline }
        let isResolvedStatus = status == .awaitingReturn || status == .returned
        if isResolvedStatus && resolvedAt == nil { return .withoutDeadline }
        if let resolvedAt, resolvedAt <= moment {
            if resolvedAt.date < dueAt.date { return .early }
            return resolvedAt <= dueAt ? .onTime : .late
        }
        return moment <= dueAt ? .withinTime : .overdue
    }
}

/// The figures of one group of dossiers (an agency, a procedure, a field or a month), or of all:
/// counts by channel and status, timeliness, and the shares the portal ranks agencies by. Every
/// share keeps its numerator and denominator (``Ratio``).
public struct DossierFigures: Sendable, Hashable, Codable {
    /// Dossiers counted.
    public var dossiers = 0
    /// Dossiers by channel (`KenhThucHien`): `direct`, `online`, `postal`, `unknown`.
    public var byChannel: [String: Int] = [:]
    /// Dossiers by status (`TrangThaiHoSo`, its number as text).
    public var byStatus: [String: Int] = [:]
    /// Dossiers by timeliness at the report's moment (keyed by ``DossierTimeliness`` raw value).
    public var byTimeliness: [String: Int] = [:]
    /// Dossiers received online and resolved (the numerator of the level-4 upgrade rule).
    public var onlineResolved = 0
    /// Resolved dossiers (status 9 or 10).
    public var resolved = 0
    /// Dossiers processed fully online (Decree 307/2025/NĐ-CP, judged from the dossier and the
    /// procedure's fees when known).
    public var fullyOnline = 0
    /// Dossiers whose fees are known: those with fees on the dossier or the procedure's fee list.
    public var feesKnown = 0
    /// Dossiers with fees to pay, and those paid online.
    public var withFees = 0, paidOnline = 0
    /// Resolved dossiers with an electronic result (a result document with a link).
    public var electronicResult = 0
    /// Dossiers with digitised components (`DuocSoHoa`) and an electronic result.
    public var digitisedWithElectronicResult = 0
    /// Dossiers that used the national population database (`CSDLLienThong` names it).
    public var populationDatabase = 0
    /// Dossiers that say whether they were digitised (`DuocSoHoa` present), and whether they used
    /// connected databases (`CSDLLienThong` present): the denominators of what dossiers can show.
    public var digitisationReported = 0, databasesReported = 0

    /// Creates empty figures.
    public init() {}

    /// The count in one timeliness bucket.
    public subscript(_ timeliness: DossierTimeliness) -> Int { byTimeliness[timeliness.rawValue] ?? 0 }

    /// Dossiers received online (`KenhThucHien` 2) among all: the online share.
    public var online: Ratio { Ratio(byChannel["online"] ?? 0, of: dossiers) }
    /// Resolved early or on time among the resolved dossiers with a deadline.
    public var resolvedOnTime: Ratio {
        let good = self[.early] + self[.onTime]
        return Ratio(good, of: good + self[.late])
    }
    /// Early, on time or still within time among the dossiers judged (Decision 766, 2.1).
    public var handledInTime: Ratio {
        let good = self[.early] + self[.onTime] + self[.withinTime]
        return Ratio(good, of: good + self[.late] + self[.overdue])
    }
    /// Processed fully online among all dossiers (Decree 307/2025/NĐ-CP, Appendix item 12).
    public var fullyOnlineShare: Ratio { Ratio(fullyOnline, of: dossiers) }
    /// Paid online among the dossiers with fees (Decision 766, 3.6).
    public var paidOnlineShare: Ratio { Ratio(paidOnline, of: withFees) }

    /// The shares above, as values (for reports written as JSON).
    public struct Shares: Sendable, Hashable, Codable {
        /// ``DossierFigures/online``, ``DossierFigures/resolvedOnTime``, ``DossierFigures/handledInTime``,
        /// ``DossierFigures/fullyOnlineShare`` and ``DossierFigures/paidOnlineShare``.
        public var online, resolvedOnTime, handledInTime, fullyOnline, paidOnline: Ratio
    }

    /// Every share of these figures.
    public var shares: Shares {
        Shares(online: online, resolvedOnTime: resolvedOnTime, handledInTime: handledInTime, fullyOnline: fullyOnlineShare, paidOnline: paidOnlineShare)
    }

    /// Counts `dossier` at `moment`; `procedureFees` are the procedure's fees when known.
    public mutating func add(_ dossier: Dossier, at moment: PortalTimestamp, procedureFees: [Procedure.Fee]? = nil) {
        dossiers += 1
        byChannel[Self.channelKey(dossier.channel), default: 0] += 1
        byStatus[String(dossier.status.rawValue), default: 0] += 1
        byTimeliness[dossier.timeliness(at: moment).rawValue, default: 0] += 1
        let isResolved = dossier.resolvedAt.map { $0 <= moment } ?? false
        if isResolved {
            resolved += 1
            if dossier.channel == .online { onlineResolved += 1 }
        }
        if dossier.unmetFullyOnlineConditions(procedureFees: procedureFees).isEmpty { fullyOnline += 1 }
        let fees = dossier.fees.contains { $0.amount > 0 } || (procedureFees?.contains { ($0.amount ?? 0) > 0 } ?? false)
        if !dossier.fees.isEmpty || procedureFees != nil { feesKnown += 1 }
        if fees {
            withFees += 1
            if dossier.onlinePayment == .paidOnline { paidOnline += 1 }
        }
        let electronic = dossier.resultDocuments.contains { !$0.url.isEmpty }
        if isResolved && electronic { electronicResult += 1 }
        if dossier.hasDigitizedComponents != nil { digitisationReported += 1 }
        if electronic && dossier.hasDigitizedComponents == true { digitisedWithElectronicResult += 1 }
        if dossier.connectedDatabases != nil { databasesReported += 1 }
        if dossier.connectedDatabases?.contains(where: { $0.localizedCaseInsensitiveContains("dân cư") || $0.uppercased().contains("DANCU") }) == true {
            populationDatabase += 1
        }
    }

    /// Adds another group's counts.
    public mutating func merge(_ other: DossierFigures) {
        dossiers += other.dossiers
        byChannel.merge(other.byChannel, uniquingKeysWith: +)
        byStatus.merge(other.byStatus, uniquingKeysWith: +)
        byTimeliness.merge(other.byTimeliness, uniquingKeysWith: +)
        onlineResolved += other.onlineResolved
        resolved += other.resolved
        fullyOnline += other.fullyOnline
        feesKnown += other.feesKnown
        withFees += other.withFees
        paidOnline += other.paidOnline
        electronicResult += other.electronicResult
        digitisedWithElectronicResult += other.digitisedWithElectronicResult
        populationDatabase += other.populationDatabase
        digitisationReported += other.digitisationReported
        databasesReported += other.databasesReported
    }

    static func channelKey(_ channel: Channel?) -> String {
        switch channel {
        case .direct: "direct"
        case .online: "online"
        case .postal: "postal"
        case .unknown, nil: "unknown"
        }
    }
}
