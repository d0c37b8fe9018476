/// One defect found in a payload before it leaves (lỗi dữ liệu): where, which rule, and a
/// sentence a developer can act on.
///
/// `path` uses the wire's own keys, e.g. `data[3].TaiLieuNop[0].DuongDanTaiTepTin`, so the
/// defect can be found in the JSON the one-stop system produced.
public struct ValidationIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How serious a defect is.
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        /// The portal would reject or mis-file the data; do not send it.
        case error
        /// Suspicious or non-normative but accepted by the portal today.
        case warning

        /// Errors sort before warnings.
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .error && rhs == .warning }
    }

    /// Where the defect is, in wire keys.
    public var path: String
    /// The rule broken.
    public var rule: ValidationRule
    /// What is wrong, in English, naming the Vietnamese field.
    public var message: String
    /// Error or warning.
    public var severity: Severity

    /// Creates an issue.
    public init(path: String, rule: ValidationRule, message: String, severity: Severity = .error) {
        self.path = path
        self.rule = rule
        self.message = message
        self.severity = severity
    }

    /// `path: message [rule]`.
    public var description: String { "\(path): \(message) [\(rule.rawValue)]" }
}

/// The rules dossier validation applies. An open list: new rules arrive with new revisions of
/// the standard, so this is a struct with static members rather than an enum.
public struct ValidationRule: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The stable machine-readable name, e.g. `dossier-code.malformed`.
    public let rawValue: String

    /// Creates a rule from its name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The name.
    public var description: String { rawValue }

    /// Orders rules by name (for stable reports).
    public static func < (lhs: ValidationRule, rhs: ValidationRule) -> Bool { lhs.rawValue < rhs.rawValue }

    // Wire shape
    /// A required key is absent or `null`.
    public static let fieldMissing = ValidationRule(rawValue: "field.missing")
    /// A value has the wrong JSON type or cannot be read (e.g. a timestamp that is not `yyyyMMddHHmmss`).
    public static let fieldInvalid = ValidationRule(rawValue: "field.invalid")
    /// A key the standard does not define (strict decoding only).
    public static let fieldUnknown = ValidationRule(rawValue: "field.unknown")
    /// A text is longer than the standard allows.
    public static let lengthExceeded = ValidationRule(rawValue: "length.exceeded")

    // Codes
    /// The dossier code (`MaHoSo`) is not a dossier code at all.
    public static let dossierCodeMalformed = ValidationRule(rawValue: "dossier-code.malformed")
    /// The dossier code is readable but not in a normative form (Circular 01/2018, 03/2025, 04/2025).
    public static let dossierCodeNonNormative = ValidationRule(rawValue: "dossier-code.non-normative")
    /// The date inside the dossier code differs from the reception date `NgayTiepNhan`.
    public static let dossierCodeDateMismatch = ValidationRule(rawValue: "dossier-code.date-mismatch")
    /// The dossier code carries no valid receiving-agency code.
    public static let receivingAgencyMissing = ValidationRule(rawValue: "receiving-agency.missing")
    /// The receiving agency does not belong to the syncing unit (`madonvi`): a different level-1 code.
    public static let receivingAgencyOutsideUnit = ValidationRule(rawValue: "receiving-agency.outside-unit")
    /// The procedure code (`MaTTHC`) is malformed.
    public static let procedureCodeMalformed = ValidationRule(rawValue: "procedure-code.malformed")
    /// The procedure code is not in the supplied catalogue.
    public static let procedureCodeUnknown = ValidationRule(rawValue: "procedure-code.unknown")
    /// The field code (`MaLinhVuc`) is malformed.
    public static let fieldCodeMalformed = ValidationRule(rawValue: "field-code.malformed")
    /// The field code is not one of the procedure's fields in the supplied catalogue.
    public static let fieldCodeMismatch = ValidationRule(rawValue: "field-code.mismatch")
    /// An applicant identifier (citizen ID, ID card, tax code) is malformed.
    public static let applicantIdentifierMalformed = ValidationRule(rawValue: "applicant-id.malformed")
    /// The syncing unit's own code (`madonvi`) is malformed.
    public static let unitCodeMalformed = ValidationRule(rawValue: "unit-code.malformed")

    // Status and time
    /// The status code is not one of the standard's codes.
    public static let statusUnknown = ValidationRule(rawValue: "status.unknown")
    /// The status cannot follow the dossier's previous known status.
    public static let statusTransition = ValidationRule(rawValue: "status.transition")
    /// Dates out of order (due, returned or ended before received).
    public static let datesOutOfOrder = ValidationRule(rawValue: "dates.order")
    /// A returned dossier (status 10) without a return date `NgayTra`.
    public static let returnDateMissing = ValidationRule(rawValue: "dates.return-missing")
    /// A due date `NgayHenTra` missing from a dossier past reception (a warning).
    public static let dueDateMissing = ValidationRule(rawValue: "dates.due-missing")
    /// The end of processing `NgayKetThucXuLy` missing from a dossier in status 9 or 10 (a warning).
    public static let processingEndMissing = ValidationRule(rawValue: "dates.end-missing")
    /// A timestamp before 2000: a null date in disguise.
    public static let timestampImplausible = ValidationRule(rawValue: "timestamp.implausible")
    /// A reception time after the present (often a time-zone slip).
    public static let timestampInFuture = ValidationRule(rawValue: "timestamp.future")
    /// A required text that is empty (a warning: the reference system sends `""` when a look-up failed).
    public static let textEmpty = ValidationRule(rawValue: "text.empty")
    /// A value of an open code list (`LoaiDoiTuong`, `HinhThuc`, `KenhThucHien`) that the standard does not define (a warning).
    public static let codeValueUnknown = ValidationRule(rawValue: "code.unknown-value")
    /// A file link that is `http` rather than `https` (a warning).
    public static let fileURLNotHTTPS = ValidationRule(rawValue: "file-url.not-https")
    /// A file link that is not an absolute web URL at all.
    public static let fileURLMalformed = ValidationRule(rawValue: "file-url.malformed")
    /// A contact field (`SoDienThoai`, `Fax`, `Email`) that is no phone number or e-mail address (a warning).
    public static let contactMalformed = ValidationRule(rawValue: "contact.malformed")
    /// A progress entry (`CapNhatTienDoHoSoMC`) sent with a dossier whose `MaHoSo` it does not carry.
    public static let progressDossierMismatch = ValidationRule(rawValue: "progress.dossier-mismatch")
}

/// A payload that could not be decoded into a model, with every defect found (not just the first).
public struct WireDecodingError: Error, Sendable, CustomStringConvertible {
    /// The defects, in the order they were found.
    public let issues: [ValidationIssue]

    /// Creates the error.
    public init(issues: [ValidationIssue]) { self.issues = issues }

    /// One line per defect.
    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}

/// Renders a coding path the way the wire reads: `data[3].TaiLieuNop[0].DuongDanTaiTepTin`.
public func wirePath(_ path: [any CodingKey]) -> String {
    var text = ""
    for key in path {
        if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == String(index) {
            text += "[\(index)]"
        } else {
            if !text.isEmpty { text += "." }
            text += key.stringValue
        }
    }
    return text
}
