/// The message type of a payment-platform message (loại bản tin, `LoaiBanTin`;
/// `spec/portal-protocol.md` §13.1). The confirm callback's own value is not documented, so any
/// value is kept.
public enum PaymentMessageType: PortalCodeList {
    /// `INIT`: create a payment.
    case initialize
    /// `GET_BILL`: fetch the receipt.
    case getBill
    /// `QUERY`: ask for a payment's state.
    case query
    /// Any other value, kept as received.
    case unknown(String)

    /// The case for a wire value.
    public init(wireValue: String) {
        switch wireValue {
        case "INIT": self = .initialize
        case "GET_BILL": self = .getBill
        case "QUERY": self = .query
        default: self = .unknown(wireValue)
        }
    }

    /// The wire value.
    public var wireValue: String {
        switch self {
        case .initialize: "INIT"
        case .getBill: "GET_BILL"
        case .query: "QUERY"
        case .unknown(let value): value
        }
    }
}

/// A payment-platform result code (mã lỗi, `MaLoi`): `00` success, `99` another error.
public enum PaymentResultCode: PortalCodeList {
    /// `00`: success (for a callback: paid).
    case success
    /// `99`: another error.
    case otherError
    /// Any other code, kept as received.
    case unknown(String)

    /// The case for a wire value.
    public init(wireValue: String) {
        switch wireValue {
        case "00": self = .success
        case "99": self = .otherError
        default: self = .unknown(wireValue)
        }
    }

    /// The wire value.
    public var wireValue: String {
        switch self {
        case .success: "00"
        case .otherError: "99"
        case .unknown(let value): value
        }
    }
}

/// The state of a payment transaction (trạng thái giao dịch, `TrangThaiGD`) in a `QUERY` reply.
public enum PaymentTransactionState: PortalCodeList {
    /// `1`: paid.
    case succeeded
    /// `3`: the platform does not know the final state yet; ask again later.
    case pending
    /// `4`: failed.
    case failed
    /// Any other code, kept as received.
    case unknown(String)

    /// The case for a wire value.
    public init(wireValue: String) {
        switch wireValue {
        case "1": self = .succeeded
        case "3": self = .pending
        case "4": self = .failed
        default: self = .unknown(wireValue)
        }
    }

    /// The wire value.
    public var wireValue: String {
        switch self {
        case .succeeded: "1"
        case .pending: "3"
        case .failed: "4"
        case .unknown(let value): value
        }
    }
}
