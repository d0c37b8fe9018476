/// How a dossier was submitted (kênh thực hiện, `KENH` / `KenhThucHien`; `spec/portal-protocol.md` §8.2).
public enum Channel: PortalCodeList {
    /// `1`: in person at the one-stop desk (trực tiếp).
    case direct
    /// `2`: online (trực tuyến).
    case online
    /// `3`: through the public postal service (bưu chính công ích).
    case postal
    /// A code this release does not know, kept as received.
    case unknown(String)

    /// The case for a wire value.
    public init(wireValue: String) {
        switch wireValue {
        case "1": self = .direct
        case "2": self = .online
        case "3": self = .postal
        default: self = .unknown(wireValue)
        }
    }

    /// The wire value.
    public var wireValue: String {
        switch self {
        case .direct: "1"
        case .online: "2"
        case .postal: "3"
        case .unknown(let value): value
        }
    }
}

extension Channel {
    /// The value as received when it is not one the standard defines; `nil` otherwise.
    var unknownValue: String? {
        if case .unknown(let value) = self { value } else { nil }
    }
}
