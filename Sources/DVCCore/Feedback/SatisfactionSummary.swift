/// A month's satisfaction ratings for one question (đánh giá mức độ hài lòng; `DongBoDanhGia` item,
/// `spec/portal-protocol.md` §11.2): very satisfied / satisfied / not satisfied, as whole percentages.
///
/// "Not satisfied" is `100 − (very satisfied + satisfied)`, as OpenCPS computes it, so the three
/// always add up to 100; a received summary whose three figures do not is refused. The wire
/// repeats the three figures as `PhanTramDanhGiaDichVu…`.
public struct SatisfactionSummary: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case month = "NgayTongHop", respondents = "TongSoNguoiDanhGia"
        case verySatisfied = "PhanTramDanhGiaRatHaiLong", satisfied = "PhanTramDanhGiaHaiLong", notSatisfied = "PhanTramDanhGiaChuaHaiLong"
        case serviceVerySatisfied = "PhanTramDanhGiaDichVuRatHaiLong", serviceSatisfied = "PhanTramDanhGiaDichVuHaiLong"
        case serviceNotSatisfied = "PhanTramDanhGiaDichVuChuaHaiLong", comments = "DanhSachNoiDungYKien", procedureCode = "MaThuTuc"
        case question = "NoiDung", unitCode = "Madonvi", unitName = "TenDonVi"
    }

    /// The month summarized.
    public var year: Int, month: Int
    /// How many people rated (`TongSoNguoiDanhGia`).
    public var respondents: Int
    /// Percent very satisfied and satisfied, 0–100 (`PhanTramDanhGiaRatHaiLong`, `PhanTramDanhGiaHaiLong`).
    public var verySatisfiedPercent: Int, satisfiedPercent: Int
    /// The question asked (`NoiDung`).
    public var question: String
    /// The unit (`Madonvi`, `TenDonVi`).
    public var unitCode: String, unitName: String?
    /// Comments collected (`DanhSachNoiDungYKien`), as sent; empty when none.
    public var comments: String = ""
    /// The procedure rated (`MaThuTuc`), when the summary is per procedure.
    public var procedureCode: String?

    /// Percent not satisfied: the rest to 100.
    public var notSatisfiedPercent: Int { max(0, 100 - verySatisfiedPercent - satisfiedPercent) }

    /// Creates a summary from counts of answers (percentages rounded to whole numbers).
    public init(year: Int, month: Int, verySatisfied: Int, satisfied: Int, notSatisfied: Int, question: String, unitCode: String, unitName: String? = nil) {
        let total = verySatisfied + satisfied + notSatisfied
        // Whole percentages, half up, in integers (as the portal's other figures; ``Percent``).
        func percent(_ n: Int) -> Int { Percent.wholeHalfUp(n, of: total) }
        self.init(year: year, month: month, respondents: total, verySatisfiedPercent: percent(verySatisfied),
                  satisfiedPercent: min(percent(satisfied), 100 - percent(verySatisfied)), question: question, unitCode: unitCode, unitName: unitName)
    }

    /// Creates a summary from percentages.
    public init(year: Int, month: Int, respondents: Int, verySatisfiedPercent: Int, satisfiedPercent: Int, question: String, unitCode: String, unitName: String? = nil) {
        self.year = year
        self.month = month
        self.respondents = respondents
        self.verySatisfiedPercent = verySatisfiedPercent
        self.satisfiedPercent = satisfiedPercent
        self.question = question
        self.unitCode = unitCode
        self.unitName = unitName
    }

    /// Decodes the wire form (`NgayTongHop` `M-yyyy`, percentages `NN%`).
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        var monthYear: (Int, Int)?
        if let text = r.string(.month) {
            let parts = text.split(separator: "-").compactMap { Int($0) }
            if parts.count == 2, (1...12).contains(parts[0]) { monthYear = (parts[0], parts[1]) } else { r.record(.month, .fieldInvalid, "`NgayTongHop` must be M-yyyy") }
        }
        func percent(_ key: CodingKeys) -> Int? {
            guard let text = r.string(key) else { return nil }
            guard let value = Int(text.hasSuffix("%") ? String(text.dropLast()) : text), (0...100).contains(value) else {
                r.record(key, .fieldInvalid, "`\(key.rawValue)` must be a percentage such as 45%")
                return nil
            }
            return value
        }
        let respondents = r.optionalInt(.respondents, numeric: true), very = percent(.verySatisfied), satisfied = percent(.satisfied)
        let notSatisfied = r.optionalString(.notSatisfied) == nil ? nil : percent(.notSatisfied)
        if let very, let satisfied {
            if let notSatisfied, very + satisfied + notSatisfied != 100 {
                r.record(.notSatisfied, .fieldInvalid, "the three percentages add up to \(very + satisfied + notSatisfied), not 100")
            } else if very + satisfied > 100 {
                r.record(.satisfied, .fieldInvalid, "very satisfied and satisfied add up to \(very + satisfied), more than 100")
            }
        }
        for key in [CodingKeys.serviceVerySatisfied, .serviceSatisfied, .serviceNotSatisfied] { _ = r.optionalString(key) }
        let comments = r.optionalString(.comments), procedure = r.optionalString(.procedureCode)
        let question = r.string(.question), unit = r.string(.unitCode), unitName = r.optionalString(.unitName)
        try r.finish()
        guard let monthYear, let very, let satisfied, let question, let unit else {
            throw WireDecodingError(issues: r.issues)
        }
        self.init(year: monthYear.1, month: monthYear.0, respondents: respondents ?? 0, verySatisfiedPercent: very, satisfiedPercent: satisfied,
                  question: question, unitCode: unit, unitName: unitName)
        self.comments = comments ?? ""
        self.procedureCode = procedure.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Encodes the wire form as OpenCPS sends it.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        try w.string("\(month)-\(year)", .month)
        try w.value(respondents, .respondents)
        for (value, keys) in [(verySatisfiedPercent, [CodingKeys.verySatisfied, .serviceVerySatisfied]), (satisfiedPercent, [.satisfied, .serviceSatisfied]),
                              (notSatisfiedPercent, [.notSatisfied, .serviceNotSatisfied])] {
            for key in keys { try w.string("\(value)%", key) }
        }
        try w.string(comments, .comments)
        try w.string(procedureCode ?? "", .procedureCode)
        try w.string(question, .question)
        try w.string(unitCode, .unitCode)
        try w.optionalString(unitName, .unitName)
    }
}
