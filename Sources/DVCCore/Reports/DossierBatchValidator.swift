import Foundation

/// Validates a `DongBoHoSoMC` batch — an envelope or a bare array of dossiers — as its bytes
/// arrive, in bounded memory, into a ``ValidationReport``.
///
/// Each dossier is decoded on its own (a broken one never hides the others) and every defect is
/// counted: decoding defects (missing fields, malformed codes, unknown statuses) and the
/// semantic ones of ``Dossier/validate(against:path:)``. When the envelope's `madonvi` comes
/// after `data` (as in canonical, key-sorted JSON), the receiving-agency check is settled at
/// the end from a per-level-1 tally, still in bounded memory.
///
/// ```swift
/// var validator = DossierBatchValidator()
/// try data.withUnsafeBytes { try validator.feed($0) }
/// let report = try validator.finish()
/// ```
public struct DossierBatchValidator {
    /// The context every dossier is checked against (its `syncingUnit` comes from the envelope's
    /// `madonvi` when not set).
    public var context: DossierValidationContext
    private var reader: DossierBatchReader
    private var report: ValidationReport
    private var unitFromEnvelope = false
    /// Dossiers whose receiving agency could not be checked yet, by level-1 code.
    private var pending: [String: (count: Int, otherwiseValid: Int, examples: [ValidationReport.Entry])] = [:]

    /// Creates a validator; `mapping` turns local codes into national ones before they are checked.
    public init(context: DossierValidationContext = .init(), strictness: WireStrictness = .lenient, maximumIssues: Int = 100, mapping: CodeMapping? = nil) {
        self.context = context
        self.report = ValidationReport(maximumIssues: maximumIssues)
        self.reader = DossierBatchReader(strictness: strictness, mapping: mapping)
    }

    /// Consumes the next bytes of the batch.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) throws {
        var completed: [DossierBatchReader.Element] = []
        try reader.feed(bytes) { completed.append($0) }
        guard !completed.isEmpty else { return }
        if context.syncingUnit == nil, !unitFromEnvelope, let unit = reader.envelopeString("madonvi") {
            adoptUnit(unit)
        }
        for element in completed { validate(element) }
    }

    /// Ends the batch and returns the report.
    public mutating func finish() throws -> ValidationReport {
        try reader.finish()
        if context.syncingUnit == nil, !unitFromEnvelope, let unit = reader.envelopeString("madonvi") {
            adoptUnit(unit)
        }
        if let unit = context.syncingUnit {
            for (levelOne, tally) in pending where levelOne != unit.levelOneCode {
                let entries = tally.examples.map { entry -> ValidationReport.Entry in
                    var entry = entry
                    entry.message = "the receiving agency in `MaHoSo` is not under the syncing unit `madonvi` \(unit.rawValue) (level-1 \(levelOne) ≠ \(unit.levelOneCode))"
                    return entry
                }
                report.record(deferred: .receivingAgencyOutsideUnit, count: tally.count, newlyInvalid: tally.otherwiseValid, examples: entries)
            }
        }
        pending.removeAll()
        return report
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

    private mutating func validate(_ element: DossierBatchReader.Element) {
        let dossier: Dossier
        switch element.dossier {
        case .success(let decoded): dossier = decoded
        case .failure(let failure):
            // The checks that need only the key fields still run: defects overlap in real batches.
            var issues = failure.issues
            if let fields = element.keyFields, let code = fields.code {
                let seen = Set(issues.map { "\($0.path) \($0.rule.rawValue)" })
                issues += Dossier.keyFieldIssues(code: code, receivedAt: fields.receivedAt, procedureCode: fields.procedureCode,
                                                 fieldCode: fields.fieldCode, context: context, path: element.path)
                    .filter { !seen.contains("\($0.path) \($0.rule.rawValue)") }
            }
            report.record(dossier: element.index, issues: issues)
            return
        }
        let index = element.index, path = element.path
        let issues = element.warnings + dossier.validate(against: context, path: path)
        report.record(dossier: index, issues: issues)
        if context.syncingUnit == nil, let agency = dossier.code.receivingAgency {
            var tally = pending[agency.levelOneCode] ?? (0, 0, [])
            tally.count += 1
            if !issues.contains(where: { $0.severity == .error }) { tally.otherwiseValid += 1 }
            if tally.examples.count < report.examplesPerRule {
                tally.examples.append(ValidationReport.Entry(index: index, issue: ValidationIssue(
                    path: "\(path).MaHoSo", rule: .receivingAgencyOutsideUnit, message: "")))
            }
            pending[agency.levelOneCode] = tally
        }
    }
}
