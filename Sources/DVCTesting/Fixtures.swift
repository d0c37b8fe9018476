/// The fixtures are DVCCore's models.
public import DVCCore

/// Sample data for tests (dữ liệu mẫu): valid dossiers and progress entries of the standard,
/// numbered so that each test can make as many distinct ones as it needs.
///
/// ```swift
/// let dossier = try Fixtures.dossier(7)                      // 000.00.14.H20-260302-0007, received
/// try await engine.enqueue(dossier, progress: [try Fixtures.progress(for: dossier)])
/// ```
public enum Fixtures {
    /// Dossier `number` (1–9999) of `agency`: a birth registration received on 2 March 2026 at
    /// 08:30, due on 5 March at 17:00, in `status` (returned ones were returned on 4 March).
    /// - Throws: `CodeError` when `agency` or `number` make no valid dossier code.
    public static func dossier(_ number: Int, agency: String = "000.00.14.H20", status: DossierStatus = .received) throws -> Dossier {
        var dossier = Dossier(code: try DossierCode("\(agency)-260302-\(String(format: "%04d", number))"), procedureCode: try ProcedureCode("1.001000"),
                              procedureName: "Đăng ký khai sinh", fieldCode: try FieldCode("G15-HT01"), fieldName: "Hộ tịch",
                              applicantType: .citizen, summary: "Khai sinh \(number)", receivedAt: try PortalTimestamp("20260302083000"),
                              status: status, resultDelivery: .atOffice, processingAgencyName: "UBND xã")
        dossier.dueAt = try PortalTimestamp("20260305170000")
        if status == .returned { dossier.returnedAt = try PortalTimestamp("20260304100000") }
        return dossier
    }

    /// A progress entry of `dossier` in its status, acted on 2 March 2026 at 09:00 and `minute` seconds.
    /// - Throws: `CodeError` for a `minute` that makes no valid time (it is taken modulo 60).
    public static func progress(for dossier: Dossier, minute: Int = 0) throws -> ProgressEntry {
        ProgressEntry(dossierCode: dossier.code, actor: "Cán bộ một cửa", actedAt: try PortalTimestamp(String(format: "202603020900%02d", minute % 60)),
                      status: dossier.status, action: "Tiếp nhận")
    }
}
