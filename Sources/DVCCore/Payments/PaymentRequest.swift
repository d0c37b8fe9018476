/// An `INIT` message to the national payment platform (nền tảng thanh toán; `spec/portal-protocol.md`
/// §13.1): ask for a payment URL the citizen is sent to.
///
/// Defaults are the values integrations use (`1.0.6`, `PAY`, `1`, `1`, `vi-VN`, `VND`, `PAYMENT`).
/// ``checksumFieldOrder`` is the order of the `MaXacThuc` checksum (computed by DVCClient:
/// lowercase hex SHA-256 of the values joined by `|`, the secret last).
public struct PaymentRequest: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case messageType = "LoaiBanTin", version = "PhienBan", partnerCode = "MaDoiTac", reference = "MaThamChieu"
        case amount = "SoTien", paymentType = "LoaiHinhThanhToan", channelCode = "MaKenhThanhToan", deviceCode = "MaThietBi"
        case language = "NgonNgu", currency = "MaTienTe", bankCode = "MaNganHang", description = "ThongTinGiaoDich"
        case transactionTime = "ThoiGianGD", ipAddress = "Ip", receipt = "ThongTinBienLai", checksum = "MaXacThuc"
    }

    /// The INIT checksum's field order.
    public static let checksumFieldOrder = [
        "LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "SoTien", "LoaiHinhThanhToan", "MaKenhThanhToan",
        "MaThietBi", "NgonNgu", "MaTienTe", "MaNganHang", "ThongTinGiaoDich", "ThoiGianGD", "Ip",
    ]

    /// `INIT`.
    public var messageType: PaymentMessageType = .initialize
    /// The protocol version (`PhienBan`).
    public var version = "1.0.6"
    /// The partner code issued to the one-stop system (`MaDoiTac`).
    public var partnerCode: String
    /// The reference the platform echoes back (`MaThamChieu`; at most 20 characters in OpenCPS).
    public var reference: String
    /// The amount in VND (`SoTien`).
    public var amount: Int
    /// `PAY`, `1`, `1`, `vi-VN`, `VND`, `PAYMENT` by default.
    public var paymentType = "PAY", channelCode = "1", deviceCode = "1", language = "vi-VN", currency = "VND", bankCode = "PAYMENT"
    /// What is paid (`ThongTinGiaoDich`).
    public var description: String
    /// When (`ThoiGianGD`, 24-hour `yyyyMMddHHmmss`).
    public var transactionTime: PortalTimestamp
    /// The server's IPv4 address (`Ip`).
    public var ipAddress: String
    /// What the payment is for (`ThongTinBienLai`).
    public var receipt: PaymentReceipt
    /// The checksum (`MaXacThuc`), set by DVCClient.
    public var checksum: String?

    /// Creates an INIT message.
    public init(partnerCode: String, reference: String, amount: Int, description: String, transactionTime: PortalTimestamp,
                ipAddress: String, receipt: PaymentReceipt) {
        self.partnerCode = partnerCode
        self.reference = reference
        self.amount = amount
        self.description = description
        self.transactionTime = transactionTime
        self.ipAddress = ipAddress
        self.receipt = receipt
    }

    /// The values the checksum covers, in ``checksumFieldOrder``.
    public var checksumValues: [String] {
        [messageType.wireValue, version, partnerCode, reference, String(amount), paymentType, channelCode, deviceCode,
         language, currency, bankCode, description, transactionTime.description, ipAddress]
    }

    /// Decodes the wire form.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let type = r.value(PaymentMessageType.self, .messageType, required: true)
        let texts = [CodingKeys.version, .partnerCode, .reference, .paymentType, .channelCode, .deviceCode, .language,
                     .currency, .bankCode, .description, .ipAddress].map { r.string($0) }
        let amount = r.amount(.amount), time = r.timestamp(.transactionTime, required: true)
        let receipt = r.value(PaymentReceipt.self, .receipt, required: true), checksum = r.optionalString(.checksum)
        try r.finish()
        guard let type, let amount, let time, let receipt, let partner = texts[1], let reference = texts[2],
              let description = texts[9], let ip = texts[10] else { throw WireDecodingError(issues: r.issues) }
        self.init(partnerCode: partner, reference: reference, amount: amount, description: description, transactionTime: time, ipAddress: ip, receipt: receipt)
        messageType = type
        (version, paymentType, channelCode, deviceCode) = (texts[0] ?? version, texts[3] ?? paymentType, texts[4] ?? channelCode, texts[5] ?? deviceCode)
        (language, currency, bankCode, self.checksum) = (texts[6] ?? language, texts[7] ?? currency, texts[8] ?? bankCode, checksum)
    }

    /// Encodes the wire form.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        try w.value(messageType, .messageType)
        try w.string(version, .version)
        try w.string(partnerCode, .partnerCode)
        try w.string(reference, .reference)
        try w.optionalInt(amount, .amount)
        for (value, key) in [(paymentType, CodingKeys.paymentType), (channelCode, .channelCode), (deviceCode, .deviceCode),
                             (language, .language), (currency, .currency), (bankCode, .bankCode), (description, .description)] {
            try w.string(value, key)
        }
        try w.timestamp(transactionTime, .transactionTime)
        try w.string(ipAddress, .ipAddress)
        try w.value(receipt, .receipt)
        try w.optionalString(checksum, .checksum)
    }
}

/// A `QUERY` or `GET_BILL` message: ask for a payment's state or its receipt (§13.1).
public struct PaymentLookup: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case messageType = "LoaiBanTin", version = "PhienBan", partnerCode = "MaDoiTac", reference = "MaThamChieu"
        case transactionTime = "ThoiGianGD", checksum = "MaXacThuc"
    }

    /// The QUERY / GET_BILL checksum's field order.
    public static let checksumFieldOrder = ["LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "ThoiGianGD"]

    /// `QUERY` or `GET_BILL`.
    public var messageType: PaymentMessageType
    /// The protocol version.
    public var version: String
    /// The partner code.
    public var partnerCode: String
    /// The payment's reference.
    public var reference: String
    /// When the lookup is made.
    public var transactionTime: PortalTimestamp
    /// The checksum, set by DVCClient.
    public var checksum: String?

    /// Creates a lookup.
    public init(messageType: PaymentMessageType, partnerCode: String, reference: String, transactionTime: PortalTimestamp, version: String = "1.0.6") {
        self.messageType = messageType
        self.version = version
        self.partnerCode = partnerCode
        self.reference = reference
        self.transactionTime = transactionTime
    }

    /// The values the checksum covers, in ``checksumFieldOrder``.
    public var checksumValues: [String] { [messageType.wireValue, version, partnerCode, reference, transactionTime.description] }

    /// Decodes the wire form.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let type = r.value(PaymentMessageType.self, .messageType, required: true)
        let version = r.string(.version), partner = r.string(.partnerCode), reference = r.string(.reference)
        let time = r.timestamp(.transactionTime, required: true), checksum = r.optionalString(.checksum)
        try r.finish()
        guard let type, let version, let partner, let reference, let time else { throw WireDecodingError(issues: r.issues) }
        self.init(messageType: type, partnerCode: partner, reference: reference, transactionTime: time, version: version)
        self.checksum = checksum
    }

    /// Encodes the wire form.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        try w.value(messageType, .messageType)
        try w.string(version, .version)
        try w.string(partnerCode, .partnerCode)
        try w.string(reference, .reference)
        try w.timestamp(transactionTime, .transactionTime)
        try w.optionalString(checksum, .checksum)
    }
}

/// The platform's answer to `INIT` or `QUERY`: `MaLoi`, the payment URL (`UrlThanhToan`) and, for
/// `QUERY`, the transaction state (`TrangThaiGD`). Other fields are ignored.
public struct PaymentReply: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case result = "MaLoi", message = "MoTaLoi", paymentURL = "UrlThanhToan", state = "TrangThaiGD", reference = "MaThamChieu"
    }

    /// The result code (`MaLoi`).
    public var result: PaymentResultCode
    /// The error description (`MoTaLoi`).
    public var message: String?
    /// Where to send the citizen (`UrlThanhToan`, INIT).
    public var paymentURL: String?
    /// The transaction state (`TrangThaiGD`, QUERY).
    public var state: PaymentTransactionState?
    /// The reference echoed back.
    public var reference: String?

    /// Creates a reply.
    public init(result: PaymentResultCode, paymentURL: String? = nil, state: PaymentTransactionState? = nil, reference: String? = nil, message: String? = nil) {
        self.result = result
        self.paymentURL = paymentURL
        self.state = state
        self.reference = reference
        self.message = message
    }

    /// Decodes a reply (decode leniently: replies carry gateway-specific extra keys).
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let result = r.value(PaymentResultCode.self, .result, required: true)
        let message = r.optionalString(.message), url = r.optionalString(.paymentURL)
        let state = r.value(PaymentTransactionState.self, .state, required: false), reference = r.optionalString(.reference)
        try r.finish()
        guard let result else { throw WireDecodingError(issues: r.issues) }
        self.init(result: result, paymentURL: url, state: state, reference: reference, message: message)
    }

    /// Encodes the wire form.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        try w.value(result, .result)
        try w.optionalString(message, .message)
        try w.optionalString(paymentURL, .paymentURL)
        try w.optionalValue(state, .state)
        try w.optionalString(reference, .reference)
    }
}
