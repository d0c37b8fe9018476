import Foundation
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
    /// A land-tax notice naming dossiers (`NhanThongBaoThueDat`).
    case landTaxNotice(LandTaxNotice)
    /// A verified payment confirmation from the payment platform.
    case paymentConfirmation(PaymentConfirmation)

    /// The key duplicates are recognised by: the kind, the dossier, and a SHA-256 of everything
    /// the message says — so a resend is a duplicate, but a later amendment, a voucher whose
    /// payment state moved, or a corrected notice is a new message.
    public var deduplicationKey: String {
        switch self {
        case .promotionRegistration(let registration): "registration:\(registration.portalDossierID)"
        case .promotionAmendment(let a):
            "amendment:\(a.portalDossierID):" + Self.digest([a.taxCode.rawValue, a.procedureCode.rawValue, a.traderName, a.programName, a.fileName, a.fileURL])
        case .landTaxVoucher(let v):
            "land-tax-voucher:\(v.dossierCode):\(v.noticeNumber):"
                + Self.digest([v.payerName, v.taxCode.rawValue, v.voucherURL, v.paidAt, String(v.amount), v.content, String(v.paymentState)])
        case .landTaxNotice(let notice): "land-tax-notice:" + hex(SHA256.hash(notice.xml))
        case .paymentConfirmation(let c): "payment:\(c.reference):\(c.transactionID):\(c.result.wireValue)"
        }
    }

    /// SHA-256 of the values, each length-prefixed so that no two lists share an encoding.
    static func digest(_ values: [String?]) -> String {
        var hasher = SHA256()
        for value in values {
            let bytes = value.map { Array($0.utf8) }
            hasher.update(Array((bytes.map { String($0.count) } ?? "-").utf8) + [0x3A])
            hasher.update(bytes ?? [])
        }
        return hex(hasher.finalize())
    }
}

/// Bounds on what an inbound push may carry, and where its files may be fetched from.
public struct InboundLimits: Sendable, Hashable {
    /// The largest body accepted (default 16 MiB); larger ones are answered HTTP 413.
    public var maximumBodyBytes: Int
    /// The largest single inline file after base64 decoding (default 10 MiB).
    public var maximumFileBytes: Int
    /// The most inline files one registration may carry (default 50).
    public var maximumFiles: Int
    /// The hosts file URLs (`URLTepDangKy`, `UrlFileChungTu`) may name; `nil` allows any host.
    /// Every file URL must be `https` either way: the one-stop system fetches it, so an
    /// arbitrary URL would let a caller make the server fetch internal addresses.
    public var fileHosts: Set<String>?

    /// Creates limits.
    public init(maximumBodyBytes: Int = 16 << 20, maximumFileBytes: Int = 10 << 20, maximumFiles: Int = 50, fileHosts: Set<String>? = nil) {
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumFileBytes = maximumFileBytes
        self.maximumFiles = maximumFiles
        self.fileHosts = fileHosts
    }

    /// The defaults.
    public static let standard = InboundLimits()

    /// The key under which a decoder finds the limits.
    static let userInfoKey: CodingUserInfoKey = {
        guard let key = CodingUserInfoKey(rawValue: "vn.dvckit.inbound-limits") else { preconditionFailure("a constant, valid user-info key") }
        return key
    }()
}

extension Decoder {
    /// The inbound limits the handler put in `userInfo`, or the defaults.
    var inboundLimits: InboundLimits { userInfo[InboundLimits.userInfoKey] as? InboundLimits ?? .standard }
}

