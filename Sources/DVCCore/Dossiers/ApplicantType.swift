/// Who submitted a dossier (loại đối tượng, `LoaiDoiTuong`; `spec/portal-protocol.md` §8.3).
///
/// OpenCPS sends only `1` and `2`; a later integration adds `3` and `4` **[P]**.
public enum ApplicantType: PortalCodeList {
    /// `1`: a citizen (công dân).
    case citizen
    /// `2`: an enterprise (doanh nghiệp).
    case enterprise
    /// `3`: a state agency (cơ quan nhà nước).
    case stateAgency
    /// `4`: another organisation (tổ chức khác).
    case organisation
    /// A code this release does not know, kept as received.
    case unknown(String)

    /// The case for a wire value.
    public init(wireValue: String) {
        switch wireValue {
        case "1": self = .citizen
        case "2": self = .enterprise
        case "3": self = .stateAgency
        case "4": self = .organisation
        default: self = .unknown(wireValue)
        }
    }

    /// The wire value.
    public var wireValue: String {
        switch self {
        case .citizen: "1"
        case .enterprise: "2"
        case .stateAgency: "3"
        case .organisation: "4"
        case .unknown(let value): value
        }
    }
}

extension ApplicantType {
    /// The value as received when it is not one the standard defines; `nil` otherwise.
    var unknownValue: String? {
        if case .unknown(let value) = self { value } else { nil }
    }
}
