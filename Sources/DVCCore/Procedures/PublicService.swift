/// A public-service configuration (dịch vụ công) from `LayDVC` (`spec/portal-protocol.md` §10.4):
/// a procedure offered as an online service, with the service level per implementing agency.
public struct PublicService: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case code = "MADVC", name = "TENDVC", procedureCode = "MATTHC", procedureName = "TENTTHC"
        case issuingAgencyName = "TENCOQUANBANHANH", fieldName = "TENLINHVUC", applications = "APDUNGDVC"
    }

    /// Where the service applies and at which level (`APDUNGDVC` element).
    public struct Application: Sendable, Hashable, Codable {
        enum CodingKeys: String, CodingKey, CaseIterable { case agencyCode = "MACOQUANTHUCHIEN", level = "MUCDO" }
        /// The implementing agency's code (`MACOQUANTHUCHIEN`).
        public var agencyCode: String
        /// The service level (`MUCDO`), when it is 1–4.
        public var level: ServiceLevel?

        /// Creates an application.
        public init(agencyCode: String, level: ServiceLevel?) { self.agencyCode = agencyCode; self.level = level }

        /// Decodes the wire form.
        public init(from decoder: any Decoder) throws {
            var r = try WireReader<CodingKeys>(decoder)
            let agency = r.string(.agencyCode), number = r.optionalInt(.level)
            if let number, ServiceLevel(rawValue: number) == nil { r.record(.level, .fieldInvalid, "`MUCDO` \(number) is not a service level 1–4") }
            try r.finish()
            guard let agency else { throw WireDecodingError(issues: r.issues) }
            self.init(agencyCode: agency, level: number.flatMap(ServiceLevel.init(rawValue:)))
        }

        /// Encodes the wire form.
        public func encode(to encoder: any Encoder) throws {
            var w = WireWriter<CodingKeys>(encoder)
            try w.string(agencyCode, .agencyCode)
            try w.optionalInt(level?.rawValue, .level)
        }
    }

    /// The service code (`MADVC`), e.g. `2.000815.000.00.00.H55.02`.
    public var code: String
    /// The service name (`TENDVC`).
    public var name: String?
    /// The procedure (`MATTHC`).
    public var procedureCode: ProcedureCode
    /// The procedure's name (`TENTTHC`).
    public var procedureName: String?
    /// The issuing agency's name (`TENCOQUANBANHANH`).
    public var issuingAgencyName: String?
    /// The field's name (`TENLINHVUC`).
    public var fieldName: String?
    /// Agencies and levels (`APDUNGDVC`).
    public var applications: [Application]

    /// Creates a configuration.
    public init(code: String, procedureCode: ProcedureCode, applications: [Application] = []) {
        self.code = code
        self.procedureCode = procedureCode
        self.applications = applications
    }

    /// Decodes the wire form.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let code = r.string(.code), name = r.optionalString(.name)
        let procedure = r.code(ProcedureCode.self, .procedureCode, rule: .procedureCodeMalformed)
        let procedureName = r.optionalString(.procedureName), issuer = r.optionalString(.issuingAgencyName)
        let fieldName = r.optionalString(.fieldName), applications = r.list(Application.self, .applications)
        try r.finish()
        guard let code, let procedure, let applications else { throw WireDecodingError(issues: r.issues) }
        self.init(code: code, procedureCode: procedure, applications: applications)
        (self.name, self.procedureName, issuingAgencyName, self.fieldName) = (name, procedureName, issuer, fieldName)
    }

    /// Encodes the wire form.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        try w.string(code, .code)
        try w.optionalString(name, .name)
        try w.code(procedureCode, .procedureCode)
        try w.optionalString(procedureName, .procedureName)
        try w.optionalString(issuingAgencyName, .issuingAgencyName)
        try w.optionalString(fieldName, .fieldName)
        try w.value(applications, .applications)
    }
}

/// A row of the procedure catalogue `LayDanhSachTTHC`: `{MATTHC, TENTTHC}` (§10.1).
public struct ProcedureSummary: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case code = "MATTHC", name = "TENTTHC" }
    /// The procedure code.
    public var code: ProcedureCode
    /// Its name.
    public var name: String

    /// Creates a row.
    public init(code: ProcedureCode, name: String) { self.code = code; self.name = name }

    /// Decodes the wire form.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let code = r.code(ProcedureCode.self, .code, rule: .procedureCodeMalformed), name = r.string(.name)
        try r.finish()
        guard let code, let name else { throw WireDecodingError(issues: r.issues) }
        self.init(code: code, name: name)
    }

    /// Encodes the wire form.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        try w.code(code, .code)
        try w.string(name, .name)
    }
}

extension ProcedureCatalogue {
    /// A catalogue of full procedures (from `LayThuTuc`), with each procedure's fields.
    public init(procedures: [Procedure]) {
        self.init(Dictionary(procedures.map { ($0.code, Set($0.fields.map(\.code))) }, uniquingKeysWith: { $0.union($1) }))
    }
}
