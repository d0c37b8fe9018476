extension Procedure {
    /// The documents required in one case (`THANHPHANHOSO` element: `TRUONGHOP`, `GIAYTO[]`).
    public struct DocumentGroup: Sendable, Hashable, Codable {
        enum CodingKeys: String, CodingKey, CaseIterable { case caseName = "TRUONGHOP", documents = "GIAYTO" }
        /// The case (`TRUONGHOP`).
        public var caseName: String?
        /// The documents (`GIAYTO`).
        public var documents: [RequiredDocument]

        /// Creates a group.
        public init(caseName: String? = nil, documents: [RequiredDocument]) { self.caseName = caseName; self.documents = documents }

        /// Decodes the wire form.
        public init(from decoder: any Decoder) throws {
            var r = try WireReader<CodingKeys>(decoder)
            let caseName = r.optionalString(.caseName), documents = r.list(RequiredDocument.self, .documents)
            try r.finish()
            guard let documents else { throw WireDecodingError(issues: r.issues) }
            self.init(caseName: caseName, documents: documents)
        }

        /// Encodes the wire form.
        public func encode(to encoder: any Encoder) throws {
            var w = WireWriter<CodingKeys>(encoder)
            try w.optionalString(caseName, .caseName)
            try w.value(documents, .documents)
        }
    }

    /// A required document (giấy tờ; `GIAYTO` element), with how many originals and copies and the
    /// form template to fill in.
    public struct RequiredDocument: Sendable, Hashable, Codable {
        enum CodingKeys: String, CodingKey, CaseIterable {
            case code = "MAGIAYTO", name = "TENGIAYTO", templateName = "TENMAUDON", templateURL = "URL"
            case originals = "SOBANCHINH", copies = "SOBANSAO", replacedByResultCode = "MA_KQ_THAYTHE"
        }
        /// The document's code (`MAGIAYTO`).
        public var code: String?
        /// Its name (`TENGIAYTO`).
        public var name: String
        /// The form template's name (`TENMAUDON`).
        public var templateName: String?
        /// The downloadable form template (`URL`).
        public var templateURL: String?
        /// Originals required (`SOBANCHINH`).
        public var originals: Int?
        /// Copies required (`SOBANSAO`).
        public var copies: Int?
        /// A result of another procedure that can replace it (`MA_KQ_THAYTHE`).
        public var replacedByResultCode: String?

        /// Creates a required document.
        public init(code: String? = nil, name: String, originals: Int? = nil, copies: Int? = nil) {
            self.code = code
            self.name = name
            self.originals = originals
            self.copies = copies
        }

        /// Decodes the wire form.
        public init(from decoder: any Decoder) throws {
            var r = try WireReader<CodingKeys>(decoder)
            let code = r.optionalString(.code), name = r.string(.name), template = r.optionalString(.templateName)
            let url = r.optionalString(.templateURL), originals = r.optionalInt(.originals), copies = r.optionalInt(.copies)
            let replaced = r.optionalString(.replacedByResultCode)
            try r.finish()
            guard let name else { throw WireDecodingError(issues: r.issues) }
            self.init(code: code, name: name, originals: originals, copies: copies)
            (templateName, templateURL, replacedByResultCode) = (template, url, replaced)
        }

        /// Encodes the wire form.
        public func encode(to encoder: any Encoder) throws {
            var w = WireWriter<CodingKeys>(encoder)
            try w.optionalString(code, .code)
            try w.string(name, .name)
            try w.optionalString(templateName, .templateName)
            try w.optionalString(templateURL, .templateURL)
            try w.optionalInt(originals, .originals)
            try w.optionalInt(copies, .copies)
            try w.optionalString(replacedByResultCode, .replacedByResultCode)
        }
    }

    /// A result the procedure produces (`KETQUATHUCHIEN` element).
    public struct Result: Sendable, Hashable, Codable {
        enum CodingKeys: String, CodingKey, CaseIterable { case code = "MAKETQUA", name = "TENKETQUA", fileName = "TENTEP", url = "URL" }
        /// The result's code (`MAKETQUA`).
        public var code: String?
        /// Its name (`TENKETQUA`), e.g. `Giấy khai sinh`.
        public var name: String
        /// A sample document (`TENTEP`, `URL`).
        public var fileName: String?, url: String?

        /// Creates a result.
        public init(code: String? = nil, name: String) { self.code = code; self.name = name }

        /// Decodes the wire form.
        public init(from decoder: any Decoder) throws {
            var r = try WireReader<CodingKeys>(decoder)
            let code = r.optionalString(.code), name = r.string(.name), fileName = r.optionalString(.fileName), url = r.optionalString(.url)
            try r.finish()
            guard let name else { throw WireDecodingError(issues: r.issues) }
            self.init(code: code, name: name)
            (self.fileName, self.url) = (fileName, url)
        }

        /// Encodes the wire form.
        public func encode(to encoder: any Encoder) throws {
            var w = WireWriter<CodingKeys>(encoder)
            try w.optionalString(code, .code)
            try w.string(name, .name)
            try w.optionalString(fileName, .fileName)
            try w.optionalString(url, .url)
        }
    }

    /// A legal basis of the procedure (căn cứ pháp lý; `CANCUPHAPLY` element).
    public struct LegalBasis: Sendable, Hashable, Codable {
        enum CodingKeys: String, CodingKey, CaseIterable {
            case number = "SOVANBAN", title = "TENVANBAN", issuer = "COQUANBANHANH", issuedOn = "NGAYBANHANH"
            case effectiveOn = "NGAYHIEULUC", url = "DIACHITRUYCAP"
        }
        /// The instrument's number (`SOVANBAN`), e.g. `123/2015/NĐ-CP`.
        public var number: String
        /// Its title (`TENVANBAN`).
        public var title: String?
        /// The issuing body, issue and effective dates, and a link, as sent (`COQUANBANHANH`, `NGAYBANHANH`, `NGAYHIEULUC`, `DIACHITRUYCAP`).
        public var issuer: String?, issuedOn: String?, effectiveOn: String?, url: String?

        /// Creates a legal basis.
        public init(number: String, title: String? = nil) { self.number = number; self.title = title }

        /// Decodes the wire form.
        public init(from decoder: any Decoder) throws {
            var r = try WireReader<CodingKeys>(decoder)
            let number = r.string(.number), title = r.optionalString(.title), issuer = r.optionalString(.issuer)
            let issued = r.optionalString(.issuedOn), effective = r.optionalString(.effectiveOn), url = r.optionalString(.url)
            try r.finish()
            guard let number else { throw WireDecodingError(issues: r.issues) }
            self.init(number: number, title: title)
            (self.issuer, issuedOn, effectiveOn, self.url) = (issuer, issued, effective, url)
        }

        /// Encodes the wire form.
        public func encode(to encoder: any Encoder) throws {
            var w = WireWriter<CodingKeys>(encoder)
            try w.string(number, .number)
            try w.optionalString(title, .title)
            try w.optionalString(issuer, .issuer)
            try w.optionalString(issuedOn, .issuedOn)
            try w.optionalString(effectiveOn, .effectiveOn)
            try w.optionalString(url, .url)
        }
    }

    /// An agency in one of the procedure's agency lists (`{MADONVI, TENDONVI}`; also the
    /// `LayDanhMucCoQuan` row with its level `CAPDONVI`).
    public struct AgencyReference: Sendable, Hashable, Codable {
        enum CodingKeys: String, CodingKey, CaseIterable { case code = "MADONVI", name = "TENDONVI", level = "CAPDONVI" }
        /// The agency's code as the portal sends it (`MADONVI`; validate with ``AgencyCode`` when you need its parts).
        public var code: String
        /// Its name (`TENDONVI`).
        public var name: String?
        /// Its level in the agency catalogue (`CAPDONVI`).
        public var level: Int?

        /// Creates a reference.
        public init(code: String, name: String? = nil, level: Int? = nil) { self.code = code; self.name = name; self.level = level }

        /// The code as a validated ``AgencyCode``, when it is one.
        public var agencyCode: AgencyCode? { try? AgencyCode(validating: code) }

        /// Decodes the wire form.
        public init(from decoder: any Decoder) throws {
            var r = try WireReader<CodingKeys>(decoder)
            let code = r.string(.code), name = r.optionalString(.name), level = r.optionalInt(.level)
            try r.finish()
            guard let code else { throw WireDecodingError(issues: r.issues) }
            self.init(code: code, name: name, level: level)
        }

        /// Encodes the wire form.
        public func encode(to encoder: any Encoder) throws {
            var w = WireWriter<CodingKeys>(encoder)
            try w.string(code, .code)
            try w.optionalString(name, .name)
            try w.optionalInt(level, .level)
        }
    }

    /// A related procedure as the portal lists it: the element type is not documented (one
    /// integration reads plain strings), so a string, or an object's `MATTHC`/`TENTTHC`, is kept.
    public struct RelatedProcedure: Sendable, Hashable, Codable {
        enum CodingKeys: String, CodingKey, CaseIterable { case code = "MATTHC", name = "TENTTHC" }
        /// The code or text as sent.
        public var text: String
        /// The name, when an object carried one.
        public var name: String?

        /// Creates a reference.
        public init(text: String, name: String? = nil) { self.text = text; self.name = name }

        /// The text as a ``ProcedureCode``, when it is one.
        public var procedureCode: ProcedureCode? { try? ProcedureCode(validating: text) }

        /// Decodes a string or an object.
        public init(from decoder: any Decoder) throws {
            if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
                self.init(text: text)
                return
            }
            var r = try WireReader<CodingKeys>(decoder)
            let code = r.optionalString(.code), name = r.optionalString(.name)
            try r.finish()
            self.init(text: code ?? name ?? "", name: code == nil ? nil : name)
        }

        /// Encodes a string, or an object when a name is known.
        public func encode(to encoder: any Encoder) throws {
            if let name {
                var w = WireWriter<CodingKeys>(encoder)
                try w.string(text, .code)
                try w.string(name, .name)
            } else {
                var container = encoder.singleValueContainer()
                try container.encode(text)
            }
        }
    }
}
