/// Whether a dossier's fees were paid online (`DuocThanhToanTrucTuyen`, a later-revision field,
/// `spec/portal-protocol.md` §16, **[P]**).
public enum OnlinePaymentState: PortalCodeList {
    /// `1`: paid online.
    case paidOnline
    /// `3`: not paid online.
    case notPaidOnline
    /// A code this release does not know, kept as received.
    case unknown(String)

    /// The case for a wire value.
    public init(wireValue: String) {
        switch wireValue {
        case "1": self = .paidOnline
        case "3": self = .notPaidOnline
        default: self = .unknown(wireValue)
        }
    }

    /// The wire value.
    public var wireValue: String {
        switch self {
        case .paidOnline: "1"
        case .notPaidOnline: "3"
        case .unknown(let value): value
        }
    }
}
