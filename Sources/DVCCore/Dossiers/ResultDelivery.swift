/// How the result is handed back (hình thức trả kết quả, `HinhThuc`).
///
/// The sources conflict (`spec/portal-protocol.md` §8.4): OpenCPS's sync sends `1` when the
/// applicant chose postal return and `0` otherwise, while another OpenCPS endpoint sends `1` for
/// online submission. DVCKit follows the sync's reading, the most consistent one **(inferred)**.
public enum ResultDelivery: PortalCodeList {
    /// `0`: collected at the office.
    case atOffice
    /// `1`: sent by post (bưu chính).
    case byPost
    /// A code this release does not know, kept as received.
    case unknown(String)

    /// The case for a wire value.
    public init(wireValue: String) {
        switch wireValue {
        case "0": self = .atOffice
        case "1": self = .byPost
        default: self = .unknown(wireValue)
        }
    }

    /// The wire value.
    public var wireValue: String {
        switch self {
        case .atOffice: "0"
        case .byPost: "1"
        case .unknown(let value): value
        }
    }
}

extension ResultDelivery {
    /// The value as received when it is not one the standard defines; `nil` otherwise.
    var unknownValue: String? {
        if case .unknown(let value) = self { value } else { nil }
    }
}
