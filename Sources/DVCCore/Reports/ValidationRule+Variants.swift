extension ValidationRule {
    // What real systems send beyond the standard (biến thể thực tế). Decoding leniently reads each
    // and reports it as a warning under its own rule; decoding strictly reports it as an error.
    // DVCKit never writes any of them.

    /// A JSON number where the standard writes a string (`"LoaiDoiTuong": 1`).
    public static let wireNumberForText = ValidationRule(rawValue: "wire.number-for-text")
    /// A JSON boolean where the standard writes a string (`"TrangThaiBoSung": true`).
    public static let wireBooleanForText = ValidationRule(rawValue: "wire.boolean-for-text")
    /// `null` where the standard writes `""` or leaves the key out.
    public static let wireNullForText = ValidationRule(rawValue: "wire.null-for-text")
    /// A flag spelled otherwise than the standard (`"1"`, `"true"` for `"True"`; `"True"` for `"1"`).
    public static let wireFlagSpelling = ValidationRule(rawValue: "wire.flag-spelling")
    /// A key in another letter case (`IdHoSo` for `IDHoSo`, `madonvi` for `MaDonVi`).
    public static let wireKeyCase = ValidationRule(rawValue: "wire.key-case")
    /// A timestamp in another format than `yyyyMMddHHmmss` (`yyyy-MM-dd HH:mm:ss`, `dd/MM/yyyy HH:mm:ss`, …).
    public static let timestampFormat = ValidationRule(rawValue: "timestamp.format")
    /// A status the standard does not have (`"0"`, `"11"`), read as a standard one.
    public static let statusNonStandard = ValidationRule(rawValue: "status.non-standard")
    /// A procedure code with the implementing agency's suffix (`3.000181.000.00.00.H22`) where
    /// the portal's catalogue code (`3.000181`) is expected.
    public static let procedureCodeAgencySuffixed = ValidationRule(rawValue: "procedure-code.agency-suffixed")
    /// An identity-document number where the portal account id (TechID) is expected (`MaDoiTuong`).
    public static let applicantAccountIsIdentityNumber = ValidationRule(rawValue: "applicant-account.identity-number")
    /// A local code that the ``CodeMapping`` in use has no entry for.
    public static let codeUnmapped = ValidationRule(rawValue: "code.unmapped")
}
