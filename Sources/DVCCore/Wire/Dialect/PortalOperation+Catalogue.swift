/// The dossiers of one `DongBoHoSoMC` call and whether they are created or updated (lô hồ sơ).
public struct DossierUpload: Sendable, Hashable {
    /// The dossiers.
    public var dossiers: [Dossier]
    /// Update (`true`) or create (`false`).
    public var isUpdating: Bool

    /// Creates an upload.
    public init(_ dossiers: [Dossier], isUpdating: Bool) {
        self.dossiers = dossiers
        self.isUpdating = isUpdating
    }
}

/// One answer to a question (`TRALOIID`, `NOIDUNGTRALOI`), as `LayNoiDungTraLoiTheoCauHoi` lists them (câu trả lời).
public struct PortalAnswer: Sendable, Hashable, Decodable {
    enum Field: String, CodingKey { case id = "TRALOIID", content = "NOIDUNGTRALOI" }
    /// The answer's id (`0` when the row has none).
    public let id: Int64
    /// The text (`""` when the row has none).
    public let content: String

    /// Creates an answer.
    public init(id: Int64, content: String) {
        self.id = id
        self.content = content
    }

    /// Reads a row leniently: absent values are `0` and `""`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Field.self)
        id = (try? container.decodeIfPresent(Int64.self, forKey: .id)) ?? nil ?? 0
        content = (try? container.decodeIfPresent(String.self, forKey: .content)) ?? nil ?? ""
    }
}

/// A row of `TraCuuTechID`: the portal account id (TechID), when the portal has one.
public struct PortalTechIDRecord: Sendable, Hashable, Decodable {
    enum Field: String, CodingKey { case techID = "TECHNICALID" }
    /// The TechID; `nil` for none or `""`.
    public let techID: String?

    /// Reads a row; `""` is no TechID.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Field.self)
        techID = (try? container.decodeIfPresent(String.self, forKey: .techID)).flatMap { $0?.isEmpty == false ? $0 : nil }
    }
}

// Every service DVCKit speaks: its name and its operation, in this one file. Adding a service is
// a name and an operation here (plus a client method, if it deserves one) and its test.

extension PortalService {
    /// Dossier sync, create or update (`DongBoHoSoMC`).
    public static let syncDossiers = PortalService(rawValue: "DongBoHoSoMC")
    /// Progress update (`CapNhatTienDoHoSoMC`).
    public static let updateProgress = PortalService(rawValue: "CapNhatTienDoHoSoMC")
    /// Status of portal-originated dossiers (`DongBoTrangThaiHoSo`).
    public static let syncPortalDossierStatus = PortalService(rawValue: "DongBoTrangThaiHoSo")
    /// Dossier lookup (`TraCuuHoSo`).
    public static let lookUpDossier = PortalService(rawValue: "TraCuuHoSo")
    /// Procedure detail (`LayThuTuc`).
    public static let procedureDetail = PortalService(rawValue: "LayThuTuc")
    /// Public-service configurations (`LayDVC`).
    public static let publicServices = PortalService(rawValue: "LayDVC")
    /// Procedure catalogue (`LayDanhSachTTHC`).
    public static let procedureCatalogue = PortalService(rawValue: "LayDanhSachTTHC")
    /// Agency catalogue (`LayDanhMucCoQuan`).
    public static let agencyCatalogue = PortalService(rawValue: "LayDanhMucCoQuan")
    /// Field catalogue (`LayDanhMucLinhVuc`).
    public static let fieldCatalogue = PortalService(rawValue: "LayDanhMucLinhVuc")
    /// TechID lookup (`TraCuuTechID`).
    public static let lookUpTechID = PortalService(rawValue: "TraCuuTechID")
    /// Statistics push (`DongBoThongKeHoSo`).
    public static let syncStatistics = PortalService(rawValue: "DongBoThongKeHoSo")
    /// Satisfaction push (`DongBoDanhGia`).
    public static let syncRatings = PortalService(rawValue: "DongBoDanhGia")
    /// Questions sent to the unit through the portal (`LayDanhSachHoiDapGuiTuDVCQG`).
    public static let questionsFromPortal = PortalService(rawValue: "LayDanhSachHoiDapGuiTuDVCQG")
    /// The ministry's or unit's own questions (`LayDanhSachHoiDapBoCoQuan`).
    public static let unitQuestions = PortalService(rawValue: "LayDanhSachHoiDapBoCoQuan")
    /// The answers to a question (`LayNoiDungTraLoiTheoCauHoi`).
    public static let answersToQuestion = PortalService(rawValue: "LayNoiDungTraLoiTheoCauHoi")
    /// The unit's questions pushed to the portal (`DongBoHoiDap`).
    public static let pushQuestions = PortalService(rawValue: "DongBoHoiDap")
    /// Answers to portal questions pushed back (`DongBoKetQuaHoiDapGuiTuDVCQG`).
    public static let pushAnswers = PortalService(rawValue: "DongBoKetQuaHoiDapGuiTuDVCQG")
    /// A unit's procedures, on provincial gateways (`LayDanhSachTTHCDonVi`, `GET …?maDonVi=`).
    public static let unitProcedureCatalogue = PortalService(rawValue: "LayDanhSachTTHCDonVi")
    /// Status of dossiers of the local reception channel (`DongBoTrangThaiHoSoKM`, a provincial gateway's).
    public static let syncLocalDossierStatus = PortalService(rawValue: "DongBoTrangThaiHoSoKM")
    /// The newer DVC API's dossier creation (`NoiHoSo`); ``PortalDialect/dvcAPI`` routes ``syncDossiers`` there.
    public static let submitDossier = PortalService(rawValue: "NoiHoSo")
    /// The newer DVC API's progress update (`CapNhatTienTrinh`).
    public static let updateProgressNewAPI = PortalService(rawValue: "CapNhatTienTrinh")
    /// The newer DVC API's status update (`CapNhatTrangThai`).
    public static let updateStatusNewAPI = PortalService(rawValue: "CapNhatTrangThai")
}

extension PortalOperation where Input == DossierUpload, Output == PortalAcknowledgement {
    /// Creates or updates dossiers (`DongBoHoSoMC`); a create of a dossier the portal already has
    /// is answered "already exists".
    public static var syncDossiers: Self {
        Self(.syncDossiers) { PortalMessage(service: .syncDossiers, payload: $0.dossiers, isUpdating: $0.isUpdating) }
    }
}

extension PortalOperation where Input == [ProgressEntry], Output == PortalAcknowledgement {
    /// Appends progress entries (`CapNhatTienDoHoSoMC`); not idempotent.
    public static var updateProgress: Self {
        Self(.updateProgress, isIdempotent: false) { PortalMessage(service: .updateProgress, payload: $0) }
    }
}

extension PortalOperation where Input == PortalStatusUpdate, Output == PortalAcknowledgement {
    /// Reports the status of a portal-originated dossier (`DongBoTrangThaiHoSo`, `type` `"2"`); not idempotent.
    public static var syncPortalDossierStatus: Self {
        Self(.syncPortalDossierStatus, isIdempotent: false) {
            PortalMessage(service: .syncPortalDossierStatus, parameters: ["type": .text("2")], payload: $0)
        }
    }
}

extension PortalOperation where Input == DossierCode, Output == [PortalDossierRecord] {
    /// The portal's record of a dossier (`TraCuuHoSo`, parameter `mahoso`).
    public static var lookUpDossier: Self {
        Self(.lookUpDossier, isRead: true) { PortalMessage(service: .lookUpDossier, parameters: ["mahoso": .text($0.rawValue)]) }
    }
}

extension PortalOperation where Input == ProcedureCode, Output == [Procedure] {
    /// A procedure's full record (`LayThuTuc`, parameter `maTTHC`).
    public static var procedureDetail: Self {
        Self(.procedureDetail, isRead: true) { PortalMessage(service: .procedureDetail, parameters: ["maTTHC": .text($0.rawValue)]) }
    }
}

extension PortalOperation where Input == Void, Output == LossyList<PublicService> {
    /// Public-service configurations (`LayDVC`).
    public static var publicServices: Self { Self(.publicServices, isRead: true) { PortalMessage(service: .publicServices) } }
}

extension PortalOperation where Input == Void, Output == LossyList<ProcedureSummary> {
    /// The procedure catalogue (`LayDanhSachTTHC`).
    public static var procedureCatalogue: Self { Self(.procedureCatalogue, isRead: true) { PortalMessage(service: .procedureCatalogue) } }
}

extension PortalOperation where Input == Void, Output == LossyList<Procedure.AgencyReference> {
    /// The agency catalogue (`LayDanhMucCoQuan`).
    public static var agencyCatalogue: Self { Self(.agencyCatalogue, isRead: true) { PortalMessage(service: .agencyCatalogue) } }
}

extension PortalOperation where Input == Void, Output == LossyList<Procedure.Field> {
    /// The field catalogue (`LayDanhMucLinhVuc`).
    public static var fieldCatalogue: Self { Self(.fieldCatalogue, isRead: true) { PortalMessage(service: .fieldCatalogue) } }
}

extension PortalOperation where Input == String, Output == [PortalTechIDRecord] {
    /// The TechID of a personal ID, ID-card number or tax code (`TraCuuTechID`, provider `wso2is`).
    public static var lookUpTechID: Self {
        Self(.lookUpTechID, isRead: true) {
            PortalMessage(service: .lookUpTechID, parameters: ["provider": .text("wso2is"), "mstorcmnd": .text($0)])
        }
    }
}

extension PortalOperation where Input == Void, Output == LossyList<Question> {
    /// Questions sent to the unit through the portal (`LayDanhSachHoiDapGuiTuDVCQG`).
    public static var questionsFromPortal: Self { Self(.questionsFromPortal, isRead: true) { PortalMessage(service: .questionsFromPortal) } }
    /// The ministry's or unit's own questions (`LayDanhSachHoiDapBoCoQuan`).
    public static var unitQuestions: Self { Self(.unitQuestions, isRead: true) { PortalMessage(service: .unitQuestions) } }
}

extension PortalOperation where Input == Int64, Output == [PortalAnswer] {
    /// The answers to a question (`LayNoiDungTraLoiTheoCauHoi`, parameter `cauhoiid`, a number).
    public static var answersToQuestion: Self {
        Self(.answersToQuestion, isRead: true) { PortalMessage(service: .answersToQuestion, parameters: ["cauhoiid": .number($0)]) }
    }
}

extension PortalOperation where Input == [QuestionPush], Output == PortalAcknowledgement {
    /// Pushes the unit's questions (`DongBoHoiDap`); not idempotent.
    public static var pushQuestions: Self { Self(.pushQuestions, isIdempotent: false) { PortalMessage(service: .pushQuestions, payload: $0) } }
}

extension PortalOperation where Input == [AnswerPush], Output == PortalAcknowledgement {
    /// Pushes answers to portal questions (`DongBoKetQuaHoiDapGuiTuDVCQG`); not idempotent.
    public static var pushAnswers: Self { Self(.pushAnswers, isIdempotent: false) { PortalMessage(service: .pushAnswers, payload: $0) } }
}

extension PortalOperation where Input == [SatisfactionSummary], Output == PortalAcknowledgement {
    /// Pushes satisfaction summaries (`DongBoDanhGia`).
    public static var syncRatings: Self { Self(.syncRatings) { PortalMessage(service: .syncRatings, payload: $0) } }
}

extension PortalOperation where Input == [MonthlyStatistics], Output == PortalAcknowledgement {
    /// Pushes monthly statistics (`DongBoThongKeHoSo`).
    public static var syncStatistics: Self { Self(.syncStatistics) { PortalMessage(service: .syncStatistics, payload: $0) } }
}

extension PortalOperation where Input == String, Output == LossyList<ProcedureSummary> {
    /// The procedures one agency implements, as provincial gateways list them
    /// (`LayDanhSachTTHCDonVi`, parameter `maDonVi`; a `GET` on gateway dialects).
    public static var unitProcedureCatalogue: Self {
        Self(.unitProcedureCatalogue, isRead: true) { PortalMessage(service: .unitProcedureCatalogue, parameters: ["maDonVi": .text($0)]) }
    }
}
