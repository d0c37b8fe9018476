/// The procedures a one-stop system may sync, with the fields each belongs to (danh mục thủ tục):
/// what dossier validation checks `MaTTHC` and `MaLinhVuc` against.
///
/// Build it from the portal's catalogue (`LayDanhSachTTHC`, `LayThuTuc`) or your own mapping
/// table. Procedure codes are matched on their national part (`1.001193`) and, when the
/// catalogue's entry names an implementing agency, on that agency's level-one unit (province or
/// ministry):
///
/// | catalogue entry | dossier's `MaTTHC` | known? |
/// |---|---|---|
/// | `1.001193` | `1.001193`, `1.001193.000.00.00.H20`, `1.001193.H55` | yes (the national procedure applies everywhere) |
/// | `1.001193.000.00.00.H20` | `1.001193`, `1.001193.H20`, `1.001193.000.00.14.H20.02` | yes |
/// | `1.001193.000.00.00.H20` | `1.001193.000.00.00.H55` | no: another province's variant |
public struct ProcedureCatalogue: Sendable, Hashable {
    private struct Entry: Sendable, Hashable {
        var fields: Set<FieldCode> = []
        /// Entered without an agency: every agency's variant is known.
        var everyAgency = false
        /// The level-one units whose variants were entered.
        var levelOneCodes: Set<String> = []

        func knows(_ procedure: ProcedureCode) -> Bool {
            guard !everyAgency, let agency = procedure.agency else { return true }
            return levelOneCodes.contains(agency.levelOneCode)
        }
    }

    private var entries: [String: Entry] = [:]

    /// A catalogue mapping procedure codes to the fields they belong to (an empty set means
    /// "known procedure, fields not checked").
    public init(_ entries: [ProcedureCode: Set<FieldCode>]) {
        for (procedure, set) in entries { insert(procedure, fields: set) }
    }

    /// The number of national procedures.
    public var count: Int { entries.count }

    /// Whether the catalogue knows `procedure` (see the table above).
    public func contains(_ procedure: ProcedureCode) -> Bool { entry(for: procedure) != nil }

    /// The fields of `procedure` (`nil` when the procedure is unknown).
    public func fields(of procedure: ProcedureCode) -> Set<FieldCode>? { entry(for: procedure)?.fields }

    /// Adds or extends a procedure.
    public mutating func insert(_ procedure: ProcedureCode, fields set: Set<FieldCode> = []) {
        var entry = entries[procedure.national] ?? Entry()
        entry.fields.formUnion(set)
        if let agency = procedure.agency { entry.levelOneCodes.insert(agency.levelOneCode) } else { entry.everyAgency = true }
        entries[procedure.national] = entry
    }

    private func entry(for procedure: ProcedureCode) -> Entry? {
        guard let entry = entries[procedure.national], entry.knows(procedure) else { return nil }
        return entry
    }
}
