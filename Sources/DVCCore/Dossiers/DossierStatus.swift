/// The processing status of a dossier (trạng thái hồ sơ, `TrangThaiHoSo` / `TrangThai`), codes 1–10
/// of `spec/portal-protocol.md` §8.1. A closed list: an unknown code is a data error, never guessed.
///
/// The labels of 7 and 8 and the transition rules are inferred from OpenCPS and other
/// integrations **[P]**; the rules live in ``DossierStatusTransitions`` as data you can replace.
public enum DossierStatus: Int, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// 1 — newly registered or submitted (mới đăng ký).
    case new = 1
    /// 2 — received and accepted for processing (đã tiếp nhận).
    case received = 2
    /// 3 — not accepted at reception (không tiếp nhận).
    case notAccepted = 3
    /// 4 — being processed (đang xử lý).
    case processing = 4
    /// 5 — a supplement was requested from the applicant (yêu cầu bổ sung); pauses the clock.
    case awaitingSupplement = 5
    /// 6 — a financial obligation was requested (thực hiện nghĩa vụ tài chính); pauses the clock.
    case awaitingPayment = 6
    /// 7 — withdrawn at the applicant's request (rút hồ sơ) **(inferred)**.
    case withdrawn = 7
    /// 8 — processing stopped or refused (dừng xử lý / từ chối) **(inferred)**.
    case refused = 8
    /// 9 — processing finished, result awaiting return (đã xử lý xong, chờ trả kết quả).
    case awaitingReturn = 9
    /// 10 — result returned (đã trả kết quả).
    case returned = 10

    /// Values gateways send that the standard does not have, and the status each is read as
    /// (decoded leniently with a ``ValidationRule/statusNonStandard`` warning, never written):
    /// `"0"` (a provincial gateway's "interoperating/posting", before reception) as ``new``, and
    /// `"11"` (sent for dossiers refused locally) as ``notAccepted``.
    public static let nonStandardValues: [String: DossierStatus] = ["0": .new, "11": .notAccepted]

    /// The status for a wire value such as `"4"` (leading zeros and spaces are not accepted), or
    /// `nil` for a value the standard does not have.
    public init?(wireValue: String) {
        guard let number = Int(wireValue), String(number) == wireValue, let status = DossierStatus(rawValue: number) else { return nil }
        self = status
    }

    /// The wire value, e.g. `"4"`.
    public var wireValue: String { String(rawValue) }

    /// `4 processing`.
    public var description: String { "\(rawValue) \(self.name)" }

    /// The English name of the case.
    public var name: String {
        switch self {
        case .new: "new"
        case .received: "received"
        case .notAccepted: "not accepted"
        case .processing: "processing"
        case .awaitingSupplement: "awaiting supplement"
        case .awaitingPayment: "awaiting payment"
        case .withdrawn: "withdrawn"
        case .refused: "refused"
        case .awaitingReturn: "awaiting return"
        case .returned: "returned"
        }
    }

    /// The Vietnamese name, as one-stop systems label the status (`đang xử lý`).
    public var vietnameseName: String {
        switch self {
        case .new: "mới đăng ký"
        case .received: "đã tiếp nhận"
        case .notAccepted: "không tiếp nhận"
        case .processing: "đang xử lý"
        case .awaitingSupplement: "yêu cầu bổ sung"
        case .awaitingPayment: "nghĩa vụ tài chính"
        case .withdrawn: "rút hồ sơ"
        case .refused: "dừng xử lý"
        case .awaitingReturn: "chờ trả kết quả"
        case .returned: "đã trả kết quả"
        }
    }

    /// Whether no further status can follow (under the standard transition table).
    public var isTerminal: Bool { DossierStatusTransitions.standard.next(after: self).isEmpty }

    /// Whether the processing clock stops while the dossier is in this status: waiting for the
    /// applicant's supplement (5) or payment (6) does not count against the deadline.
    public var pausesProcessingClock: Bool { self == .awaitingSupplement || self == .awaitingPayment }

    /// Whether `next` may follow this status under the standard transition table.
    public func canTransition(to next: DossierStatus) -> Bool {
        DossierStatusTransitions.standard.allows(from: self, to: next)
    }

    /// Decodes `"4"`, leniently also `4`; any other value is an error naming the code.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        var text: String?
        if let string = try? container.decode(String.self) { text = string }
        else if decoder.wireStrictness == .lenient, let number = try? container.decode(Int.self) { text = String(number) }
        guard let text, let status = DossierStatus(wireValue: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown dossier status \(text.map { "\"\($0)\"" } ?? "value"); expected \"1\"…\"10\"")
        }
        self = status
    }

    /// Encodes the wire value as a string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wireValue)
    }
}

/// Which status may follow which (the dossier state machine), as data.
///
/// The ``standard`` table: a status may always repeat (several progress entries in one status),
/// and otherwise
///
/// | from | to |
/// |---|---|
/// | 1 new | 2, 3, 7 |
/// | 2 received | 3, 4, 5, 6, 7, 8, 9 |
/// | 4 processing | 5, 6, 7, 8, 9 |
/// | 5 awaiting supplement | 2, 4, 6, 7, 8 |
/// | 6 awaiting payment | 4, 5, 7, 8, 9 |
/// | 8 refused | 10 (the refusal is handed back) |
/// | 9 awaiting return | 10 |
/// | 3, 7, 10 | — (terminal) |
///
/// The standard publishes no transition table; this one is inferred from the statuses' meaning
/// and from OpenCPS's and other integrations' sequences **[P]**. Build your own with
/// ``init(_:)`` when your portal adapter is stricter or looser.
public struct DossierStatusTransitions: Sendable, Hashable {
    private let table: [DossierStatus: Set<DossierStatus>]

    /// A table mapping each status to the statuses that may follow it (besides itself).
    public init(_ table: [DossierStatus: Set<DossierStatus>]) { self.table = table }

    /// The inferred standard table (see the type's documentation).
    public static let standard = DossierStatusTransitions([
        .new: [.received, .notAccepted, .withdrawn],
        .received: [.notAccepted, .processing, .awaitingSupplement, .awaitingPayment, .withdrawn, .refused, .awaitingReturn],
        .processing: [.awaitingSupplement, .awaitingPayment, .withdrawn, .refused, .awaitingReturn],
        .awaitingSupplement: [.received, .processing, .awaitingPayment, .withdrawn, .refused],
        .awaitingPayment: [.processing, .awaitingSupplement, .withdrawn, .refused, .awaitingReturn],
        .refused: [.returned],
        .awaitingReturn: [.returned],
    ])

    /// The statuses that may follow `status` (not counting itself).
    public func next(after status: DossierStatus) -> Set<DossierStatus> { table[status] ?? [] }

    /// Whether `to` may follow `from`.
    public func allows(from: DossierStatus, to: DossierStatus) -> Bool { from == to || next(after: from).contains(to) }
}
