/// `Data` appears in this file's public API.
public import Foundation
/// Inbound messages carry DVCCore's validated codes.
public import DVCCore

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

    /// Decodes and validates: the dossier id is not empty, the tax and procedure codes are
    /// well-formed, the base64 is strict and every file within ``InboundLimits``.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let limits = decoder.inboundLimits
        portalDossierID = try c.nonEmpty(.portalDossierID)
        taxCode = try c.decode(TaxCode.self, forKey: .taxCode)
        procedureCode = try c.decode(ProcedureCode.self, forKey: .procedureCode)
        traderName = try c.nonEmpty(.traderName)
        address = try c.decodeIfPresent(InboundAddress.self, forKey: .address)
        (phone, email, contactPerson, programName) = (try c.decodeIfPresent(String.self, forKey: .phone), try c.decodeIfPresent(String.self, forKey: .email),
                                                      try c.decodeIfPresent(String.self, forKey: .contactPerson), try c.decodeIfPresent(String.self, forKey: .programName))
        formFileName = try c.decodeIfPresent(String.self, forKey: .formFileName)
        formFile = try c.decodeIfPresent(String.self, forKey: .formFile).map { try c.base64($0, .formFile, limit: limits.maximumFileBytes) }
        files = try c.decodeIfPresent([InboundFile].self, forKey: .files) ?? []
        guard files.count <= limits.maximumFiles else {
            throw DecodingError.dataCorruptedError(forKey: .files, in: c, debugDescription: "at most \(limits.maximumFiles) files, \(files.count) sent")
        }
    }
}

/// A file pushed inline (`{TenTepDinhKem, Base64}`).
public struct InboundFile: Sendable, Hashable, Decodable {
    /// The name.
    public var name: String
    /// The bytes.
    public var content: Data
    enum CodingKeys: String, CodingKey { case name = "TenTepDinhKem", content = "Base64" }

    /// Decodes a file; the content must be strict base64 (line breaks allowed) within ``InboundLimits/maximumFileBytes``.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.nonEmpty(.name)
        content = try c.base64(try c.decode(String.self, forKey: .content), .content, limit: decoder.inboundLimits.maximumFileBytes)
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

    /// Decodes and validates (the file URL must be `https`, on an allowed host).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        portalDossierID = try c.nonEmpty(.portalDossierID)
        taxCode = try c.decode(TaxCode.self, forKey: .taxCode)
        procedureCode = try c.decode(ProcedureCode.self, forKey: .procedureCode)
        traderName = try c.decodeIfPresent(String.self, forKey: .traderName)
        programName = try c.decodeIfPresent(Amendment.self, forKey: .amendment)?.TenChuongTrinhKM
        fileName = try c.decodeIfPresent(String.self, forKey: .fileName)
        fileURL = try c.decodeIfPresent(String.self, forKey: .fileURL).map { try c.fileURL($0, .fileURL, hosts: decoder.inboundLimits.fileHosts) }
    }
}

/// A land-tax payment voucher (`NhanChungTuThueDat`, §12.2): every field required.
public struct LandTaxVoucher: Sendable, Hashable, Decodable {
    /// The dossier (`MaHoSo`), the payer (`HoTenNguoiNopTien`), tax code (`MaSoThue`), voucher file (`UrlFileChungTu`).
    public var dossierCode: String, payerName: String, taxCode: TaxCode, voucherURL: String
    /// The tax notice number (`MaThongBaoThue`), payment time (`ThoiGianThanhToan`), amount in VND
    /// (`SoTien`, not negative), content (`NoiDungThanhToan`) and state (`TrangThaiThanhToan`, a whole number).
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
        dossierCode = try c.nonEmpty(.dossierCode)
        payerName = try c.nonEmpty(.payerName)
        taxCode = try c.decode(TaxCode.self, forKey: .taxCode)
        voucherURL = try c.fileURL(try c.decode(String.self, forKey: .voucherURL), .voucherURL, hosts: decoder.inboundLimits.fileHosts)
        let p = try c.nestedContainer(keyedBy: PaymentKeys.self, forKey: .payment)
        noticeNumber = try p.nonEmpty(.noticeNumber)
        paidAt = try p.nonEmpty(.paidAt)
        amount = try p.wholeNumber(.amount, rule: "a whole, non-negative amount in VND", minimum: 0)
        content = try p.decode(String.self, forKey: .content)
        paymentState = try p.wholeNumber(.state, rule: "a whole number", minimum: Int.min)
    }
}

/// A land-tax notice (`NhanThongBaoThueDat`, §12.3): the XML as received and the dossier codes
/// its `MA_HSO` elements name.
public struct LandTaxNotice: Sendable, Hashable {
    /// The dossiers named, in document order; each a well-formed dossier code.
    public var dossierCodes: [String]
    /// The notice itself (decoded from `FileThongBaoThue`), kept whole.
    public var xml: Data

    /// Creates a notice.
    public init(dossierCodes: [String], xml: Data) {
        self.dossierCodes = dossierCodes
        self.xml = xml
    }
}

extension KeyedDecodingContainer {
    /// A required string that is not empty (after trimming spaces).
    func nonEmpty(_ key: Key) throws -> String {
        let value = try decode(String.self, forKey: key)
        guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "must not be empty")
        }
        return value
    }

    /// A whole number sent as a JSON number or a string of digits, at least `minimum`.
    func wholeNumber(_ key: Key, rule: String, minimum: Int) throws -> Int {
        let number: Int?
        if let value = try? decode(Int.self, forKey: key) { number = value } else { number = Int(try decode(String.self, forKey: key)) }
        guard let number, number >= minimum else { throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "must be \(rule)") }
        return number
    }

    /// Strict base64 (line breaks and spaces between groups allowed), at most `limit` bytes decoded.
    func base64(_ text: String, _ key: Key, limit: Int) throws -> Data {
        guard text.utf8.count / 4 * 3 <= limit + 3 else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "larger than the \(limit)-byte limit")
        }
        let compact = String(text.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) })
        guard let data = Data(base64Encoded: compact) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "must be base64")
        }
        guard data.count <= limit else { throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "larger than the \(limit)-byte limit") }
        return data
    }

    /// An absolute `https` URL with a host, on one of `hosts` when given.
    func fileURL(_ text: String, _ key: Key, hosts: Set<String>?) throws -> String {
        guard let url = URL(string: text), url.scheme?.lowercased() == "https", let host = url.host?.lowercased(), !host.isEmpty,
              url.user == nil, url.password == nil else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "must be an https URL")
        }
        if let hosts, !hosts.contains(where: { $0.lowercased() == host }) {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "names a host that is not allowed")
        }
        return text
    }
}
