import Foundation

/// What dossier validation knows besides the dossier itself (ngữ cảnh kiểm tra).
public struct DossierValidationContext: Sendable {
    /// The syncing unit's code (`madonvi`): a dossier's receiving agency must share its level-1
    /// code (sub-units of a province or ministry receive the dossiers it syncs).
    public var syncingUnit: AgencyCode?
    /// Known procedures and their fields; `nil` skips the catalogue checks.
    public var catalogue: ProcedureCatalogue?
    /// The dossier's last status known to the portal, to check the transition; `nil` skips it.
    public var previousStatus: DossierStatus?
    /// Which status may follow which.
    public var transitions: DossierStatusTransitions
    /// Whether a transition the table does not allow is an error or only a warning (the default:
    /// the standard publishes no table, and real sequences — 2→10, 4→10, 1→5, 9→4, 9→6 — must
    /// still reach the portal).
    public var statusTransitionSeverity: ValidationIssue.Severity
    /// Whether a non-normative dossier code is an error (the default: the portal's audits count
    /// them as malformed) or only a warning.
    public var nonNormativeDossierCodeSeverity: ValidationIssue.Severity
    /// Length limits of text fields.
    public var limits: LengthLimits
    /// Level-1 codes whose receiving agencies the syncing unit also syncs for: a merged
    /// province's predecessors still in use during the transition (spec §2.6), for example.
    public var alsoAcceptedLevelOneCodes: Set<String>
    /// How a receiving agency outside the syncing unit is reported (default an error). Central
    /// agencies' local branches (`G…` level-1 codes: police, tax, social insurance, QCVN 102
    /// App. D) received at a provincial one-stop centre are always only a warning.
    public var outsideUnitSeverity: ValidationIssue.Severity
    /// The present, to flag a reception time in the future (the classic UTC-vs-UTC+7 slip); `nil`
    /// skips that check (DVCCore reads no clock).
    public var now: PortalTimestamp?

    /// Creates a context; every part is optional.
    public init(
        syncingUnit: AgencyCode? = nil, catalogue: ProcedureCatalogue? = nil, previousStatus: DossierStatus? = nil,
        transitions: DossierStatusTransitions = .standard, statusTransitionSeverity: ValidationIssue.Severity = .warning,
        nonNormativeDossierCodeSeverity: ValidationIssue.Severity = .error, limits: LengthLimits = .standard,
        alsoAcceptedLevelOneCodes: Set<String> = [], outsideUnitSeverity: ValidationIssue.Severity = .error, now: PortalTimestamp? = nil
    ) {
        self.alsoAcceptedLevelOneCodes = alsoAcceptedLevelOneCodes
        self.outsideUnitSeverity = outsideUnitSeverity
        self.now = now
        self.syncingUnit = syncingUnit
        self.catalogue = catalogue
        self.previousStatus = previousStatus
        self.transitions = transitions
        self.statusTransitionSeverity = statusTransitionSeverity
        self.nonNormativeDossierCodeSeverity = nonNormativeDossierCodeSeverity
        self.limits = limits
    }

    /// Length limits of text fields (giới hạn độ dài). The standard publishes none; the defaults
    /// are what integrations observed **[P]** (`spec/portal-protocol.md` §18.5): `TrichYeuHoSo`
    /// 1,000 and `NguoiXuLy` 50 characters (truncated by one integration), `TenTepDinhKem` 4,000,
    /// and `GhiChu` ~2 KB (OpenCPS stopped sending longer notes; a warning). Lengths are counted
    /// as the portal's C#/SQL side counts them: UTF-16 code units of the NFC form, so Vietnamese
    /// typed in decomposed form (macOS, iOS) is not under-counted.
    public struct LengthLimits: Sendable, Hashable {
        /// `TrichYeuHoSo`.
        public var summary: Int
        /// `NguoiXuLy` of a progress entry.
        public var actor: Int
        /// `TenTepDinhKem`.
        public var fileName: Int
        /// `GhiChu` (over it: a warning).
        public var note: Int

        /// Creates limits.
        public init(summary: Int, actor: Int, fileName: Int, note: Int) {
            self.summary = summary
            self.actor = actor
            self.fileName = fileName
            self.note = note
        }

        /// The defaults described on the type.
        public static let standard = LengthLimits(summary: 1_000, actor: 50, fileName: 4_000, note: 2_000)
    }
}

extension Dossier {
    /// Every defect that context can reveal, each with its wire path under `path` (e.g.
    /// `data[3]`), rule and message. An empty result means the dossier may be sent.
    ///
    /// Checks: the receiving agency in the dossier code (present, within the syncing unit); the
    /// dossier code's form and its date against `NgayTiepNhan`; procedure and field against the
    /// catalogue; the status transition; dates (order, plausibility, the ones a status needs);
    /// required text not empty and open code lists known (warnings); file links (absolute URLs;
    /// `http` a warning); lengths; applicant identifiers.
    public func validate(against context: DossierValidationContext = .init(), path: String = "") -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        func at(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
        func add(_ key: String, _ rule: ValidationRule, _ message: String, _ severity: ValidationIssue.Severity = .error) {
            issues.append(ValidationIssue(path: at(key), rule: rule, message: message, severity: severity))
        }

        issues += Self.keyFieldIssues(code: code, receivedAt: receivedAt, procedureCode: procedureCode, fieldCode: fieldCode,
                                      context: context, path: path)

        // Status.
        if let previous = context.previousStatus, !context.transitions.allows(from: previous, to: status) {
            add("TrangThaiHoSo", .statusTransition, "status \(status) does not follow \(previous) in the transition table (inferred, not published)",
                context.statusTransitionSeverity)
        }

        // Dates.
        // (Each check a call rather than a loop over a literal array: no array is made per dossier.)
        func checkNotBeforeReception(_ key: String, _ date: PortalTimestamp?) {
            if let date, date < receivedAt {
                add(key, .datesOutOfOrder, "`\(key)` \(date) is before `NgayTiepNhan` \(receivedAt)")
            }
        }
        checkNotBeforeReception("NgayHenTra", dueAt)
        checkNotBeforeReception("NgayTra", returnedAt)
        checkNotBeforeReception("NgayKetThucXuLy", processingEndedAt)
        if let submittedAt, submittedAt > receivedAt {
            add("NgayNopHoSo", .datesOutOfOrder, "`NgayNopHoSo` \(submittedAt) is after `NgayTiepNhan` \(receivedAt)", .warning)
        }
        if status == .returned && returnedAt == nil {
            add("NgayTra", .returnDateMissing, "status 10 (returned) needs the return time `NgayTra`")
        }
        if status.rawValue >= DossierStatus.received.rawValue, dueAt == nil {
            add("NgayHenTra", .dueDateMissing, "a dossier in status \(status.rawValue) should carry its due date `NgayHenTra`", .warning)
        }
        if status == .awaitingReturn || status == .returned, processingEndedAt == nil {
            add("NgayKetThucXuLy", .processingEndMissing, "status \(status.rawValue) should carry the end of processing `NgayKetThucXuLy`", .warning)
        }
        func checkPlausible(_ key: String, _ stamp: PortalTimestamp?) {
            if let stamp, stamp.date.year < Self.earliestPlausibleYear {
                add(key, .timestampImplausible, "`\(key)` \(stamp) is before \(Self.earliestPlausibleYear): not a real dossier time")
            }
        }
        checkPlausible("NgayTiepNhan", receivedAt)
        checkPlausible("NgayHenTra", dueAt)
        checkPlausible("NgayTra", returnedAt)
        checkPlausible("NgayKetThucXuLy", processingEndedAt)
        checkPlausible("NgayNopHoSo", submittedAt)
        checkPlausible("NgayTuChoi", refusedAt)
        if let now = context.now, receivedAt > now {
            add("NgayTiepNhan", .timestampInFuture, "`NgayTiepNhan` \(receivedAt) is after now (\(now)): a time zone slip? The portal's clock is UTC+7")
        }

        // Required text and open code lists (warnings: the data is sent, but worth a look).
        func checkNotBlank(_ key: String, _ text: String) {
            if Self.isBlank(text) { add(key, .textEmpty, "`\(key)` is empty", .warning) }
        }
        checkNotBlank("TenTTHC", procedureName)
        checkNotBlank("TenLinhVuc", fieldName)
        checkNotBlank("TrichYeuHoSo", summary)
        checkNotBlank("DonViXuLy", processingAgencyName)
        func checkKnown(_ key: String, _ value: String?) {
            if let value { add(key, .codeValueUnknown, "`\(key)` \"\(value.prefix(20))\" is not one of the standard's values", .warning) }
        }
        checkKnown("LoaiDoiTuong", applicantType.unknownValue)
        checkKnown("HinhThuc", resultDelivery.unknownValue)
        checkKnown("KenhThucHien", channel?.unknownValue)

        // Links.
        for (index, file) in submittedFiles.enumerated() {
            if let issue = Self.linkIssue(file.url, "DuongDanTaiTepTin") { add("TaiLieuNop[\(index)].DuongDanTaiTepTin", issue.rule, issue.message, issue.severity) }
        }
        for (index, document) in resultDocuments.enumerated() {
            if let issue = Self.linkIssue(document.url, "DuongDanTepTinKetQua") {
                add("DanhSachGiayToKetQua[\(index)].DuongDanTepTinKetQua", issue.rule, issue.message, issue.severity)
            }
        }

        // Lengths (UTF-16 code units of the NFC form).
        let limits = context.limits
        if Self.exceeds(summary, limits.summary) {
            add("TrichYeuHoSo", .lengthExceeded, "`TrichYeuHoSo` has \(Self.wireLength(summary)) characters; at most \(limits.summary)")
        }
        if let note, Self.exceeds(note, limits.note) {
            add("GhiChu", .lengthExceeded, "`GhiChu` has \(Self.wireLength(note)) characters; notes over \(limits.note) were not accepted by OpenCPS's portal adapter", .warning)
        }
        for (index, file) in submittedFiles.enumerated() where Self.exceeds(file.name, limits.fileName) {
            add("TaiLieuNop[\(index)].TenTepDinhKem", .lengthExceeded, "`TenTepDinhKem` has \(Self.wireLength(file.name)) characters; at most \(limits.fileName)")
        }

        // Applicant identifiers.
        for (index, identifier) in (ownerIdentifiers ?? []).enumerated() {
            let key = "DinhDanhCHS[\(index)].SoDinhDanh"
            switch identifier.kind {
            case .personalID:
                do { _ = try CitizenID(validating: identifier.number) } catch {
                    add(key, .applicantIdentifierMalformed, "`SoDinhDanh` is not a valid personal ID: \(error.rule.explanation(for: .citizenID)) (offset \(error.offset))")
                }
            case .legacyIDCard:
                do { _ = try LegacyIDCard(validating: identifier.number) } catch {
                    add(key, .applicantIdentifierMalformed, "`SoDinhDanh` is not a 9-digit ID card number: \(error.rule.explanation(for: .legacyIDCard)) (offset \(error.offset))")
                }
            case .unknown:
                break
            }
        }
        // Contact fields (warnings: the portal takes them as free text, but a number that is no
        // Vietnamese phone number, or an address without a domain, reaches nobody).
        func checkPhone(_ key: String, _ number: String?) {
            if let number, !Self.isBlank(number), !PhoneNumber.isValid(number) {
                add(key, .contactMalformed, "`\(key)` is not a Vietnamese phone number", .warning)
            }
        }
        checkPhone("SoDienThoai", phone)
        checkPhone("Fax", fax)
        if let email, !Self.isBlank(email), !Self.looksLikeEmail(email) {
            add("Email", .contactMalformed, "`Email` is not an address of the form name@domain.tld", .warning)
        }
        if let number = ownerDocumentNumber, !number.isEmpty,
           !(CitizenID.isValid(number) || LegacyIDCard.isValid(number) || TaxCode.isValid(number)) {
            add("SoGiayToChuHoSo", .applicantIdentifierMalformed, "`SoGiayToChuHoSo` is neither a personal ID, an ID card number nor a tax code")
        }
        return issues
    }

    /// `local@domain.tld` with no spaces, one `@`, and a dot inside the domain (a shape check, not
    /// RFC 5322).
    static func looksLikeEmail(_ text: String) -> Bool {
        let shape = withASCII(text) { ascii -> Bool in
            // The same shape over bytes: one `@` after a non-empty name, a domain of at least two
            // non-empty dot-separated labels, no whitespace.
            guard let at = ascii.firstIndex(of: UInt8(ascii: "@")), at > 0, !ascii[(at + 1)...].contains(UInt8(ascii: "@")),
                  !ascii.contains(where: isASCIIWhitespace) else { return false }
            var labels = 1, length = 0
            for byte in ascii[(at + 1)...] {
                guard byte == UInt8(ascii: ".") else {
                    length += 1
                    continue
                }
                if length == 0 { return false }
                (labels, length) = (labels + 1, 0)
            }
            return labels >= 2 && length > 0
        }
        if let shape { return shape }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !text.contains(where: \.isWhitespace) else { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty }
    }

    /// The issue of a receiving agency outside the context's syncing unit (none without a unit,
    /// for an agency under it, or for one whose level-1 code is also accepted); a central agency's
    /// local branch is a warning.
    static func outsideUnitIssue(_ agency: AgencyCode, context: DossierValidationContext, path: String) -> ValidationIssue? {
        guard let unit = context.syncingUnit, !agency.sharesLevelOne(with: unit), !context.alsoAcceptedLevelOneCodes.contains(agency.levelOneCode) else {
            return nil
        }
        let centralBranch = agency.levelOneCode.hasPrefix("G")
        return ValidationIssue(
            path: path.isEmpty ? "MaHoSo" : "\(path).MaHoSo", rule: .receivingAgencyOutsideUnit,
            message: "the receiving agency \(agency.rawValue) in `MaHoSo` is not under the syncing unit `madonvi` \(unit.rawValue) (level-1 \(agency.levelOneCode) ≠ \(unit.levelOneCode))"
                + (centralBranch ? "; a central agency's local branch, accepted with a warning" : ""),
            severity: centralBranch ? .warning : context.outsideUnitSeverity)
    }

    /// The checks that need only the dossier's key fields — the receiving agency in the dossier
    /// code (present, within the syncing unit), the code's form and its date against `NgayTiepNhan`,
    /// the procedure and field against the catalogue — so that they also run on a dossier that
    /// cannot be decoded whole (an audit batch's defects overlap: a missing agency code comes with
    /// a bad timestamp). A `nil` field skips the checks that need it.
    public static func keyFieldIssues(code: DossierCode, receivedAt: PortalTimestamp?, procedureCode: ProcedureCode?, fieldCode: FieldCode?,
                                      context: DossierValidationContext, path: String = "") -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        func add(_ key: String, _ rule: ValidationRule, _ message: String, _ severity: ValidationIssue.Severity = .error) {
            issues.append(ValidationIssue(path: path.isEmpty ? key : "\(path).\(key)", rule: rule, message: message, severity: severity))
        }
        if let agency = code.receivingAgency {
            if let issue = outsideUnitIssue(agency, context: context, path: path) { issues.append(issue) }
        } else {
            add("MaHoSo", .receivingAgencyMissing,
                "`MaHoSo` \(code.rawValue) does not start with a valid receiving-agency code (\(CodeKind.agencyCode.formatSummary))")
        }
        // Reported with or without a receiving agency: "non-normative" alone counts every code the
        // audits call malformed (those that cannot be read even leniently are `dossier-code.malformed`).
        if !code.isNormative {
            add("MaHoSo", .dossierCodeNonNormative,
                "`MaHoSo` \(code.rawValue) is not in a normative form (Circular 01/2018/TT-VPCP Art. 19 or Circular 03/2025/TT-VPCP Art. 13)",
                context.nonNormativeDossierCodeSeverity)
        }
        if let receivedAt, code.receptionDate != receivedAt.date {
            add("MaHoSo", .dossierCodeDateMismatch, "the date in `MaHoSo` (\(code.receptionDate)) differs from `NgayTiepNhan` (\(receivedAt.date))")
        }
        if let catalogue = context.catalogue, let procedureCode {
            if let fields = catalogue.fields(of: procedureCode) {
                if let fieldCode, !fields.isEmpty && !fields.contains(fieldCode) {
                    add("MaLinhVuc", .fieldCodeMismatch, "`MaLinhVuc` \(fieldCode) is not a field of procedure \(procedureCode.national)")
                }
            } else {
                add("MaTTHC", .procedureCodeUnknown, "`MaTTHC` \(procedureCode) is not in the procedure catalogue")
            }
        }
        return issues
    }

    /// The year before which no dossier time is plausible (year 0001 is a null date in disguise).
    public static let earliestPlausibleYear = 2000

    /// Whether `text` is longer than `limit` by ``wireLength(_:)``, without normalizing a string
    /// too short to be: the NFC form of a string is at most three times as long as the string
    /// (UAX #15 §9, in code points and in UTF-16 units), so one of at most `limit / 4` UTF-16 units
    /// cannot exceed `limit`.
    static func exceeds(_ text: String, _ limit: Int) -> Bool {
        if text.utf16.count * 4 <= limit { return false }
        return wireLength(text) > limit
    }

    /// Whether `text` is empty or all whitespace (`Character.isWhitespace`, which is its first
    /// scalar's `White_Space`). An ASCII byte that is not whitespace settles it at once: it starts
    /// a character (UAX #29 joins an ASCII scalar only to a preceding Prepend scalar, none of
    /// which is whitespace, or LF to CR), so that character is not whitespace.
    static func isBlank(_ text: String) -> Bool {
        var onlyASCII = true
        for byte in text.utf8 {
            if byte >= 0x80 {
                onlyASCII = false
            } else if !isASCIIWhitespace(byte) {
                return false
            }
        }
        return onlyASCII || text.allSatisfy(\.isWhitespace)
    }

    /// `body` over the bytes of an all-ASCII string (whose characters are its bytes, or `\r\n`
    /// pairs), without copying them; `nil` for any other string.
    static func withASCII<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        var text = text
        return text.withUTF8 { bytes -> R? in
            for byte in bytes where byte >= 0x80 { return nil }
            return body(bytes)
        }
    }

    /// Unicode White_Space within ASCII: tab, line feed, vertical tab, form feed, carriage return, space.
    static func isASCIIWhitespace(_ byte: UInt8) -> Bool { (0x09...0x0D).contains(byte) || byte == 0x20 }

    /// A text's length as the portal counts it: UTF-16 code units of its NFC form.
    public static func wireLength(_ text: String) -> Int {
        text.utf8.allSatisfy { $0 < 0x80 } ? text.utf8.count : text.precomposedStringWithCanonicalMapping.utf16.count
    }

    /// What is wrong with a file link: nothing for an absolute `https` URL with a host; a warning
    /// for `http` (many provincial file servers; the spec asks only for a publicly downloadable
    /// URL, §5.1); an error for anything that is not an absolute web URL.
    static func linkIssue(_ text: String, _ key: String) -> (rule: ValidationRule, message: String, severity: ValidationIssue.Severity)? {
        let outcome = withASCII(text) { ascii -> (rule: ValidationRule, message: String, severity: ValidationIssue.Severity)? in
            // The same checks over bytes (an ASCII string's characters are its bytes or CR LF pairs,
            // and its lowercase is its bytes lowercased).
            func hasPrefix(_ prefix: StaticString) -> Bool {
                let count = prefix.utf8CodeUnitCount
                guard ascii.count >= count else { return false }
                for i in 0..<count where (ascii[i] | (ascii[i] &- 0x41 < 26 ? 0x20 : 0)) != prefix.utf8Start[i] { return false }
                return true
            }
            let schemeLength = hasPrefix("https://") ? 8 : hasPrefix("http://") ? 7 : 0
            guard schemeLength > 0 else { return (.fileURLMalformed, "`\(key)` must be an absolute http(s) URL the portal can fetch", .error) }
            let rest = ascii[schemeLength...]
            guard let first = rest.first, first != UInt8(ascii: "/"), !rest.contains(where: isASCIIWhitespace) else {
                return (.fileURLMalformed, "`\(key)` must be an absolute http(s) URL the portal can fetch", .error)
            }
            return schemeLength == 7 ? (.fileURLNotHTTPS, "`\(key)` is http, not https: the file travels unencrypted", .warning) : nil
        }
        if let outcome { return outcome }
        let lower = text.lowercased()
        let scheme = lower.hasPrefix("https://") ? "https://" : lower.hasPrefix("http://") ? "http://" : nil
        guard let scheme else { return (.fileURLMalformed, "`\(key)` must be an absolute http(s) URL the portal can fetch", .error) }
        let rest = text.dropFirst(scheme.count)
        let host = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard !host.isEmpty, !rest.contains(where: \.isWhitespace) else {
            return (.fileURLMalformed, "`\(key)` must be an absolute http(s) URL the portal can fetch", .error)
        }
        return scheme == "http://" ? (.fileURLNotHTTPS, "`\(key)` is http, not https: the file travels unencrypted", .warning) : nil
    }
}
