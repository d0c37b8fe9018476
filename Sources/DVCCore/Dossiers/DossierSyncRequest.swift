/// The body of a `DongBoHoSoMC` call (đồng bộ hồ sơ): the common envelope
/// `{session, madonvi, service}` plus `isUpdating` (`"True"` update, `"False"` create) and the
/// dossiers (`spec/portal-protocol.md` §3–§5).
///
/// The session token is a secret: ``description`` never shows it. DVCClient fills it in; leave it
/// `nil` when you build a request yourself.
public struct DossierSyncRequest: Sendable, Hashable, Codable, CustomStringConvertible {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case session, unitCode = "madonvi", service, isUpdating, dossiers = "data"
    }

    /// The session token from login (`session`). Secret.
    public var session: String?
    /// The syncing unit's portal code (`madonvi`), usually a province or ministry.
    public var unitCode: String
    /// Update (`true`) or create (`false`).
    public var isUpdating: Bool
    /// The dossiers (`data`).
    public var dossiers: [Dossier]

    /// Creates a request.
    public init(unitCode: String, isUpdating: Bool, dossiers: [Dossier], session: String? = nil) {
        self.unitCode = unitCode
        self.isUpdating = isUpdating
        self.dossiers = dossiers
        self.session = session
    }

    /// The service name, always `DongBoHoSoMC`.
    public var service: PortalService { .syncDossiers }

    /// A summary without the session token.
    public var description: String {
        "DongBoHoSoMC(madonvi: \(unitCode), isUpdating: \(isUpdating), \(dossiers.count) dossiers, session: \(session == nil ? "none" : "<redacted>"))"
    }

    /// Decodes the envelope; every dossier's defects are reported, with `data[i]` paths. An absent
    /// `isUpdating` reads as `false` (create) leniently and is an error when decoding strictly.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let session = r.optionalString(.session), unitCode = r.string(.unitCode)
        if let service = r.optionalString(.service), service != PortalService.syncDossiers.rawValue {
            r.record(.service, .fieldInvalid, "`service` is \"\(service)\", expected \"DongBoHoSoMC\"")
        }
        let isUpdating = r.optionalBool(.isUpdating)
        if isUpdating == nil, r.strictness == .strict, r.isAbsentOrNull(.isUpdating) {
            // Lenient decoding reads an absent flag as a create, as the reference system does.
            r.dropNullVariant(.isUpdating)
            r.record(.isUpdating, .fieldMissing, "`isUpdating` is required: without it the portal treats the batch as new dossiers")
        }
        let dossiers = r.list(Dossier.self, .dossiers)
        try r.finish()
        guard let unitCode, let dossiers else { throw WireDecodingError(issues: r.issues) }
        self.init(unitCode: unitCode, isUpdating: isUpdating ?? false, dossiers: dossiers, session: session)
    }

    /// Encodes the canonical envelope.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        try w.optionalString(session, .session)
        try w.string(unitCode, .unitCode)
        try w.string(service.rawValue, .service)
        try w.optionalBool(isUpdating, .isUpdating)
        try w.value(dossiers, .dossiers)
    }
}
