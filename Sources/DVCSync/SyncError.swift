/// The issues are DVCCore's.
public import DVCCore

/// Why ``SyncEngine/enqueue(_:progress:)`` refused a dossier (lỗi đồng bộ).
public struct SyncError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The name.
        public let rawValue: String
        /// Creates a code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The name.
        public var description: String { rawValue }
        /// The dossier failed validation; ``SyncError/issues`` names each field and rule.
        public static let invalid = Code(rawValue: "invalid")
        /// The journal could not be written; the dossier was not accepted.
        public static let outbox = Code(rawValue: "outbox")
    }

    /// What went wrong.
    public let code: Code
    /// The dossier's `MaHoSo`.
    public let dossierCode: String
    /// Each defect, by field path and rule (for ``Code/invalid``).
    public let issues: [ValidationIssue]
    /// The error underneath (for ``Code/outbox``).
    public let underlying: (any Error)?

    /// Creates an error.
    public init(code: Code, dossierCode: String, issues: [ValidationIssue] = [], underlying: (any Error)? = nil) {
        self.code = code
        self.dossierCode = dossierCode
        self.issues = issues
        self.underlying = underlying
    }

    /// One sentence, then one line per issue.
    public var description: String {
        switch code {
        case .invalid: "dossier \(dossierCode) was not accepted:\n" + issues.map { "  \($0)" }.joined(separator: "\n")
        default: "dossier \(dossierCode) was not accepted: the outbox could not be written (\(underlying.map { "\($0)" } ?? "unknown error"))"
        }
    }
}
