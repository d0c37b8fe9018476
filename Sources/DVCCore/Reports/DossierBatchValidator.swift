import Foundation

/// Validates a `DongBoHoSoMC` batch — an envelope or a bare array of dossiers — as its bytes
/// arrive, in bounded memory, into a ``ValidationReport``.
///
/// Each dossier is decoded on its own (a broken one never hides the others) and every defect is
/// counted: decoding defects (missing fields, malformed codes, unknown statuses) and the
/// semantic ones of ``Dossier/validate(against:path:)``. When the envelope's `madonvi` comes
/// before `data`, each receiving agency is checked against it with its dossier; when it comes
/// after (as in canonical, key-sorted JSON), that check is settled at the end from a tally per
/// receiving agency, still in bounded memory: the same counts and messages, its examples listed
/// after the other issues. Where the bytes are split between calls never changes the report (an
/// envelope that repeats `madonvi` is judged by the first).
///
/// ```swift
/// var validator = DossierBatchValidator()
/// try data.withUnsafeBytes { try validator.feed($0) }
/// let report = try validator.finish()
/// ```
public struct DossierBatchValidator: Sendable {
    /// The context every dossier is checked against (its `syncingUnit` comes from the envelope's
    /// `madonvi` when not set).
    public var context: DossierValidationContext
    private var reader: DossierBatchReader
    private var report: ValidationReport
    private var unitFromEnvelope = false
    /// Elements scanned but not yet checked.
    private var queued = DossierBatchReader.Scanned(elements: [], first: 0, inEnvelope: false)
    /// Dossiers whose receiving agency could not be checked yet, by agency code.
    private var pending: [String: Pending] = [:]

    /// The dossiers of one receiving agency checked before the syncing unit was known.
    private struct Pending: Sendable {
        let agency: AgencyCode
        var count = 0
        /// Those without an error of their own.
        var otherwiseValid = 0
        /// The first few: index and path.
        var examples: [(index: Int, path: String)] = []
    }

    /// Creates a validator; `mapping` turns local codes into national ones before they are checked.
    /// With `concurrency` above 1 the dossiers are decoded and checked on up to that many threads
    /// (see ``DossierBatchReader/concurrency``); the report is the same whatever the number.
    public init(context: DossierValidationContext = .init(), strictness: WireStrictness = .lenient, maximumIssues: Int = 100, mapping: CodeMapping? = nil,
                concurrency: Int = 1) {
        self.context = context
        self.report = ValidationReport(maximumIssues: maximumIssues)
        self.reader = DossierBatchReader(strictness: strictness, mapping: mapping, concurrency: concurrency)
    }

    /// Consumes the next bytes of the batch.
    ///
    /// With ``DossierBatchReader/concurrency`` above 1, dossiers are gathered into chunks of a few
    /// hundred and each chunk is decoded and checked on that many threads (this one included),
    /// then recorded in order: the report is the one a single thread makes.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) throws {
        let scanned = try reader.scan(bytes)
        // A `madonvi` read before any dossier applies to every dossier as it is checked.
        if context.syncingUnit == nil, !unitFromEnvelope, let unit = reader.firstEnvelopeString("madonvi"), unit.dossiersBefore == 0,
           let text = unit.text {
            adoptUnit(text)
        }
        guard !scanned.elements.isEmpty else { return }
        queued.append(scanned)
        if queued.elements.count >= (reader.concurrency > 1 ? 512 : 1) { checkQueued() }
    }

    /// Decodes, checks and records the queued elements.
    private mutating func checkQueued() {
        guard !queued.elements.isEmpty else { return }
        let scanned = queued, context = context
        queued = DossierBatchReader.Scanned(elements: [], first: 0, inEnvelope: false)
        for checked in reader.decoding.decode(scanned, { Self.check($0, against: context) }) { record(checked) }
    }

    /// Ends the batch and returns the report.
    public mutating func finish() throws -> ValidationReport {
        checkQueued()
        try reader.finish()
        if context.syncingUnit == nil, !unitFromEnvelope, let unit = reader.firstEnvelopeString("madonvi")?.text {
            adoptUnit(unit)
        }
        settlePending()
        return report
    }

    /// Checks the receiving agencies tallied before the unit was known, as each dossier's own
    /// check would have: the same rule, message and severity.
    private mutating func settlePending() {
        defer { pending.removeAll() }
        guard context.syncingUnit != nil else { return }
        var count = 0, newlyInvalid = 0
        var entries: [ValidationReport.Entry] = []
        for tally in pending.values {
            guard let issue = Dossier.outsideUnitIssue(tally.agency, context: context, path: "") else { continue }
            count += tally.count
            if issue.severity == .error { newlyInvalid += tally.otherwiseValid }
            entries += tally.examples.map { example in
                var issue = issue
                issue.path = "\(example.path).\(issue.path)"
                return ValidationReport.Entry(index: example.index, issue: issue)
            }
        }
        guard count > 0 else { return }
        entries.sort { $0.index < $1.index }
        report.record(deferred: .receivingAgencyOutsideUnit, count: count, newlyInvalid: newlyInvalid, examples: entries)
    }

    private mutating func adoptUnit(_ text: String) {
        unitFromEnvelope = true
        do {
            context.syncingUnit = try AgencyCode(validating: text)
        } catch {
            report.record(envelopeIssue: ValidationIssue(
                path: "madonvi", rule: .unitCodeMalformed,
                message: "`madonvi` \(text) is not a valid agency code: \(error.rule.explanation(for: .agencyCode)) (offset \(error.offset)); receiving agencies are not checked against it"))
        }
    }

    /// One dossier's findings, made on any thread, recorded in order.
    private struct Checked: Sendable {
        let index: Int
        let path: String
        let issues: [ValidationIssue]
        /// The receiving agency, when there is no syncing unit to check it against yet.
        let pendingAgency: AgencyCode?
    }

    private static func check(_ element: DossierBatchReader.Element, against context: DossierValidationContext) -> Checked {
        let dossier: Dossier
        switch element.dossier {
        case .success(let decoded): dossier = decoded
        case .failure(let failure):
            // The checks that need only the key fields still run: defects overlap in real batches.
            var issues = failure.issues
            guard let fields = element.keyFields, let code = fields.code else {
                return Checked(index: element.index, path: element.path, issues: issues, pendingAgency: nil)
            }
            let seen = Set(issues.map { "\($0.path) \($0.rule.rawValue)" })
            issues += Dossier.keyFieldIssues(code: code, receivedAt: fields.receivedAt, procedureCode: fields.procedureCode,
                                             fieldCode: fields.fieldCode, context: context, path: element.path)
                .filter { !seen.contains("\($0.path) \($0.rule.rawValue)") }
            return Checked(index: element.index, path: element.path, issues: issues,
                           pendingAgency: context.syncingUnit == nil ? code.receivingAgency : nil)
        }
        let issues = element.warnings + dossier.validate(against: context, path: element.path)
        return Checked(index: element.index, path: element.path, issues: issues,
                       pendingAgency: context.syncingUnit == nil ? dossier.code.receivingAgency : nil)
    }

    private mutating func record(_ checked: Checked) {
        report.record(dossier: checked.index, issues: checked.issues)
        guard let agency = checked.pendingAgency else { return }
        var tally = pending[agency.rawValue] ?? Pending(agency: agency)
        tally.count += 1
        if !checked.issues.contains(where: { $0.severity == .error }) { tally.otherwiseValid += 1 }
        if tally.examples.count < report.examplesPerRule { tally.examples.append((checked.index, checked.path)) }
        pending[agency.rawValue] = tally
    }
}
