/// The name of a portal service (tên dịch vụ), sent as `service` in every request body
/// (the portal's integration services, as the open-source reference one-stop system calls them). An open list:
/// adapters add services, so this is a struct.
public struct PortalService: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The service name on the wire, e.g. `DongBoHoSoMC`.
    public let rawValue: String

    /// Creates a service name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The name.
    public var description: String { rawValue }

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
