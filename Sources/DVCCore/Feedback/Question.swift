/// A citizen's question and its answer (hỏi đáp; `spec/portal-protocol.md` §11.1), as pulled from
/// the portal (`LayDanhSachHoiDapGuiTuDVCQG`, `LayDanhSachHoiDapBoCoQuan`).
public struct Question: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id = "HOIDAPID", fieldCode = "MALINHVUC", localProcedureKey = "MATTHCDP", content = "NOIDUNG", unitCode = "MADONVI"
        case answer = "NOIDUNGTRALOI", answerID = "TRALOIID", askerName = "HOVATEN", email = "THUDIENTU", address = "DIACHI"
        case phone = "SODIENTHOAI", state = "TRANGTHAI"
    }

    /// The portal's question id (`HOIDAPID`; rows with ids ≤ 0 are placeholders to skip).
    public var id: Int64
    /// The field (`MALINHVUC`), as sent; `MATTHCDP` is the fallback key.
    public var fieldCode: String?, localProcedureKey: String?
    /// The question (`NOIDUNG`).
    public var content: String
    /// The unit asked (`MADONVI`).
    public var unitCode: String?
    /// The answer and its id, when answered (`NOIDUNGTRALOI`, `TRALOIID`).
    public var answer: String?, answerID: Int64?
    /// The asker's name, e-mail, address and phone (personal data).
    public var askerName: String?, email: String?, address: String?, phone: String?
    /// The state (`TRANGTHAI`; `0` hidden).
    public var state: String?

    /// Creates a question.
    public init(id: Int64, content: String) {
        self.id = id
        self.content = content
    }

    /// Whether the portal marks it hidden (`TRANGTHAI` = `0`) or it is a placeholder row (id ≤ 0).
    public var shouldSkip: Bool { state == "0" || id <= 0 }

    /// Decodes the wire form.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let id = r.string(.id).flatMap { text -> Int64? in
            guard let value = Int64(text) else { r.record(.id, .fieldInvalid, "`HOIDAPID` must be a whole number"); return nil }
            return value
        }
        let content = r.string(.content)
        let texts = [CodingKeys.fieldCode, .localProcedureKey, .unitCode, .answer, .askerName, .email, .address, .phone, .state].map { r.optionalString($0) }
        let answerID = r.optionalString(.answerID).flatMap { $0.isEmpty ? nil : Int64($0) }
        try r.finish()
        guard let id, let content else { throw WireDecodingError(issues: r.issues) }
        self.init(id: id, content: content)
        (fieldCode, localProcedureKey, unitCode, answer, askerName) = (texts[0], texts[1], texts[2], texts[3], texts[4])
        (email, address, phone, state, self.answerID) = (texts[5], texts[6], texts[7], texts[8], answerID)
    }

    /// Encodes the wire form.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        try w.string(String(id), .id)
        for (value, key) in [(fieldCode, CodingKeys.fieldCode), (localProcedureKey, .localProcedureKey)] { try w.optionalString(value, key) }
        try w.string(content, .content)
        for (value, key) in [(unitCode, CodingKeys.unitCode), (answer, .answer)] { try w.optionalString(value, key) }
        try w.optionalString(answerID.map(String.init), .answerID)
        for (value, key) in [(askerName, CodingKeys.askerName), (email, .email), (address, .address), (phone, .phone), (state, .state)] {
            try w.optionalString(value, key)
        }
    }
}

/// A question pushed to the portal (`DongBoHoiDap` item) or an answer to a portal question
/// (`DongBoKetQuaHoiDapGuiTuDVCQG` item) — the two push shapes of §11.1.
public struct QuestionPush: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id = "HOIDAPID", fieldCode = "MaLinhVuc", content = "NOIDUNG", unitCode = "MADONVI", unitName = "TENDONVI"
    }

    /// The local question id (`HOIDAPID`).
    public var id: String
    /// The field (`MaLinhVuc`).
    public var fieldCode: String?
    /// The question (`NOIDUNG`).
    public var content: String
    /// The unit (`MADONVI`, `TENDONVI`).
    public var unitCode: String, unitName: String?

    /// Creates a pushed question.
    public init(id: String, content: String, unitCode: String, unitName: String? = nil, fieldCode: String? = nil) {
        self.id = id
        self.content = content
        self.unitCode = unitCode
        self.unitName = unitName
        self.fieldCode = fieldCode
    }

    /// Decodes the wire form.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let id = r.string(.id), field = r.optionalString(.fieldCode), content = r.string(.content)
        let unit = r.string(.unitCode), name = r.optionalString(.unitName)
        try r.finish()
        guard let id, let content, let unit else { throw WireDecodingError(issues: r.issues) }
        self.init(id: id, content: content, unitCode: unit, unitName: name, fieldCode: field)
    }

    /// Encodes the wire form.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        try w.string(id, .id)
        try w.optionalString(fieldCode, .fieldCode)
        try w.string(content, .content)
        try w.string(unitCode, .unitCode)
        try w.optionalString(unitName, .unitName)
    }
}

/// The answer to a portal question (`DongBoKetQuaHoiDapGuiTuDVCQG` item). `NGAYTRALOI` is written
/// `dd/MM/yyyy` here, unlike the standard's other dates.
public struct AnswerPush: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case questionID = "HOIDAPID", unitCode = "MADONVI", answeredBy = "NGUOITRALOI", answererTitle = "CHUCVUNGUOITRALOI"
        case answeredOn = "NGAYTRALOI", content = "NOIDUNGTRALOI"
    }

    /// The portal's question id (`HOIDAPID`).
    public var questionID: String
    /// The answering unit (`MADONVI`).
    public var unitCode: String
    /// Who answered and their title (`NGUOITRALOI`, `CHUCVUNGUOITRALOI`).
    public var answeredBy: String, answererTitle: String?
    /// When (`NGAYTRALOI`, `dd/MM/yyyy`).
    public var answeredOn: CalendarDate
    /// The answer (`NOIDUNGTRALOI`).
    public var content: String

    /// Creates an answer.
    public init(questionID: String, unitCode: String, answeredBy: String, answeredOn: CalendarDate, content: String, answererTitle: String? = nil) {
        self.questionID = questionID
        self.unitCode = unitCode
        self.answeredBy = answeredBy
        self.answeredOn = answeredOn
        self.content = content
        self.answererTitle = answererTitle
    }

    /// Decodes the wire form.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let id = r.string(.questionID), unit = r.string(.unitCode), by = r.string(.answeredBy), title = r.optionalString(.answererTitle)
        let content = r.string(.content)
        var date: CalendarDate?
        if let text = r.string(.answeredOn) {
            date = Self.date(text)
            if date == nil { r.record(.answeredOn, .fieldInvalid, "`NGAYTRALOI` must be a dd/MM/yyyy date (a four-digit year)") }
        }
        try r.finish()
        guard let id, let unit, let by, let content, let date else { throw WireDecodingError(issues: r.issues) }
        self.init(questionID: id, unitCode: unit, answeredBy: by, answeredOn: date, content: content, answererTitle: title)
    }

    /// `dd/MM/yyyy` (day and month of one or two digits, a four-digit year) as a real date; a
    /// two-digit year such as `05/03/25` is refused rather than read as the year 25.
    static func date(_ text: String) -> CalendarDate? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(ASCII.isDigit) }),
              (1...2).contains(parts[0].utf8.count), (1...2).contains(parts[1].utf8.count), parts[2].utf8.count == 4,
              let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2]) else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }

    /// Encodes the wire form.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
        try w.string(questionID, .questionID)
        try w.string(unitCode, .unitCode)
        try w.string(answeredBy, .answeredBy)
        try w.optionalString(answererTitle, .answererTitle)
        try w.string("\(two(answeredOn.day))/\(two(answeredOn.month))/\(answeredOn.year)", .answeredOn)
        try w.string(content, .content)
    }
}
