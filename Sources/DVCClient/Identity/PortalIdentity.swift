/// The portal's identity types appear in this file's public API.
public import DVCCore

/// The person or business logged in through the portal's single sign-on (danh tính, `userinfo`;
/// `spec/portal-protocol.md` §14). Identifiers are validated when they are well-formed and kept as
/// sent otherwise; ``description`` masks them.
public struct PortalIdentity: Sendable, Hashable, Decodable, CustomStringConvertible {
    /// Citizen or business account (`LoaiTaiKhoan`).
    public enum AccountType: Sendable, Hashable {
        /// `1`: a citizen (công dân).
        case citizen
        /// `2`: a business (doanh nghiệp).
        case business
        /// `3`: an organisation (tổ chức), which deployed identity services send though the
        /// published contract lists only 1 and 2.
        case organisation
        /// Any other value.
        case unknown(String)
    }

    /// The account type.
    public var accountType: AccountType
    /// The stable portal account id (`TechID`), which dossier sync sends as `MaDoiTuong`.
    public var techID: String?
    /// The OpenID subject (`sub`).
    public var subject: String?
    /// The 12-digit personal ID (`SoDinhDanh`), when valid.
    public var personalID: CitizenID?
    /// The legacy ID card number (`SoCMND`), when valid.
    public var legacyIDCard: LegacyIDCard?
    /// The tax code (`MaSoThue`), when valid.
    public var taxCode: TaxCode?
    /// The enterprise number (`MaSoDoanhNghiep`) as sent.
    public var enterpriseNumber: String?
    /// Names (`HoVaTen`, `TenDoanhNghiep`), address (`DiaChi`), phone (`SoDienThoai`), e-mail (`ThuDienTu`),
    /// passport (`HoChieu`), sex (`GioiTinh`) and level of assurance (`loAs`), as sent. Personal data.
    public var fullName: String?, businessName: String?, address: String?, phone: String?, email: String?
    /// See ``fullName``.
    public var passport: String?, sex: String?, levelOfAssurance: String?

    enum CodingKeys: String, CodingKey {
        case accountType = "LoaiTaiKhoan", techID = "TechID", subject = "sub", personalID = "SoDinhDanh", legacyIDCard = "SoCMND"
        case taxCode = "MaSoThue", enterpriseNumber = "MaSoDoanhNghiep", fullName = "HoVaTen", businessName = "TenDoanhNghiep"
        case address = "DiaChi", phone = "SoDienThoai", email = "ThuDienTu", passport = "HoChieu", sex = "GioiTinh", levelOfAssurance = "loAs"
    }

    /// Decodes `userinfo` leniently: numbers or strings, absent fields, malformed identifiers dropped.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ key: CodingKeys) -> String? {
            if let string = try? c.decode(String.self, forKey: key) { return string.isEmpty ? nil : string }
            if let number = try? c.decode(Int64.self, forKey: key) { return String(number) }
            return nil
        }
        switch text(.accountType) {
        case "1": accountType = .citizen
        case "2": accountType = .business
        case "3": accountType = .organisation
        case let other: accountType = .unknown(other ?? "")
        }
        techID = text(.techID)
        subject = text(.subject)
        personalID = text(.personalID).flatMap { try? CitizenID(validating: $0) }
        legacyIDCard = text(.legacyIDCard).flatMap { try? LegacyIDCard(validating: $0) }
        taxCode = text(.taxCode).flatMap { try? TaxCode(validating: $0) }
        enterpriseNumber = text(.enterpriseNumber)
        (fullName, businessName, address, phone, email) = (text(.fullName), text(.businessName), text(.address), text(.phone), text(.email))
        (passport, sex, levelOfAssurance) = (text(.passport), text(.sex), text(.levelOfAssurance))
    }

    /// Who it is, with identifiers masked.
    public var description: String {
        let kind: String
        switch accountType {
        case .citizen: kind = "citizen"
        case .business: kind = "business"
        case .organisation: kind = "organisation"
        case .unknown(let value): kind = "account type \(value)"
        }
        return "PortalIdentity(\(kind), techID: \(techID ?? "-"), personalID: \(personalID?.description ?? "-"), taxCode: \(taxCode?.description ?? "-"))"
    }
}
