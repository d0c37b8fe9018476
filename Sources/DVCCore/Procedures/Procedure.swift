/// An administrative procedure (thủ tục hành chính, TTHC) as the portal publishes it: the result of
/// `LayThuTuc` (`spec/portal-protocol.md` §10). Read from the portal, so decoding is lenient;
/// values are strings on the wire.
///
/// The nested lists follow the portal's structure: steps per case, implementation levels,
/// fields, channels with their processing times and fees, applicant kinds, required documents
/// per case, results, legal bases, four agency lists and related procedures.
public struct Procedure: Sendable, Hashable, Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id = "ID", code = "MATTHC", name = "TENTTHC", publishingAgencyCode = "MACOQUANCONGBO", kind = "LOAITTHC"
        case applicantDescription = "MOTADOITUONGTHUCHIEN", submissionAddress = "DIACHITIEPNHAN", conditions = "YEUCAU"
        case keywords = "TUKHOA", decisionID = "IDQUYETDINHCONGBO", decision = "QUYETDINH", state = "TRANGTHAI"
        case implementingAgenciesDescription = "MOTACOQUANTHUCHIEN", competentAgenciesDescription = "MOTACOQUANTHAMQUYEN"
        case summary = "MOTA", steps = "TRINHTUTHUCHIEN", levels = "CAPTHUCHIEN", fields = "LINHVUCTHUCHIEN"
        case channels = "CACHTHUCTHUCHIEN", applicantKinds = "DOITUONGTHUCHIEN", requiredDocuments = "THANHPHANHOSO"
        case results = "KETQUATHUCHIEN", legalBases = "CANCUPHAPLY", implementingAgencies = "COQUANTHUCHIEN"
        case competentAgencies = "COQUANCOTHAMQUYEN", delegatedAgencies = "COQUANDUOCUYQUYEN"
        case coordinatingAgencies = "COQUANPHOIHOP", relatedProcedures = "TTHCLIENQUAN", linkedProcedures = "TTHCLIENTHONG"
    }

    /// The portal's internal id (`ID`).
    public var id: String?
    /// The procedure code (`MATTHC`).
    public var code: ProcedureCode
    /// The name (`TENTTHC`).
    public var name: String
    /// The publishing agency's code (`MACOQUANCONGBO`).
    public var publishingAgencyCode: String?
    /// The procedure type (`LOAITTHC`).
    public var kind: String?
    /// Who may apply, as text (`MOTADOITUONGTHUCHIEN`).
    public var applicantDescription: String?
    /// Where to submit (`DIACHITIEPNHAN`).
    public var submissionAddress: String?
    /// Conditions (`YEUCAU`, HTML or text).
    public var conditions: String?
    /// Search keywords (`TUKHOA`).
    public var keywords: String?
    /// The publishing decision's id (`IDQUYETDINHCONGBO`).
    public var decisionID: String?
    /// The publishing decision (`QUYETDINH`).
    public var decision: String?
    /// `1` when published and active (`TRANGTHAI`).
    public var state: String?
    /// Descriptions of the implementing and competent agencies and of the procedure (`MOTA…`).
    public var implementingAgenciesDescription: String?, competentAgenciesDescription: String?, summary: String?
    /// Steps per case (`TRINHTUTHUCHIEN`).
    public var steps: [StepGroup] = []
    /// Levels of government that implement it (`CAPTHUCHIEN`).
    public var levels: [Level] = []
    /// Its fields (`LINHVUCTHUCHIEN`); OpenCPS takes the first as the dossier's field.
    public var fields: [Field] = []
    /// Channels with processing times and fees (`CACHTHUCTHUCHIEN`).
    public var channels: [ChannelOption] = []
    /// Kinds of applicant (`DOITUONGTHUCHIEN`).
    public var applicantKinds: [ApplicantKind] = []
    /// Required documents per case (`THANHPHANHOSO`).
    public var requiredDocuments: [DocumentGroup] = []
    /// Results (`KETQUATHUCHIEN`).
    public var results: [Result] = []
    /// Legal bases (`CANCUPHAPLY`).
    public var legalBases: [LegalBasis] = []
    /// The four agency lists (`COQUANTHUCHIEN`, `COQUANCOTHAMQUYEN`, `COQUANDUOCUYQUYEN`, `COQUANPHOIHOP`).
    public var implementingAgencies: [AgencyReference] = [], competentAgencies: [AgencyReference] = []
    /// Delegated and coordinating agencies.
    public var delegatedAgencies: [AgencyReference] = [], coordinatingAgencies: [AgencyReference] = []
    /// Related and inter-linked procedures (`TTHCLIENQUAN`, `TTHCLIENTHONG`; codes or names as sent).
    public var relatedProcedures: [RelatedProcedure] = [], linkedProcedures: [RelatedProcedure] = []

    /// Creates a procedure from its code and name.
    public init(code: ProcedureCode, name: String) {
        self.code = code
        self.name = name
    }

    /// Whether the portal lists it as published and active (`TRANGTHAI` = `1`).
    public var isActive: Bool { state == "1" }

    /// Decodes `LayThuTuc`'s `result[0]`, reporting every defect.
    public init(from decoder: any Decoder) throws {
        var r = try WireReader<CodingKeys>(decoder)
        let code = r.code(ProcedureCode.self, .code, rule: .procedureCodeMalformed), name = r.string(.name)
        var strings: [CodingKeys: String] = [:]
        for key in [CodingKeys.id, .publishingAgencyCode, .kind, .applicantDescription, .submissionAddress, .conditions, .keywords,
                    .decisionID, .decision, .state, .implementingAgenciesDescription, .competentAgenciesDescription, .summary] {
            strings[key] = r.optionalString(key)
        }
        let steps = r.list(StepGroup.self, .steps), levels = r.list(Level.self, .levels), fields = r.list(Field.self, .fields)
        let channels = r.list(ChannelOption.self, .channels), kinds = r.list(ApplicantKind.self, .applicantKinds)
        let documents = r.list(DocumentGroup.self, .requiredDocuments), results = r.list(Result.self, .results)
        let bases = r.list(LegalBasis.self, .legalBases)
        let agencies = [CodingKeys.implementingAgencies, .competentAgencies, .delegatedAgencies, .coordinatingAgencies].map { r.list(AgencyReference.self, $0) }
        let related = r.list(RelatedProcedure.self, .relatedProcedures), linked = r.list(RelatedProcedure.self, .linkedProcedures)
        try r.finish()
        guard let code, let name, let steps, let levels, let fields, let channels, let kinds, let documents, let results,
              let bases, let related, let linked, let a0 = agencies[0], let a1 = agencies[1], let a2 = agencies[2], let a3 = agencies[3] else {
            throw WireDecodingError(issues: r.issues)
        }
        self.init(code: code, name: name)
        (id, publishingAgencyCode, kind, applicantDescription) = (strings[.id], strings[.publishingAgencyCode], strings[.kind], strings[.applicantDescription])
        (submissionAddress, conditions, keywords, decisionID, decision) = (strings[.submissionAddress], strings[.conditions], strings[.keywords], strings[.decisionID], strings[.decision])
        (state, implementingAgenciesDescription, competentAgenciesDescription, summary) = (strings[.state], strings[.implementingAgenciesDescription], strings[.competentAgenciesDescription], strings[.summary])
        (self.steps, self.levels, self.fields, self.channels, applicantKinds) = (steps, levels, fields, channels, kinds)
        (requiredDocuments, self.results, legalBases) = (documents, results, bases)
        (implementingAgencies, competentAgencies, delegatedAgencies, coordinatingAgencies) = (a0, a1, a2, a3)
        (relatedProcedures, linkedProcedures) = (related, linked)
    }

    /// Encodes the canonical wire form.
    public func encode(to encoder: any Encoder) throws {
        var w = WireWriter<CodingKeys>(encoder)
        try w.optionalString(id, .id)
        try w.code(code, .code)
        try w.string(name, .name)
        for (value, key) in [(publishingAgencyCode, CodingKeys.publishingAgencyCode), (kind, .kind), (applicantDescription, .applicantDescription),
                             (submissionAddress, .submissionAddress), (conditions, .conditions), (keywords, .keywords), (decisionID, .decisionID),
                             (decision, .decision), (state, .state), (implementingAgenciesDescription, .implementingAgenciesDescription),
                             (competentAgenciesDescription, .competentAgenciesDescription), (summary, .summary)] {
            try w.optionalString(value, key)
        }
        try w.value(steps, .steps)
        try w.value(levels, .levels)
        try w.value(fields, .fields)
        try w.value(channels, .channels)
        try w.value(applicantKinds, .applicantKinds)
        try w.value(requiredDocuments, .requiredDocuments)
        try w.value(results, .results)
        try w.value(legalBases, .legalBases)
        try w.value(implementingAgencies, .implementingAgencies)
        try w.value(competentAgencies, .competentAgencies)
        try w.value(delegatedAgencies, .delegatedAgencies)
        try w.value(coordinatingAgencies, .coordinatingAgencies)
        try w.value(relatedProcedures, .relatedProcedures)
        try w.value(linkedProcedures, .linkedProcedures)
    }
}
