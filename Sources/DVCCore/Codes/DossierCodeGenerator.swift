import Foundation

/// Issues dossier codes (mã số hồ sơ) for one receiving agency: the next daily sequence number
/// for a given day, in the normative form that matches the agency code's form.
///
/// Thread-safe: any number of tasks may call ``next(on:)`` concurrently and every code is
/// issued once. The generator keeps its counters in memory only; a one-stop system that must
/// survive restarts persists ``lastIssued(on:)`` (or the codes themselves) and passes the
/// numbers back through `lastIssued:` when it starts again.
///
/// ```swift
/// let generator = DossierCodeGenerator(agency: try AgencyCode("000.00.14.H20"))
/// let code = try generator.next(on: CalendarDate(year: 2026, month: 3, day: 2)!)
/// // 000.00.14.H20-260302-0001
/// ```
public final class DossierCodeGenerator: @unchecked Sendable {
    /// The agency whose dossiers are numbered.
    public let agency: AgencyCode
    /// For a nation-wide centralised system (Circular 03/2025 Art. 13(3)): the two digits of
    /// the system owner's e-ID that precede the sequence; `nil` otherwise.
    public let systemOwnerCode: String?

    private let lock = NSLock()
    private var counters: [CalendarDate: Int]

    /// Creates a generator for `agency`.
    /// - Parameters:
    ///   - agency: the receiving (or, centralised, resolving) agency.
    ///   - systemOwnerCode: two digits for the centralised form, else `nil`.
    ///   - lastIssued: the last sequence already issued per day, to continue after a restart.
    /// - Throws: ``CodeError`` if `systemOwnerCode` is not two digits or is given with a
    ///   QCVN 102 agency code (the centralised form uses Decision 20/2020 codes only), or
    ///   ``CodeError/Rule/nonNormativeForm`` for an agency code in a deployed variant (3-digit inner
    ///   groups), for which no normative dossier code exists.
    public init(agency: AgencyCode, systemOwnerCode: String? = nil, lastIssued: [CalendarDate: Int] = [:]) throws(CodeError) {
        // Refused here rather than on every `next(on:)`, after the counter had moved (W13).
        if agency.isDeployedVariant { throw CodeError(kind: .dossierCode, rule: .nonNormativeForm, offset: 0) }
        if let owner = systemOwnerCode {
            let bytes = Array(owner.utf8)
            if let bad = bytes.firstIndex(where: { !ASCII.isDigit($0) }) {
                throw CodeError(kind: .dossierCode, rule: .expectedDigit, offset: bad)
            }
            guard bytes.count == 2 else { throw CodeError(kind: .dossierCode, rule: .length, offset: min(bytes.count, 2)) }
            guard agency.form == .decision20 else { throw CodeError(kind: .dossierCode, rule: .nonNormativeForm, offset: 0) }
        }
        self.agency = agency
        self.systemOwnerCode = systemOwnerCode
        self.counters = lastIssued
    }

    /// The largest daily sequence the generator's form can hold: 9,999 for the 4-digit forms;
    /// the centralised form grows past 4 digits ("length as needed").
    public var maximumSequence: Int { systemOwnerCode == nil ? 9_999 : 999_999_999_999 }

    /// Issues the next code for `day`.
    /// - Throws: ``CodeError/Rule/sequenceExhausted`` once the day's numbers are used up;
    ///   ``CodeError/Rule/invalidDate`` for a day outside 2000–2099 (the code holds `YY` only).
    public func next(on day: CalendarDate) throws(CodeError) -> DossierCode {
        // The code's date part is YYMMDD, read back as 20YY.
        guard (2000...2099).contains(day.year) else {
            throw CodeError(kind: .dossierCode, rule: .invalidDate, offset: agency.rawValue.count + 1)
        }
        lock.lock()
        let next = (counters[day] ?? 0) + 1
        guard next <= maximumSequence else {
            lock.unlock()
            throw CodeError(kind: .dossierCode, rule: .sequenceExhausted, offset: 0)
        }
        counters[day] = next
        lock.unlock()
        return try DossierCode(format(sequence: next, on: day))
    }

    /// The last sequence issued for `day` (0 when none was), for persisting.
    public func lastIssued(on day: CalendarDate) -> Int {
        lock.withLock { counters[day] ?? 0 }
    }

    private func format(sequence: Int, on day: CalendarDate) -> String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let date = pad(day.year % 100, 2) + pad(day.month, 2) + pad(day.day, 2)
        return "\(agency.rawValue)-\(date)-\(systemOwnerCode ?? "")\(pad(sequence, 4))"
    }
}
