import Foundation

/// One month of dossier-handling statistics for a unit (thống kê hồ sơ; `DongBoThongKeHoSo` item,
/// `spec/portal-protocol.md` §11.3). Every value is a string on the wire; percentages have two
/// decimals and no `%`.
///
/// Counts come first; percentages are computed from them by ``init(year:month:unitCode:unitName:received:carriedOver:resolvedOnTime:resolvedLate:pendingWithinTime:pendingOverdue:)``:
/// on-time and late as shares of the resolved dossiers, within-time and overdue as shares of the
/// pending ones. Those denominators are inferred **[U]**; decoded percentages are kept as sent.
public struct MonthlyStatistics: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case month = "Thang", year = "Nam", received = "SoNhanTrongKy", carriedOver = "SoTonKyTruoc", total = "TongSoXuLy"
        case resolved = "TongDaXuLy", resolvedOnTime = "TongXuLyDungHan", resolvedOnTimePercent = "PhanTramXuLyDungHan"
        case resolvedLate = "TongXuLyTreHan", resolvedLatePercent = "PhanTramXuLyTreHan", pending = "TongChuaXuLy"
        case pendingWithinTime = "TongChuaXuLyTrongHan", pendingWithinTimePercent = "PhanTramChuaXuLyTrongHan"
        case pendingOverdue = "TongChuaXuLyTreHan", pendingOverduePercent = "PhanTramChuaXuLyTreHan", note = "GhiChu"
        case unitCode = "Madonvi", unitName = "TenDonVi", kind = "LoaiThongKe"
    }

    /// The month (`Thang`, `Nam`).
    public var year: Int, month: Int
    /// The unit (`Madonvi`, `TenDonVi`).
    public var unitCode: String, unitName: String?
    /// Received this month, carried over from before (`SoNhanTrongKy`, `SoTonKyTruoc`).
    public var received: Int, carriedOver: Int
    /// Resolved on time and late (`TongXuLyDungHan`, `TongXuLyTreHan`).
    public var resolvedOnTime: Int, resolvedLate: Int
    /// Pending within time and overdue (`TongChuaXuLyTrongHan`, `TongChuaXuLyTreHan`).
    public var pendingWithinTime: Int, pendingOverdue: Int
    /// The four percentages as sent (two decimals, no `%`).
    public var resolvedOnTimePercent: String, resolvedLatePercent: String, pendingWithinTimePercent: String, pendingOverduePercent: String
    /// A note (`GhiChu`).
    public var note: String = ""
    /// The statistics kind (`LoaiThongKe`, `1`).
    public var kind = "1"

    /// To handle this month (`TongSoXuLy` = received + carried over).
    public var total: Int { received.saturatingAdding(carriedOver) }
    /// Resolved (`TongDaXuLy`).
    public var resolved: Int { resolvedOnTime.saturatingAdding(resolvedLate) }
    /// Not yet resolved (`TongChuaXuLy`).
    public var pending: Int { pendingWithinTime.saturatingAdding(pendingOverdue) }

    /// Builds a month from counts, computing the percentages.
    public init(year: Int, month: Int, unitCode: String, unitName: String? = nil, received: Int, carriedOver: Int,
                resolvedOnTime: Int, resolvedLate: Int, pendingWithinTime: Int, pendingOverdue: Int) {
        // Two decimals rounded half up, in whole numbers, as the portal publishes them.
        func percent(_ part: Int, _ whole: Int) -> String { Percent.twoDecimals(part, of: whole) }
        (self.year, self.month, self.unitCode, self.unitName) = (year, month, unitCode, unitName)
        (self.received, self.carriedOver, self.resolvedOnTime, self.resolvedLate) = (received, carriedOver, resolvedOnTime, resolvedLate)
        (self.pendingWithinTime, self.pendingOverdue) = (pendingWithinTime, pendingOverdue)
        let resolved = resolvedOnTime.saturatingAdding(resolvedLate), pending = pendingWithinTime.saturatingAdding(pendingOverdue)
        resolvedOnTimePercent = percent(resolvedOnTime, resolved)
        resolvedLatePercent = percent(resolvedLate, resolved)
        pendingWithinTimePercent = percent(pendingWithinTime, pending)
        pendingOverduePercent = percent(pendingOverdue, pending)
    }

    /// Checks that the month adds up: everything to handle is either resolved or pending.
    public func consistencyIssues(path: String = "") -> [ValidationIssue] {
        guard resolved + pending != total else { return [] }
        return [ValidationIssue(path: path.isEmpty ? "TongSoXuLy" : "\(path).TongSoXuLy", rule: ValidationRule(rawValue: "statistics.totals"),
                                message: "resolved (\(resolved)) + pending (\(pending)) ≠ received + carried over (\(total))")]
    }

    /// Decodes the wire form; the totals sent must agree with the parts.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        func count(_ key: CodingKeys) -> Int? { r.int(key) }
        let month = count(.month), year = count(.year), received = count(.received), carried = count(.carriedOver)
        let onTime = count(.resolvedOnTime), late = count(.resolvedLate), within = count(.pendingWithinTime), overdue = count(.pendingOverdue)
        let total = count(.total), resolved = count(.resolved), pending = count(.pending)
        let percents = [CodingKeys.resolvedOnTimePercent, .resolvedLatePercent, .pendingWithinTimePercent, .pendingOverduePercent].map { r.string($0) }
        let note = r.optionalString(.note), unit = r.string(.unitCode), unitName = r.optionalString(.unitName), kind = r.optionalString(.kind)
        if let onTime, let late, let resolved, onTime.saturatingAdding(late) != resolved { r.record(.resolved, .fieldInvalid, "`TongDaXuLy` ≠ `TongXuLyDungHan` + `TongXuLyTreHan`") }
        if let within, let overdue, let pending, within.saturatingAdding(overdue) != pending { r.record(.pending, .fieldInvalid, "`TongChuaXuLy` ≠ `TongChuaXuLyTrongHan` + `TongChuaXuLyTreHan`") }
        if let received, let carried, let total, received.saturatingAdding(carried) != total { r.record(.total, .fieldInvalid, "`TongSoXuLy` ≠ `SoNhanTrongKy` + `SoTonKyTruoc`") }
        try r.finish()
        guard let month, let year, let received, let carried, let onTime, let late, let within, let overdue, let unit,
              let p0 = percents[0], let p1 = percents[1], let p2 = percents[2], let p3 = percents[3] else { throw WireDecodingError(issues: r.issues) }
        self.init(year: year, month: month, unitCode: unit, unitName: unitName, received: received, carriedOver: carried,
                  resolvedOnTime: onTime, resolvedLate: late, pendingWithinTime: within, pendingOverdue: overdue)
        (resolvedOnTimePercent, resolvedLatePercent, pendingWithinTimePercent, pendingOverduePercent) = (p0, p1, p2, p3)
        self.note = note ?? ""
        self.kind = kind ?? "1"
    }

    /// Encodes the wire form: every value a string.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        for (value, key) in [(month, CodingKeys.month), (year, .year), (received, .received), (carriedOver, .carriedOver), (total, .total),
                             (resolved, .resolved), (resolvedOnTime, .resolvedOnTime), (resolvedLate, .resolvedLate), (pending, .pending),
                             (pendingWithinTime, .pendingWithinTime), (pendingOverdue, .pendingOverdue)] {
            try w.string(String(value), key)
        }
        try w.string(resolvedOnTimePercent, .resolvedOnTimePercent)
        try w.string(resolvedLatePercent, .resolvedLatePercent)
        try w.string(pendingWithinTimePercent, .pendingWithinTimePercent)
        try w.string(pendingOverduePercent, .pendingOverduePercent)
        try w.string(note, .note)
        try w.string(unitCode, .unitCode)
        try w.optionalString(unitName, .unitName)
        try w.string(kind, .kind)
    }
}

extension Int {
    /// `self + other`, or `Int.max`/`Int.min` instead of overflowing: counts from the wire never trap.
    func saturatingAdding(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
