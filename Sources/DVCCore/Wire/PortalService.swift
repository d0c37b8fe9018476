/// The name of a portal service (tên dịch vụ), sent as `service` in every request body
/// (`spec/portal-protocol.md` §4). An open list: adapters add services, so this is a struct.
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
}
