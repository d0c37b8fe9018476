/// The platform's callback when a citizen has paid (xác nhận thanh toán; `spec/portal-protocol.md`
/// §13.1), and the reply the one-stop system owes it.
///
/// The reference system computes this callback's checksum and never checks it. DVCKit always
/// checks it (in DVCClient) against ``checksumFieldOrder`` — note that the time comes *before*
/// the description here, the reverse of `INIT` — and compares amount and reference with what was
/// initiated.
public struct PaymentConfirmation: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case messageType = "LoaiBanTin", result = "MaLoi", partnerCode = "MaDoiTac", reference = "MaThamChieu", amount = "SoTien"
        case currency = "MaTienTe", transactionID = "MaGiaoDich", bankCode = "MaNganHang", transactionTime = "ThoiGianGD"
        case description = "ThongTinGiaoDich", checksum = "MaXacThuc", dossierCode = "MaHoSo"
    }

    /// The confirm checksum's field order.
    public static let checksumFieldOrder = [
        "LoaiBanTin", "MaLoi", "MaDoiTac", "MaThamChieu", "SoTien", "MaTienTe", "MaGiaoDich", "MaNganHang", "ThoiGianGD", "ThongTinGiaoDich",
    ]

    /// The message type as sent (`LoaiBanTin`; its value is not documented).
    public var messageType: PaymentMessageType
    /// `00` when paid (`MaLoi`).
    public var result: PaymentResultCode
    /// The partner code (`MaDoiTac`).
    public var partnerCode: String
    /// The reference given at INIT (`MaThamChieu`).
    public var reference: String
    /// The amount paid in VND (`SoTien`).
    public var amount: Int
    /// The currency (`MaTienTe`).
    public var currency: String
    /// The platform's transaction id (`MaGiaoDich`).
    public var transactionID: String
    /// The bank (`MaNganHang`).
    public var bankCode: String
    /// When (`ThoiGianGD`).
    public var transactionTime: PortalTimestamp
    /// The description (`ThongTinGiaoDich`).
    public var description: String
    /// The checksum to verify (`MaXacThuc`).
    public var checksum: String
    /// The dossier, when sent (`MaHoSo`).
    public var dossierCode: String?
    /// The checksum fields as the platform sent them, when decoded (see ``checksumValues``).
    public var receivedChecksumText: ReceivedText = ReceivedText()

    /// The text of the checksum fields as they arrived. It is not part of the value: two
    /// confirmations with the same fields are equal however their numbers were written.
    public struct ReceivedText: Sendable, Hashable {
        /// The values in ``PaymentConfirmation/checksumFieldOrder``, or `nil` for a confirmation built in code.
        public let values: [String]?
        /// No text (a confirmation built in code).
        public init(values: [String]? = nil) { self.values = values }
        /// Always equal: the text is not part of the value.
        public static func == (_: ReceivedText, _: ReceivedText) -> Bool { true }
        /// Hashes nothing, as `==` compares nothing.
        public func hash(into hasher: inout Hasher) {}
    }

    /// Creates a confirmation (the sandbox and tests build them).
    public init(messageType: PaymentMessageType, result: PaymentResultCode, partnerCode: String, reference: String, amount: Int,
                currency: String = "VND", transactionID: String, bankCode: String, transactionTime: PortalTimestamp,
                description: String, checksum: String, dossierCode: String? = nil) {
        self.messageType = messageType
        self.result = result
        self.partnerCode = partnerCode
        self.reference = reference
        self.amount = amount
        self.currency = currency
        self.transactionID = transactionID
        self.bankCode = bankCode
        self.transactionTime = transactionTime
        self.description = description
        self.checksum = checksum
        self.dossierCode = dossierCode
    }

    /// Whether the platform reports the payment as made.
    public var isPaid: Bool { result == .success }

    /// The values the checksum covers, in ``checksumFieldOrder``: the text as the platform sent it,
    /// for a decoded callback — so `"75000.00"` or another rendering of the time is checked as
    /// signed, not as DVCKit would write it — else the canonical text.
    public var checksumValues: [String] {
        receivedChecksumText.values ?? [messageType.wireValue, result.wireValue, partnerCode, reference, String(amount), currency, transactionID,
                                         bankCode, transactionTime.description, description]
    }

    /// Decodes the callback body, reporting every defect (a truncated callback names each missing field).
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let type = r.value(PaymentMessageType.self, .messageType, required: true)
        let result = r.value(PaymentResultCode.self, .result, required: true)
        let texts = [CodingKeys.partnerCode, .reference, .currency, .transactionID, .bankCode, .description, .checksum].map { r.string($0) }
        let amount = r.amount(.amount, numeric: true), time = r.timestamp(.transactionTime, required: true), dossier = r.optionalString(.dossierCode)
        let signed: [CodingKeys] = [.messageType, .result, .partnerCode, .reference, .amount, .currency, .transactionID, .bankCode, .transactionTime, .description]
        let received = signed.map { r.rawText($0) }
        try r.finish()
        guard let type, let result, let amount, let time, let partner = texts[0], let reference = texts[1], let currency = texts[2],
              let transaction = texts[3], let bank = texts[4], let description = texts[5], let checksum = texts[6] else {
            throw WireDecodingError(issues: r.issues)
        }
        self.init(messageType: type, result: result, partnerCode: partner, reference: reference, amount: amount, currency: currency,
                  transactionID: transaction, bankCode: bank, transactionTime: time, description: description, checksum: checksum, dossierCode: dossier)
        if received.allSatisfy({ $0 != nil }) { receivedChecksumText = ReceivedText(values: received.compactMap { $0 }) }
    }

    /// Encodes the wire form (`SoTien` as a number, as the platform sends it).
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        try w.value(messageType, .messageType)
        try w.value(result, .result)
        try w.string(partnerCode, .partnerCode)
        try w.string(reference, .reference)
        try w.value(amount, .amount)
        try w.string(currency, .currency)
        try w.string(transactionID, .transactionID)
        try w.string(bankCode, .bankCode)
        try w.timestamp(transactionTime, .transactionTime)
        try w.string(description, .description)
        try w.string(checksum, .checksum)
        try w.optionalString(dossierCode, .dossierCode)
    }
}

/// The one-stop system's reply to a confirm callback: `MaLoi` `00` accepted or `99` rejected, with a
/// reason (`MoTaLoi`).
public struct PaymentConfirmationReply: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case result = "MaLoi", message = "MoTaLoi", partnerCode = "MaDoiTac", reference = "MaThamChieu"
        case transactionTime = "ThoiGianGD", checksum = "MaXacThuc"
    }

    /// A field the reply checksum may cover.
    public enum Field: String, Sendable, Hashable, CaseIterable {
        /// `MaLoi`.
        case result = "MaLoi"
        /// `MoTaLoi`.
        case message = "MoTaLoi"
        /// `MaDoiTac`.
        case partnerCode = "MaDoiTac"
        /// `MaThamChieu`.
        case reference = "MaThamChieu"
        /// `ThoiGianGD`.
        case transactionTime = "ThoiGianGD"
    }

    /// The default reply checksum field order. Not documented; this order follows the other
    /// messages' pattern **[U]**. DVCClient's `PaymentPlatformClient.Configuration.replyChecksumFields`
    /// replaces it when a platform is found to sign differently.
    public static let defaultChecksumFields: [Field] = [.result, .partnerCode, .reference, .transactionTime]

    /// The default order's wire names.
    public static var checksumFieldOrder: [String] { defaultChecksumFields.map(\.rawValue) }

    /// `00` accepted, `99` rejected.
    public var result: PaymentResultCode
    /// Why it was rejected (`MoTaLoi`).
    public var message: String
    /// Echoed from the callback.
    public var partnerCode: String, reference: String
    /// When.
    public var transactionTime: PortalTimestamp
    /// The checksum, set by DVCClient.
    public var checksum: String?

    /// Creates a reply.
    public init(result: PaymentResultCode, message: String, partnerCode: String, reference: String, transactionTime: PortalTimestamp) {
        self.result = result
        self.message = message
        self.partnerCode = partnerCode
        self.reference = reference
        self.transactionTime = transactionTime
    }

    /// The values the checksum covers, in ``defaultChecksumFields`` or the order given.
    public func checksumValues(_ fields: [Field] = Self.defaultChecksumFields) -> [String] {
        fields.map { field in
            switch field {
            case .result: result.wireValue
            case .message: message
            case .partnerCode: partnerCode
            case .reference: reference
            case .transactionTime: transactionTime.description
            }
        }
    }

    /// Decodes the wire form.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let result = r.value(PaymentResultCode.self, .result, required: true), message = r.optionalString(.message)
        let partner = r.string(.partnerCode), reference = r.string(.reference)
        let time = r.timestamp(.transactionTime, required: true), checksum = r.optionalString(.checksum)
        try r.finish()
        guard let result, let partner, let reference, let time else { throw WireDecodingError(issues: r.issues) }
        self.init(result: result, message: message ?? "", partnerCode: partner, reference: reference, transactionTime: time)
        self.checksum = checksum
    }

    /// Encodes the wire form.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        try w.value(result, .result)
        try w.string(message, .message)
        try w.string(partnerCode, .partnerCode)
        try w.string(reference, .reference)
        try w.timestamp(transactionTime, .transactionTime)
        try w.optionalString(checksum, .checksum)
    }
}
