/// The procedures a one-stop system may sync, with the fields each belongs to (danh mục thủ tục):
/// what dossier validation checks `MaTTHC` and `MaLinhVuc` against.
///
/// Build it from the portal's catalogue (`LayDanhSachTTHC`, `LayThuTuc`) or your own mapping
/// table. Procedure codes are matched on their national part (`1.001193`), so an
/// agency-suffixed code finds its national procedure.
public struct ProcedureCatalogue: Sendable, Hashable {
    private var fields: [String: Set<FieldCode>]

    /// A catalogue mapping procedure codes to the fields they belong to (an empty set means
    /// "known procedure, fields not checked").
    public init(_ entries: [ProcedureCode: Set<FieldCode>]) {
        var fields: [String: Set<FieldCode>] = [:]
        for (procedure, set) in entries { fields[procedure.national, default: []].formUnion(set) }
        self.fields = fields
    }

    /// The number of procedures.
    public var count: Int { fields.count }

    /// Whether the catalogue knows `procedure`.
    public func contains(_ procedure: ProcedureCode) -> Bool { fields[procedure.national] != nil }

    /// The fields of `procedure` (`nil` when the procedure is unknown).
    public func fields(of procedure: ProcedureCode) -> Set<FieldCode>? { fields[procedure.national] }

    /// Adds or extends a procedure.
    public mutating func insert(_ procedure: ProcedureCode, fields set: Set<FieldCode> = []) {
        fields[procedure.national, default: []].formUnion(set)
    }
}
