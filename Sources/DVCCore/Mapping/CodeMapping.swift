/// `Data` and `CodingUserInfoKey` appear in this file's public API.
public import Foundation

/// Tables from a one-stop system's local codes to the national ones (bảng ánh xạ mã): procedure
/// codes (`TS_lop1.000.00.00.H22` → `1.001000`), status words or numbers (a vendor's `new`,
/// `receiving` → `"1"`, `"2"`), applicant types and field codes.
///
/// Vendors hold local codes, and the same local word means different codes in different systems
/// (two one-stop systems map `new`/`receiving` in opposite ways), so the mapping is data: load it
/// from JSON (``init(json:)``) or CSV (``init(csv:)``); every national value is validated on load.
/// Decoding applies it where a value is read — before the value is validated — when it is set on
/// the decoder (``PortalJSON/decoder(_:mapping:)``, `DossierBatchValidator(mapping:)`, `dvc-sync
/// --mapping`, `dvc-validate --mapping`): a mapped value is replaced by its national code, and a
/// value that is neither mapped nor valid is reported as ``ValidationRule/codeUnmapped``.
///
/// ```json
/// {"procedure": {"TS_lop1.000.00.00.H22": "1.001000"},
///  "status": {"new": "1", "receiving": "2"}, "applicantType": {"CD": "1"}, "field": {"HT": "G15-HT01"}}
/// ```
public struct CodeMapping: Sendable, Hashable {
    /// The tables.
    public enum Table: String, Sendable, Hashable, CaseIterable, Codable {
        /// Procedure codes (`MaTTHC`), to a national procedure code.
        case procedure
        /// Statuses (`TrangThaiHoSo`, `TrangThai`), to a status of the standard (`"1"`…`"10"`).
        case status
        /// Applicant types (`LoaiDoiTuong`), to a type of the standard (`"1"`…`"4"`).
        case applicantType
        /// Field codes (`MaLinhVuc`), to a national field code.
        case field

        /// The wire keys whose values the table maps.
        public var wireKeys: [String] {
            switch self {
            case .procedure: ["MaTTHC"]
            case .status: ["TrangThaiHoSo", "TrangThai"]
            case .applicantType: ["LoaiDoiTuong"]
            case .field: ["MaLinhVuc"]
            }
        }
    }

    /// A mapping that cannot be used (lỗi bảng ánh xạ): which table, which local value, what is wrong.
    public struct LoadError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The table, when the error is in one.
        public let table: Table?
        /// The local value, or the line of a CSV file, where the error is.
        public let location: String
        /// What is wrong.
        public let message: String

        /// `mapping procedure "TS_lop1": message`.
        public var description: String {
            "mapping" + (table.map { " \($0.rawValue)" } ?? "") + (location.isEmpty ? "" : " \(location)") + ": " + message
        }
    }

    /// Local value → national value, per table.
    public private(set) var tables: [Table: [String: String]]

    /// An empty mapping.
    public init() { tables = [:] }

    private init(unchecked tables: [Table: [String: String]]) { self.tables = tables }

    /// Status words as the reference system's dossier-management component maps them: `new` → 1,
    /// `receiving` → 2, `unresolved` → 3, `denied` → 8. Another one-stop system maps the same
    /// words otherwise (``statusWordsTD``): use the one your source system follows.
    public static let statusWordsOpenCPS = CodeMapping(unchecked: [.status: ["new": "1", "receiving": "2", "unresolved": "3", "denied": "8"]])

    /// Status words as a Thanh Hóa one-stop system maps them: `new` → 2, `receiving` → 1,
    /// `denied` → 3, `unresolved` → 8 (its `interoperating`/`posting` → 0 has no status of the
    /// standard, and is left unmapped).
    public static let statusWordsTD = CodeMapping(unchecked: [.status: ["new": "2", "receiving": "1", "denied": "3", "unresolved": "8"]])

    /// Creates a mapping from tables, validating every national value.
    /// - Throws: ``LoadError`` naming the table and local value of the first invalid entry.
    public init(_ tables: [Table: [String: String]]) throws(LoadError) {
        self.tables = [:]
        for (table, entries) in tables {
            for (local, national) in entries.sorted(by: { $0.key < $1.key }) { try add(table, local, national) }
        }
    }

    /// Reads `{"procedure": {local: national}, "status": {…}, "applicantType": {…}, "field": {…}}`.
    /// - Throws: ``LoadError`` for an unknown table, a non-string value or an invalid national code.
    public init(json data: Data) throws(LoadError) {
        guard (try? JSONLimits.standard.check(data)) != nil,
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw LoadError(table: nil, location: "", message: "a mapping file is one JSON object of tables")
        }
        var tables: [Table: [String: String]] = [:]
        for (name, value) in object {
            guard let table = Table(rawValue: name) else {
                throw LoadError(table: nil, location: "\"\(name)\"", message: "not a table (known: \(Table.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard let entries = value as? [String: Any] else { throw LoadError(table: table, location: "", message: "must be an object of local → national") }
            var strings: [String: String] = [:]
            for (local, national) in entries {
                guard let text = national as? String else { throw LoadError(table: table, location: "\"\(local)\"", message: "the national value must be a string") }
                strings[local] = text
            }
            tables[table] = strings
        }
        try self.init(tables)
    }

    /// Reads CSV lines `table,local,national` (a first line `table,local,national` is a header;
    /// blank lines and lines starting with `#` are skipped; no quoting — codes have no commas).
    /// - Throws: ``LoadError`` naming the line.
    public init(csv text: String) throws(LoadError) {
        tables = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") || (index == 0 && line.lowercased() == "table,local,national") { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 3 else { throw LoadError(table: nil, location: "line \(index + 1)", message: "expected table,local,national") }
            guard let table = Table(rawValue: cells[0]) else {
                throw LoadError(table: nil, location: "line \(index + 1)", message: "\"\(cells[0])\" is not a table (known: \(Table.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            do { try add(table, cells[1], cells[2]) } catch {
                throw LoadError(table: table, location: "line \(index + 1)", message: error.message)
            }
        }
    }

    /// Adds one entry, validating the national value.
    public mutating func add(_ table: Table, _ local: String, _ national: String) throws(LoadError) {
        guard !local.isEmpty else { throw LoadError(table: table, location: "\"\"", message: "the local value is empty") }
        let problem: String?
        switch table {
        case .procedure:
            problem = ProcedureCode.isValid(national) ? nil : "\"\(national)\" is not a procedure code (\(CodeKind.procedureCode.formatSummary))"
        case .field:
            problem = FieldCode.isValid(national) ? nil : "\"\(national)\" is not a field code (\(CodeKind.fieldCode.formatSummary))"
        case .status:
            problem = DossierStatus(wireValue: national) == nil ? "\"\(national)\" is not a status of the standard (\"1\"…\"10\")" : nil
        case .applicantType:
            if case .unknown = ApplicantType(wireValue: national) { problem = "\"\(national)\" is not an applicant type of the standard (\"1\"…\"4\")" } else { problem = nil }
        }
        if let problem { throw LoadError(table: table, location: "\"\(local)\"", message: problem) }
        if let existing = tables[table]?[local], existing != national {
            throw LoadError(table: table, location: "\"\(local)\"", message: "mapped twice, to \(existing) and \(national)")
        }
        tables[table, default: [:]][local] = national
    }

    /// The national value of `local` in `table`, if the mapping has one.
    public func national(_ local: String, in table: Table) -> String? { tables[table]?[local] }

    /// The table mapping the values of wire key `key`, if any.
    public func table(forWireKey key: String) -> Table? {
        guard !tables.isEmpty else { return nil }
        return Table.allCases.first { tables[$0] != nil && $0.wireKeys.contains(key) }
    }

    /// `text` read through the table of wire key `key`: its national value when mapped, else
    /// itself, with `unmapped` true when it is not a valid national value either.
    public func resolve(_ text: String, wireKey key: String) -> (value: String, unmapped: Bool) {
        guard let table = table(forWireKey: key) else { return (text, false) }
        if let national = national(text, in: table) { return (national, false) }
        let valid: Bool
        switch table {
        case .procedure: valid = ProcedureCode.isValid(text)
        case .field: valid = FieldCode.isValid(text)
        case .status: valid = DossierStatus(wireValue: text) != nil
        case .applicantType:
            if case .unknown = ApplicantType(wireValue: text) { valid = false } else { valid = true }
        }
        return (text, !valid)
    }

    /// Whether the mapping has no entry.
    public var isEmpty: Bool { tables.values.allSatisfy(\.isEmpty) }

    /// Reads a mapping file: CSV when its name ends in `.csv`, JSON otherwise.
    /// - Throws: ``LoadError``.
    public init(contentsOf data: Data, named name: String) throws(LoadError) {
        if name.lowercased().hasSuffix(".csv") {
            guard let text = String(data: data, encoding: .utf8) else { throw LoadError(table: nil, location: "", message: "the file is not UTF-8") }
            try self.init(csv: text)
        } else {
            try self.init(json: data)
        }
    }
}

extension CodingUserInfoKey {
    /// The ``CodeMapping`` a decoder applies to local codes before validating them.
    public static let dvcCodeMapping: CodingUserInfoKey = .dvc("code-mapping")
}
