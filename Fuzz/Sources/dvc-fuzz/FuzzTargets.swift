import DVCClient
import DVCCore
import DVCSync
import DVCTesting
import Foundation

/// What `dvc-fuzz` can fuzz: one target per input boundary of the SDK. Each target runs the
/// input through the code that faces it and checks invariants (a crash or a failed check is a
/// finding); throwing and refusing are the expected outcome for nearly every input.
enum FuzzTarget: String, CaseIterable, Sendable {
    /// Every national-code initializer: `init(validating:)` agrees with the allocation-free
    /// `isValid`, error offsets lie within the input, and a valid code's canonical text parses
    /// back to the same code.
    case codes
    /// The dossier envelope (`DongBoHoSoMC`) decoded leniently and strictly, validated, and
    /// re-encoded (canonical encoding is idempotent); the streaming batch scanner and validator
    /// fed in two chunks split where the input says.
    case envelope
    /// Every other wire model, chosen by the first byte, decoded leniently and strictly and, when
    /// it decodes, re-encoded idempotently.
    case wire
    /// Payment callbacks of the national platform, KeyPay and PayGov: verified against a fixed
    /// initiated payment; whatever is accepted carries the initiated amount.
    case payments
    /// The inbound handlers (promotion registrations, portal pushes, land-tax notices, payment
    /// confirmations): every reply is one the portal understands.
    case inbound
    /// The sandbox server's request-head parser.
    case http
    /// The journal's line reader, on the raw input and on the input framed with a valid checksum
    /// (so the record decoder is reached).
    case journal
    /// Dialects: replies read by every shipped dialect, requests recognised by its server side,
    /// dialect and code-mapping files, timestamps in every format.
    case dialect
    /// The wire codec against Foundation's coders on the same input: the same values, defects,
    /// warnings and errors, and the same bytes written back.
    case codec
}

/// Runs one input through `target`.
func fuzz(_ target: FuzzTarget, _ data: Data) {
    switch target {
    case .codes: fuzzCodes(data)
    case .envelope: fuzzEnvelope(data)
    case .wire: fuzzWire(data)
    case .payments: fuzzPayments(data)
    case .inbound: fuzzInbound(data)
    case .http: fuzzHTTP(data)
    case .journal: fuzzJournal(data)
    case .dialect: fuzzDialects(data)
    case .codec: fuzzCodec(data)
    }
}

/// Stops the process with `message` when `condition` is false: a finding.
func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        FileHandle.standardError.write(Data("dvc-fuzz: invariant broken: \(message())\n".utf8))
        abort()
    }
}

// MARK: - Codes

private func fuzzCodes(_ data: Data) {
    let text = String(decoding: data, as: UTF8.self)
    code(AgencyCode.self, text)
    code(DossierCode.self, text)
    code(ProcedureCode.self, text)
    code(FieldCode.self, text)
    code(TaxCode.self, text)
    code(CitizenID.self, text)
    code(LegacyIDCard.self, text)
    code(PhoneNumber.self, text)
    code(ProvinceCode.self, text)
    code(DistrictCode.self, text)
    code(WardCode.self, text)
    let lenient = try? DossierCode(validating: text, strictness: .lenient)
    check((lenient != nil) == DossierCode.isValid(text, strictness: .lenient), "lenient DossierCode disagrees with isValid: \(text.debugDescription)")
    if let lenient { _ = lenient.receivingAgency; _ = lenient.isNormative; _ = lenient.description }
    _ = try? PortalTimestamp(text)
}

private func code<T: NationalCode>(_ type: T.Type, _ text: String) {
    let bytes = Array(text.utf8)
    let fast = bytes.withUnsafeBufferPointer { T.isValid(utf8: $0) }
    do {
        let parsed = try T(validating: text)
        check(fast, "\(T.self): init accepts what isValid refuses: \(text.debugDescription)")
        let again = try? T(validating: parsed.rawValue)
        check(again == parsed, "\(T.self): the canonical text \(parsed.rawValue.debugDescription) does not parse back to the same code")
        _ = parsed.description
    } catch {
        check(!fast, "\(T.self): isValid accepts what init refuses (\(error.rule)): \(text.debugDescription)")
        check(error.offset >= 0 && error.offset <= text.count, "\(T.self): error offset \(error.offset) outside \(text.count) characters")
        _ = error.description
    }
}

// MARK: - Wire

private func fuzzEnvelope(_ data: Data) {
    for strictness in [WireStrictness.lenient, .strict] {
        if let request = try? PortalJSON.decode(DossierSyncRequest.self, from: data, strictness: strictness) {
            for dossier in request.dossiers { _ = dossier.validate() }
            roundTrip(request)
        }
    }
    // The streaming path, fed in two chunks split where the first byte says; where the bytes are
    // split, and how many threads check them, never changes the report.
    let split = data.isEmpty ? 0 : Int(data[data.startIndex]) % (data.count + 1)
    let halves = batchReport(data, chunks: [0..<split, split..<data.count], threads: 1)
    if case .success(let report) = halves {
        check(report.valid <= report.total && report.invalid >= 0, "a batch report counts more valid dossiers than it read")
    }
    check(batchReport(data, chunks: [0..<data.count], threads: 2) == halves, "a batch report depends on the threads or on where the bytes are split")
    if data.count <= 2_048 {
        check(batchReport(data, chunks: (0..<data.count).map { $0..<($0 + 1) }, threads: 1) == halves, "a batch report fed byte by byte differs")
    }
}

/// The report of a batch fed in `chunks` (byte ranges, in order) to a validator on `threads`,
/// or why it is not a batch.
private func batchReport(_ data: Data, chunks: [Range<Int>], threads: Int) -> Result<ValidationReport, BatchRefusal> {
    var validator = DossierBatchValidator(concurrency: threads)
    return data.withUnsafeBytes { raw in
        do {
            for chunk in chunks { try validator.feed(UnsafeRawBufferPointer(rebasing: raw[chunk])) }
            return .success(try validator.finish())
        } catch {
            return .failure(BatchRefusal(description: "\(error)"))
        }
    }
}

/// Why a batch was refused, as its error describes it.
private struct BatchRefusal: Error, Equatable {
    let description: String
}

/// Decodes `Model` from `data` both ways; what decodes must re-encode idempotently.
private func wire<Model: Codable>(_ type: Model.Type, _ data: Data) {
    for strictness in [WireStrictness.lenient, .strict] {
        if let value = try? PortalJSON.decode(Model.self, from: data, strictness: strictness) { roundTrip(value) }
    }
}

private func roundTrip<Model: Codable>(_ value: Model) {
    guard let first = try? PortalJSON.encode(value) else { return }
    guard let decoded = try? PortalJSON.decode(Model.self, from: first) else {
        check(false, "\(Model.self): DVCKit cannot read its own output \(String(decoding: first.prefix(300), as: UTF8.self))")
        return
    }
    let second = try? PortalJSON.encode(decoded)
    check(second == first, "\(Model.self): the canonical encoding is not idempotent")
}

private func fuzzWire(_ data: Data) {
    guard let selector = data.first else { return }
    let body = data.dropFirst()
    switch selector % 16 {
    case 0: wire(ProgressEntry.self, body)
    case 1: wire(PortalStatusUpdate.self, body)
    case 2: wire(Procedure.self, body)
    case 3: wire(PublicService.self, body)
    case 4: wire(ProcedureSummary.self, body)
    case 5: wire(MonthlyStatistics.self, body)
    case 6: wire(SatisfactionSummary.self, body)
    case 7: wire(QuestionPush.self, body)
    case 8: wire(AnswerPush.self, body)
    case 9: wire(PaymentRequest.self, body)
    case 10: wire(PaymentLookup.self, body)
    case 11: wire(PaymentReply.self, body)
    case 12: wire(PaymentConfirmation.self, body)
    case 13: wire(PaymentConfirmationReply.self, body)
    case 14: wire(Dossier.self, body)
    default:
        _ = try? PortalJSON.decode(PortalReply<LossyList<ProcedureSummary>>.self, from: body)
        _ = try? PortalJSON.decode(LossyList<Question>.self, from: body)
        if let procedure = try? PortalJSON.decode(Procedure.self, from: body) { _ = String(describing: procedure) }
    }
}
