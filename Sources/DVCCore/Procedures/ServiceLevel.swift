/// The level of an online public service under Decree 43/2011/NĐ-CP (mức độ dịch vụ công trực
/// tuyến, levels 1–4), replaced by the two scopes of Decree 42/2022/NĐ-CP (``OnlineServiceScope``).
/// The portal's `LayDVC` still reports `MUCDO` as these numbers.
///
/// Definitions from memory of Decree 43/2011 Art. 3 **[U]** (`spec/codes-and-rules.md` §7.1).
public enum ServiceLevel: Int, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// 1 — information on the procedure is published online.
    case level1 = 1
    /// 2 — forms can be downloaded; the dossier is still filed in person or by post.
    case level2 = 2
    /// 3 — forms are filled in and submitted online; fees and results in person.
    case level3 = 3
    /// 4 — level 3 plus online payment; results online, in person or by post.
    case level4 = 4

    /// The Decree 42/2022 scope commonly used for this level **[U]**: 4 ≈ full process; 1–3 partial.
    public var scope: OnlineServiceScope { self == .level4 ? .fullProcess : .partial }

    /// Orders by level.
    public static func < (lhs: ServiceLevel, rhs: ServiceLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The scope of an online public service under Decree 42/2022/NĐ-CP Art. 11(1) [V].
public enum OnlineServiceScope: String, Sendable, Hashable, Codable, CaseIterable {
    /// Toàn trình: performing and resolving the procedure happen entirely online; the result is
    /// returned online or by public postal service.
    case fullProcess = "full-process"
    /// Một phần: any online service that is not full-process.
    case partial
}

/// Whether a procedure's online service qualifies to move from level 3 to level 4 (mức độ 4).
///
/// The rule the sources attribute to Circular 01/2018/TT-VPCP [P] (the article was not located,
/// `spec/codes-and-rules.md` §7.4): at least 30 % of the procedure's dossiers received **and**
/// resolved online. The threshold is configurable.
public struct LevelUpgradePolicy: Sendable, Hashable {
    /// The share of dossiers received and resolved online required, 0…1 (default 0.30).
    public var threshold: Double

    /// Creates a policy.
    public init(threshold: Double = 0.30) { self.threshold = threshold }

    /// The verdict for one procedure over a period.
    public struct Verdict: Sendable, Hashable {
        /// Dossiers received and resolved online ÷ all dossiers (0 when there were none).
        public let ratio: Double
        /// Whether the ratio reaches the threshold.
        public let qualifies: Bool
    }

    /// Judges `onlineResolved` dossiers out of `total`.
    public func evaluate(onlineResolved: Int, total: Int) -> Verdict {
        let ratio = total > 0 ? Double(min(max(onlineResolved, 0), total)) / Double(total) : 0
        return Verdict(ratio: ratio, qualifies: total > 0 && ratio >= threshold)
    }
}

extension Dossier {
    /// The conditions of Decree 307/2025/NĐ-CP (Appendix, item 12) for a dossier "processed fully
    /// online" that this dossier does not meet; empty when it meets them all.
    ///
    /// Checked from the dossier: submitted online (`KenhThucHien` 2); resolved (status 9 or 10: a
    /// dossier still in processing is not yet processed); fees, when there are any, paid online
    /// (`DuocThanhToanTrucTuyen` 1 — the data does not say through which platform, which the Decree
    /// requires to be the portal's); and an electronic result (a result document with a link).
    ///
    /// Whether fees apply cannot be read from an empty `DanhSachLePhi` — the reference system
    /// always sends `[]` — so pass the procedure's fees (`LayThuTuc`'s `PHILEPHI`) as
    /// `procedureFees`; without them and without fees on the dossier, the condition is unmet
    /// ("unknown"), never assumed fee-free. That nobody had to come in person, file paper or be
    /// visited cannot be seen in the data; pass `requiredInPersonStep: true` when one was.
    public func unmetFullyOnlineConditions(procedureFees: [Procedure.Fee]? = nil, requiredInPersonStep: Bool = false) -> [String] {
        var unmet: [String] = []
        if channel != .online { unmet.append("not submitted online (KenhThucHien ≠ 2)") }
        if status != .awaitingReturn && status != .returned { unmet.append("not resolved (TrangThaiHoSo is neither 9 nor 10)") }
        let hasFees = fees.contains { $0.amount > 0 } || (procedureFees?.contains { ($0.amount ?? 0) > 0 } ?? false)
        if fees.isEmpty && procedureFees == nil {
            unmet.append("whether fees apply is unknown (DanhSachLePhi is empty; pass the procedure's fees)")
        } else if hasFees && onlinePayment != .paidOnline {
            unmet.append("fees not paid online (DuocThanhToanTrucTuyen ≠ 1)")
        }
        if !resultDocuments.contains(where: { !$0.url.isEmpty }) { unmet.append("no electronic result (DanhSachGiayToKetQua)") }
        if requiredInPersonStep { unmet.append("an in-person step, paper filing or on-site check was required") }
        return unmet
    }

    /// Whether the dossier counts as processed fully online (Decree 307/2025/NĐ-CP), judged from
    /// the dossier alone (see ``unmetFullyOnlineConditions(procedureFees:requiredInPersonStep:)``).
    public var isProcessedFullyOnline: Bool { unmetFullyOnlineConditions().isEmpty }
}
