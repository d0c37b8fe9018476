/// The body of a service that pushes a list: `{session, madonvi, service, data:[…]}` — progress
/// updates (`CapNhatTienDoHoSoMC`), questions and answers, ratings, statistics
/// (`spec/portal-protocol.md` §3–§4, §6, §11). Dossier sync has its own type
/// (``DossierSyncRequest``) because it also carries `isUpdating`.
///
/// The session token is a secret: ``description`` never shows it.
public struct PortalBatchRequest<Item: Codable & Sendable & Hashable>: Sendable, Hashable, Codable, CustomStringConvertible {
    enum CodingKeys: String, CodingKey, CaseIterable { case session, unitCode = "madonvi", service, items = "data" }

    /// The session token (`session`). Secret.
    public var session: String?
    /// The syncing unit (`madonvi`).
    public var unitCode: String
    /// The service (`service`).
    public var service: PortalService
    /// The items (`data`).
    public var items: [Item]

    /// Creates a request.
    public init(service: PortalService, unitCode: String, items: [Item], session: String? = nil) {
        self.service = service
        self.unitCode = unitCode
        self.items = items
        self.session = session
    }

    /// A summary without the session token.
    public var description: String {
        "\(service.rawValue)(madonvi: \(unitCode), \(items.count) items, session: \(session == nil ? "none" : "<redacted>"))"
    }

    /// Decodes the wire form, reporting every item's defects with `data[i]` paths.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let session = r.optionalString(.session), unit = r.string(.unitCode), service = r.string(.service)
        let items = r.list(Item.self, .items)
        try r.finish()
        guard let unit, let service, let items else { throw WireDecodingError(issues: r.issues) }
        self.init(service: PortalService(rawValue: service), unitCode: unit, items: items, session: session)
    }

    /// Encodes the wire form.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        try w.optionalString(session, .session)
        try w.string(unitCode, .unitCode)
        try w.string(service.rawValue, .service)
        try w.value(items, .items)
    }
}
