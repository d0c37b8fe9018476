/// What a payment is for (thông tin biên lai, `ThongTinBienLai`; `spec/portal-protocol.md` §13.1):
/// the fees of a dossier (`MaDichVu` 2) or an administrative fine (`MaDichVu` 1).
public struct PaymentReceipt: Sendable, Hashable, Codable {
    /// Fee or fine (`MaDichVu`).
    public enum Service: PortalCodeList {
        /// `1`: an administrative fine (phạt vi phạm hành chính).
        case fine
        /// `2`: fees and charges of a procedure (phí, lệ phí).
        case fees
        /// Any other code, kept as received.
        case unknown(String)

        /// The case for a wire value.
        public init(wireValue: String) {
            switch wireValue {
            case "1": self = .fine
            case "2": self = .fees
            default: self = .unknown(wireValue)
            }
        }

        /// The wire value.
        public var wireValue: String {
            switch self {
            case .fine: "1"
            case .fees: "2"
            case .unknown(let value): value
            }
        }
    }

    /// One fee of the payment (`PhiLePhi` element). `LoaiPhiLePhi` here means 1 phí (fee),
    /// 2 lệ phí (charge) — not the dossier's fee kinds.
    public struct Fee: Sendable, Hashable, Codable {
        enum CodingKeys: String, CodingKey, CaseIterable { case kind = "LoaiPhiLePhi", code = "MaPhiLePhi", name = "TenPhiLePhi", amount = "SoTien" }
        /// `1` phí, `2` lệ phí.
        public var kind: String
        /// The fee code (`MaPhiLePhi`).
        public var code: String?
        /// Its name (`TenPhiLePhi`).
        public var name: String
        /// The amount in VND (`SoTien`).
        public var amount: Int

        /// Creates a fee.
        public init(kind: String, code: String?, name: String, amount: Int) {
            self.kind = kind
            self.code = code
            self.name = name
            self.amount = amount
        }

        /// Decodes the wire form.
        public init(from decoder: any Decoder) throws {
            var r = try WireReader<CodingKeys>(decoder)
            let kind = r.string(.kind), code = r.optionalString(.code), name = r.string(.name), amount = r.amount(.amount)
            try r.finish()
            guard let kind, let name, let amount else { throw WireDecodingError(issues: r.issues) }
            self.init(kind: kind, code: code, name: name, amount: amount)
        }

        /// Encodes the wire form.
        public func encode(to encoder: any Encoder) throws {
            var w = WireWriter<CodingKeys>(encoder)
            try w.string(kind, .kind)
            try w.optionalString(code, .code)
            try w.string(name, .name)
            try w.optionalInt(amount, .amount)
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case service = "MaDichVu", publicServiceCode = "MaDVC", publicServiceName = "TenDVC", procedureCode = "MaTTHC"
        case procedureName = "TenTTHC", unitCode = "MaDonVi", unitName = "TenDonVi", dossierCode = "MaHoSo"
        case beneficiaryAccount = "TKThuHuong", beneficiaryBank = "MaNHThuHuong", beneficiaryName = "TenTKThuHuong", fees = "PhiLePhi"
        // Fines and payer details (kept as text).
        case fineKindCode = "MaLoaiHinhThuPhat", fineKindName = "TenLoaiHinhThuPhat", treasury = "KhoBac", decisionDate = "NgayQD"
        case decisionNumber = "SoQD", violationTime = "ThoiGianViPham", violationPlace = "DiaDiemViPham", violatorName = "TenNguoiViPham"
        case decidingAgencyCode = "MaCoQuanQD", decidingAgencyName = "TenCoQuanQD", stateBudgetAccount = "TaiKhoanThuNSNN"
        case paymentContent = "NoiDungThanhToan", payerName = "HoTenNguoiNop", payerIDNumber = "SoCMNDNguoiNop"
        case payerAddress = "DiaChiNguoiNop", payerDistrict = "HuyenNguoiNop", payerProvince = "TinhNguoiNop", items = "DSKhoanNop"
    }

    /// A line of `DSKhoanNop`: `{NoiDung, SoTien}`.
    public struct Item: Sendable, Hashable, Codable {
        enum CodingKeys: String, CodingKey, CaseIterable { case content = "NoiDung", amount = "SoTien" }
        /// What is paid.
        public var content: String
        /// How much, in VND.
        public var amount: Int

        /// Creates an item.
        public init(content: String, amount: Int) { self.content = content; self.amount = amount }

        /// Decodes the wire form.
        public init(from decoder: any Decoder) throws {
            var r = try WireReader<CodingKeys>(decoder)
            let content = r.string(.content), amount = r.amount(.amount)
            try r.finish()
            guard let content, let amount else { throw WireDecodingError(issues: r.issues) }
            self.init(content: content, amount: amount)
        }

        /// Encodes the wire form.
        public func encode(to encoder: any Encoder) throws {
            var w = WireWriter<CodingKeys>(encoder)
            try w.string(content, .content)
            try w.optionalInt(amount, .amount)
        }
    }

    /// Fee or fine (`MaDichVu`).
    public var service: Service
    /// The public-service code (`MaDVC`); one integration builds it as `MaTTHC + ".01"`.
    public var publicServiceCode: String?
    /// Names and codes of the service, procedure, unit and dossier (required for fees).
    public var publicServiceName: String?, procedureCode: String?, procedureName: String?
    /// The collecting unit (`MaDonVi`, `TenDonVi`).
    public var unitCode: String?, unitName: String?
    /// The dossier paid for (`MaHoSo`).
    public var dossierCode: String?
    /// The beneficiary account, bank and account name (`TKThuHuong`, `MaNHThuHuong`, `TenTKThuHuong`).
    public var beneficiaryAccount: String?, beneficiaryBank: String?, beneficiaryName: String?
    /// The fees (`PhiLePhi`).
    public var fees: [Fee] = []
    /// The lines paid (`DSKhoanNop`).
    public var items: [Item] = []
    /// Fine and payer details, by wire key (`SoQD`, `NgayQD`, `HoTenNguoiNop`, …), as text. Payer ID
    /// numbers are personal data.
    public var details: [String: String] = [:]

    /// Creates a receipt for the fees of a dossier.
    public init(service: Service, dossierCode: String? = nil, procedureCode: String? = nil, fees: [Fee] = []) {
        self.service = service
        self.dossierCode = dossierCode
        self.procedureCode = procedureCode
        self.fees = fees
    }

    /// The total of the fees (or of the lines when there are no fees).
    public var total: Int { fees.isEmpty ? items.reduce(0) { $0 + $1.amount } : fees.reduce(0) { $0 + $1.amount } }

    private static let detailKeys: [CodingKeys] = [
        .fineKindCode, .fineKindName, .treasury, .decisionDate, .decisionNumber, .violationTime, .violationPlace, .violatorName,
        .decidingAgencyCode, .decidingAgencyName, .stateBudgetAccount, .paymentContent, .payerName, .payerIDNumber,
        .payerAddress, .payerDistrict, .payerProvince,
    ]

    /// Decodes the wire form.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let service = r.value(Service.self, .service, required: true)
        let strings = [CodingKeys.publicServiceCode, .publicServiceName, .procedureCode, .procedureName, .unitCode, .unitName,
                       .dossierCode, .beneficiaryAccount, .beneficiaryBank, .beneficiaryName].map { r.optionalString($0) }
        var details: [String: String] = [:]
        for key in Self.detailKeys { if let value = r.optionalString(key) { details[key.rawValue] = value } }
        let fees = r.list(Fee.self, .fees), items = r.list(Item.self, .items)
        try r.finish()
        guard let service, let fees, let items else { throw WireDecodingError(issues: r.issues) }
        self.init(service: service, dossierCode: strings[6], procedureCode: strings[2], fees: fees)
        (publicServiceCode, publicServiceName, procedureName, unitCode, unitName) = (strings[0], strings[1], strings[3], strings[4], strings[5])
        (beneficiaryAccount, beneficiaryBank, beneficiaryName) = (strings[7], strings[8], strings[9])
        (self.items, self.details) = (items, details)
    }

    /// Encodes the wire form.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        try w.value(service, .service)
        for (value, key) in [(publicServiceCode, CodingKeys.publicServiceCode), (publicServiceName, .publicServiceName), (procedureCode, .procedureCode),
                             (procedureName, .procedureName), (unitCode, .unitCode), (unitName, .unitName), (dossierCode, .dossierCode),
                             (beneficiaryAccount, .beneficiaryAccount), (beneficiaryBank, .beneficiaryBank), (beneficiaryName, .beneficiaryName)] {
            try w.optionalString(value, key)
        }
        for key in Self.detailKeys { try w.optionalString(details[key.rawValue], key) }
        try w.value(fees, .fees)
        if !items.isEmpty { try w.value(items, .items) }
    }
}
