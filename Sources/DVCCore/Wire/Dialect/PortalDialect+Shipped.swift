/// `Data` appears in this file's public API (dialect files).
public import Foundation

extension PortalDialect {
    /// The national portal's contract as the open-source reference system speaks it (the
    /// default): a `{session, madonvi, service, …, data}` envelope `POST`ed to
    /// `/api/integration`, catalogues and TechID look-ups to `/api/share`, a session from
    /// `POST /auth`, `error_code` `0`/`"0"`/`"00"` for success, every value a string, dates
    /// `yyyyMMddHHmmss`.
    public static let reference = PortalDialect(
        name: "reference", summary: "the national portal's contract: session envelope, one URL per endpoint group",
        framing: .envelope,
        routes: Dictionary(uniqueKeysWithValues: [PortalService.procedureCatalogue, .agencyCatalogue, .fieldCatalogue, .lookUpTechID]
            .map { ($0.rawValue, Route(path: "/api/share")) }),
        defaultRoute: Route(path: "/api/integration"), readRoute: Route(path: "/api/integration"),
        unitCode: Field(.body, key: "madonvi"),
        updatingFlag: UpdatingFlag(Field(.body, key: "isUpdating")),
        authentication: Authentication(.session, path: "/auth", key: "session"))

    /// A provincial gateway that separates creates, updates and progress by URL (the shape of a
    /// Thanh Hóa one-stop system's gateway client): bare JSON arrays, the unit code in the query
    /// string, an LGSP access token in a header, success only when `error_code` is `"0"` **and**
    /// the message says "thành công", "already exists" answered `3`/`-3` with "đã tồn tại", and
    /// the progress endpoint answering in plain text. The paths are this profile's defaults —
    /// set your gateway's.
    public static let tdGateway = PortalDialect(
        name: "td-gateway", summary: "provincial gateway: bare arrays, separate create/update/progress URLs, LGSP token header",
        framing: .bare,
        routes: [
            PortalService.syncDossiers.rawValue: Route(path: "/lgsp/dvcqg/DongBoHoSoMC/Them", updatePath: "/lgsp/dvcqg/DongBoHoSoMC/CapNhat"),
            PortalService.updateProgress.rawValue: Route(path: "/lgsp/dvcqg/CapNhatTienDoHoSoMC"),
        ],
        defaultRoute: Route(path: "/lgsp/dvcqg/{service}"), readRoute: Route(path: "/lgsp/dvcqg/{service}", method: .get),
        unitCode: Field(.query, key: "madonvi"),
        updatingFlag: UpdatingFlag(Field(.omitted, key: "isUpdating")),
        authentication: Authentication(.gatewayToken, path: "/lgsp/token", key: "lgspaccesstoken"),
        replies: Replies(successPhrases: ["thành công", "thanh cong"], alreadyExistsCodes: ["3", "-3"], acceptsPlainText: true))

    /// A provincial gateway that takes one sync URL with the agency and the create/update flag in
    /// the query string (the shape of a Hà Giang system's `…/DongBoHoSoMC?MaDinhDanhDV=&isUpdating=`):
    /// bare JSON arrays, an OAuth2 client-credentials bearer token, read services by `GET`.
    public static let hgGateway = PortalDialect(
        name: "hg-gateway", summary: "provincial gateway: bare arrays, agency and isUpdating in the query string, bearer token",
        framing: .bare,
        routes: [:],
        defaultRoute: Route(path: "/SynsTTHCC/{service}"), readRoute: Route(path: "/SynsTTHCC/{service}", method: .get),
        unitCode: Field(.query, key: "MaDinhDanhDV"),
        updatingFlag: UpdatingFlag(Field(.query, key: "isUpdating")),
        authentication: Authentication(.clientCredentials, path: "/oauth2/token", key: "Authorization"))

    /// The newer token-based DVC API a ministry's test page shows: a client-credentials bearer
    /// token, dossiers created by `NoiHoSo` and updated by `CapNhatTrangThai`, progress by
    /// `CapNhatTienTrinh`, replies `{code, message, data}`, dates `yyyy-MM-dd HH:mm:ss`, and
    /// `LoaiDoiTuong`, `TrangThaiHoSo`, `TrangThai` and `SoLuong` as JSON numbers. The paths are
    /// this profile's defaults — set your deployment's.
    public static let dvcAPI = PortalDialect(
        name: "dvc-api", summary: "newer DVC API: bearer token, NoiHoSo / CapNhatTienTrinh / CapNhatTrangThai, {code, message, data}",
        framing: .bare,
        routes: [
            PortalService.syncDossiers.rawValue: Route(path: "/api/HoSo/NoiHoSo", updatePath: "/api/HoSo/CapNhatTrangThai"),
            PortalService.updateProgress.rawValue: Route(path: "/api/HoSo/CapNhatTienTrinh"),
        ],
        defaultRoute: Route(path: "/api/{service}"), readRoute: Route(path: "/api/{service}", method: .get),
        unitCode: Field(.header, key: "MaDonVi"),
        updatingFlag: UpdatingFlag(Field(.omitted, key: "isUpdating")),
        authentication: Authentication(.clientCredentials, path: "/api/token", key: "Authorization"),
        replies: Replies(codeKeys: ["code", "error_code"], successCodes: ["0", "00", "200"], resultKeys: ["data", "result"]),
        style: WireStyle(timestampFormat: .dashed, numericFields: ["LoaiDoiTuong", "TrangThaiHoSo", "TrangThai", "SoLuong"]))

    /// The dialects DVCKit ships, by name.
    public static let shipped: [PortalDialect] = [.reference, .tdGateway, .hgGateway, .dvcAPI]

    /// A shipped dialect by name (`reference`, `td-gateway`, `hg-gateway`, `dvc-api`).
    public static func named(_ name: String) -> PortalDialect? {
        shipped.first { $0.name == name }
    }

    /// Reads a dialect from its JSON description (the form ``jsonData()`` writes). A key left
    /// out keeps ``reference``'s value, so a file need only say what differs.
    /// - Throws: ``PortalDialect/ConfigurationError`` naming the key that is wrong.
    public init(json data: Data) throws {
        try JSONLimits.standard.check(data)
        let base = try PortalDialect.reference.jsonObject()
        guard let overrides = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ConfigurationError(key: "", message: "a dialect file must be one JSON object")
        }
        var merged = base
        for (key, value) in overrides {
            guard base[key] != nil else {
                throw ConfigurationError(key: key, message: "`\(key)` is not a dialect setting (known: \(base.keys.sorted().joined(separator: ", ")))")
            }
            if let nested = value as? [String: Any], var current = base[key] as? [String: Any], key != "routes" {
                for (inner, innerValue) in nested { current[inner] = innerValue }
                merged[key] = current
            } else {
                merged[key] = value
            }
        }
        do {
            self = try JSONDecoder().decode(PortalDialect.self, from: JSONSerialization.data(withJSONObject: merged))
        } catch let error as DecodingError {
            throw ConfigurationError(key: Self.path(of: error), message: "`\(Self.path(of: error))`: \(Self.reason(of: error))")
        }
        if name.isEmpty { throw ConfigurationError(key: "name", message: "`name` must not be empty") }
    }

    /// The dialect as JSON (pretty, sorted keys), the form ``init(json:)`` reads.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    private func jsonObject() throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: JSONEncoder().encode(self)) as? [String: Any]) ?? [:]
    }

    private static func path(of error: DecodingError) -> String {
        let context: DecodingError.Context?
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): context = c
        case .keyNotFound(let key, let c): return (c.codingPath + [key]).map(\.stringValue).joined(separator: ".")
        @unknown default: context = nil
        }
        return context?.codingPath.map(\.stringValue).joined(separator: ".") ?? ""
    }

    private static func reason(of error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, _): return "expected \(type)"
        case .valueNotFound(let type, _): return "expected \(type), found null"
        case .keyNotFound: return "required"
        case .dataCorrupted(let context): return context.debugDescription
        @unknown default: return "invalid"
        }
    }

    /// A dialect description that cannot be used (lỗi cấu hình phương ngữ), naming the key.
    public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The dotted key that is wrong (`replies.successCodes`); empty for the whole file.
        public let key: String
        /// What is wrong.
        public let message: String

        /// The message.
        public var description: String { "dialect: \(message)" }
    }
}
