/// `Data` appears in this file's public API.
public import Foundation
/// Inbound payment confirmations are DVCCore models.
public import DVCCore

/// What the portal pushes to a one-stop system (`spec/portal-protocol.md` §12), decoded and
/// validated (dữ liệu Cổng gửi sang).
public enum InboundMessage: Sendable, Hashable {
    /// A promotion-registration dossier created on the portal (`createdossierfromdvcqg`).
    case promotionRegistration(PromotionRegistration)
    /// An amendment to such a dossier (`nhanhsdvcqg`, default service).
    case promotionAmendment(PromotionAmendment)
    /// A land-tax payment voucher (`NhanChungTuThueDat`).
    case landTaxVoucher(LandTaxVoucher)
    /// A land-tax notice naming dossiers (`NhanThongBaoThueDat`): the `MA_HSO` values of its XML.
    case landTaxNotice(dossierCodes: [String])
    /// A verified payment confirmation from the payment platform.
    case paymentConfirmation(PaymentConfirmation)

    /// The key duplicates are recognised by.
    public var deduplicationKey: String {
        switch self {
        case .promotionRegistration(let registration): "registration:\(registration.portalDossierID)"
        case .promotionAmendment(let amendment): "amendment:\(amendment.portalDossierID):\(amendment.fileURL ?? amendment.programName ?? "")"
        case .landTaxVoucher(let voucher): "land-tax-voucher:\(voucher.dossierCode):\(voucher.noticeNumber)"
        case .landTaxNotice(let codes): "land-tax-notice:\(codes.joined(separator: ","))"
        case .paymentConfirmation(let confirmation): "payment:\(confirmation.reference):\(confirmation.transactionID)"
        }
    }
}

/// An enterprise address (`DiaChiDoanhNghiep`: `MaTinh`, `MaHuyen`, `MaXa`, `DiaChiChiTiet`).
public struct InboundAddress: Sendable, Hashable, Decodable {
    /// Province, district and commune codes as sent, and the street address.
    public var provinceCode: String?, districtCode: String?, wardCode: String?, detail: String?
    enum CodingKeys: String, CodingKey { case provinceCode = "MaTinh", districtCode = "MaHuyen", wardCode = "MaXa", detail = "DiaChiChiTiet" }
}

/// A promotion-registration dossier created on the portal (§12.1).
public struct PromotionRegistration: Sendable, Hashable, Decodable {
    /// The portal's dossier id (`MaHoSo`), the enterprise's tax code (`MaSoThue`), the procedure (`MaTTHC`), the trader (`TenThuongNhan`).
    public var portalDossierID: String, taxCode: TaxCode, procedureCode: ProcedureCode, traderName: String
    /// Contact and programme details, as sent.
    public var address: InboundAddress?, phone: String?, email: String?, contactPerson: String?, programName: String?
    /// The registration form (`TenTepDonDangKy`, `TepDonDangKy` base64) and other files (`TaiLieuNop[{TenTepDinhKem, Base64}]`).
    public var formFileName: String?, formFile: Data?, files: [InboundFile]

    enum CodingKeys: String, CodingKey {
        case portalDossierID = "MaHoSo", taxCode = "MaSoThue", procedureCode = "MaTTHC", traderName = "TenThuongNhan", address = "DiaChiDoanhNghiep"
        case phone = "DienThoai", email = "Email", contactPerson = "NguoiLienHe", programName = "TenChuongTrinhKhuyenMai"
        case formFileName = "TenTepDonDangKy", formFile = "TepDonDangKy", files = "TaiLieuNop"
    }

    /// Decodes and validates (tax code and procedure code must be well-formed; base64 must decode).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        portalDossierID = try c.decode(String.self, forKey: .portalDossierID)
        taxCode = try c.decode(TaxCode.self, forKey: .taxCode)
        procedureCode = try c.decode(ProcedureCode.self, forKey: .procedureCode)
        traderName = try c.decode(String.self, forKey: .traderName)
        address = try c.decodeIfPresent(InboundAddress.self, forKey: .address)
        (phone, email, contactPerson, programName) = (try c.decodeIfPresent(String.self, forKey: .phone), try c.decodeIfPresent(String.self, forKey: .email),
                                                      try c.decodeIfPresent(String.self, forKey: .contactPerson), try c.decodeIfPresent(String.self, forKey: .programName))
        formFileName = try c.decodeIfPresent(String.self, forKey: .formFileName)
        formFile = try c.decodeIfPresent(String.self, forKey: .formFile).map { text in
            guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
                throw DecodingError.dataCorruptedError(forKey: .formFile, in: c, debugDescription: "`TepDonDangKy` is not base64")
            }
            return data
        }
        files = try c.decodeIfPresent([InboundFile].self, forKey: .files) ?? []
    }
}

/// A file pushed inline (`{TenTepDinhKem, Base64}`).
public struct InboundFile: Sendable, Hashable, Decodable {
    /// The name.
    public var name: String
    /// The bytes.
    public var content: Data
    enum CodingKeys: String, CodingKey { case name = "TenTepDinhKem", content = "Base64" }

    /// Decodes a file; the content must be base64.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        guard let data = Data(base64Encoded: try c.decode(String.self, forKey: .content), options: .ignoreUnknownCharacters) else {
            throw DecodingError.dataCorruptedError(forKey: .content, in: c, debugDescription: "`Base64` is not base64")
        }
        content = data
    }
}

/// An amendment of a promotion-registration dossier (§12.2, default service).
public struct PromotionAmendment: Sendable, Hashable, Decodable {
    /// The portal's dossier id (`MaHoSoQG`), tax code, procedure and trader.
    public var portalDossierID: String, taxCode: TaxCode, procedureCode: ProcedureCode, traderName: String?
    /// The amended programme name (`ThongTinSuaDoi.TenChuongTrinhKM`) and registration file (`TenTepDangKy`, `URLTepDangKy`).
    public var programName: String?, fileName: String?, fileURL: String?

    enum CodingKeys: String, CodingKey {
        case portalDossierID = "MaHoSoQG", taxCode = "MaSoThue", procedureCode = "MaTTHC", traderName = "TenThuongNhan"
        case amendment = "ThongTinSuaDoi", fileName = "TenTepDangKy", fileURL = "URLTepDangKy"
    }
    struct Amendment: Decodable { let TenChuongTrinhKM: String? }

    /// Decodes and validates.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        portalDossierID = try c.decode(String.self, forKey: .portalDossierID)
        taxCode = try c.decode(TaxCode.self, forKey: .taxCode)
        procedureCode = try c.decode(ProcedureCode.self, forKey: .procedureCode)
        traderName = try c.decodeIfPresent(String.self, forKey: .traderName)
        programName = try c.decodeIfPresent(Amendment.self, forKey: .amendment)?.TenChuongTrinhKM
        fileName = try c.decodeIfPresent(String.self, forKey: .fileName)
        fileURL = try c.decodeIfPresent(String.self, forKey: .fileURL)
    }
}

/// A land-tax payment voucher (`NhanChungTuThueDat`, §12.2): every field required.
public struct LandTaxVoucher: Sendable, Hashable, Decodable {
    /// The dossier (`MaHoSo`), the payer (`HoTenNguoiNopTien`), tax code (`MaSoThue`), voucher file (`UrlFileChungTu`).
    public var dossierCode: String, payerName: String, taxCode: TaxCode, voucherURL: String
    /// The tax notice number (`MaThongBaoThue`), payment time (`ThoiGianThanhToan`), amount (`SoTien`),
    /// content (`NoiDungThanhToan`) and state (`TrangThaiThanhToan`).
    public var noticeNumber: String, paidAt: String, amount: Int, content: String, paymentState: Int

    enum CodingKeys: String, CodingKey {
        case dossierCode = "MaHoSo", payerName = "HoTenNguoiNopTien", taxCode = "MaSoThue", voucherURL = "UrlFileChungTu", payment = "ThongTinThanhToan"
    }
    enum PaymentKeys: String, CodingKey {
        case noticeNumber = "MaThongBaoThue", paidAt = "ThoiGianThanhToan", amount = "SoTien", content = "NoiDungThanhToan", state = "TrangThaiThanhToan"
    }

    /// Decodes and validates.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dossierCode = try c.decode(String.self, forKey: .dossierCode)
        payerName = try c.decode(String.self, forKey: .payerName)
        taxCode = try c.decode(TaxCode.self, forKey: .taxCode)
        voucherURL = try c.decode(String.self, forKey: .voucherURL)
        let p = try c.nestedContainer(keyedBy: PaymentKeys.self, forKey: .payment)
        noticeNumber = try p.decode(String.self, forKey: .noticeNumber)
        paidAt = try p.decode(String.self, forKey: .paidAt)
        if let number = try? p.decode(Int.self, forKey: .amount) { amount = number } else {
            guard let number = Int(try p.decode(String.self, forKey: .amount)) else {
                throw DecodingError.dataCorruptedError(forKey: .amount, in: p, debugDescription: "`SoTien` must be a whole amount")
            }
            amount = number
        }
        content = try p.decode(String.self, forKey: .content)
        if let number = try? p.decode(Int.self, forKey: .state) { paymentState = number } else {
            paymentState = Int(try p.decode(String.self, forKey: .state)) ?? -1
        }
    }
}
