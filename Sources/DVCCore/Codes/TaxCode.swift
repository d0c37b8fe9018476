/// A taxpayer's code (mã số thuế, MST), in the forms of Circular 86/2024/TT-BTC Art. 5 and the
/// Law on Tax Administration 2019 Art. 3(5):
///
/// - ``Kind/main``: 10 digits `N1N2 N3…N9 N10` — `N1N2` the partition (số phân khoảng), `N3…N9`
///   a serial, `N10` the check digit;
/// - ``Kind/branch``: 13 digits, the head office's ten and `N11N12N13` (001–999) for a
///   dependent unit, displayed `0314409058-002`;
/// - ``Kind/personalID``: from 2025-07-01 an individual's, household's or household business's
///   tax code is the 12-digit personal identification number (Circular 86/2024 Art. 5(1)(b)),
///   validated as a ``CitizenID``.
///
/// The check digit: with weights 31, 29, 23, 19, 17, 13, 7, 5, 3 on `N1…N9`, `N10 = 10 − (S mod 11)`.
/// When `S mod 11 = 0` no digit can satisfy it, so that prefix has no valid code (as
/// python-stdnum and the tax authority's numbering; some implementations map it to 0 — a
/// documented conflict, `spec/codes-and-rules.md` §6.2). The serial `N3…N9` and the branch
/// `N11…N13` may not be all zeros.
///
/// Input is lenient like the real world: spaces, dots and dashes anywhere are ignored
/// (`01.00.112.437`, `0312 68 78 78 - 001`). ``rawValue`` is the display form; ``compact`` has
/// digits only.
public struct TaxCode: NationalCode {
    /// The three forms of a tax code.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A 10-digit code (an organisation, or an individual's code issued before 2025-07-01).
        case main
        /// A 13-digit code of a dependent unit (branch, representative office).
        case branch
        /// A 12-digit personal identification number used as tax code from 2025-07-01.
        case personalID = "personal-id"
    }

    /// The identifier kind, for errors.
    public static let kind = CodeKind.taxCode
    /// The check-digit weights of `N1…N9`.
    public static let weights = [31, 29, 23, 19, 17, 13, 7, 5, 3]

    /// The display form: `0100047516`, `0314409058-002`, or the 12 digits of a personal ID.
    public let rawValue: String
    /// Which form the code has.
    public let kind: Kind

    /// Validates a tax code, ignoring spaces, dots and dashes.
    public init(_ string: some StringProtocol) throws(CodeError) {
        let year = CalendarDate.currentYear()
        let parts = try withUTF8Bytes(string) { Self.parse($0, currentYear: year) }.get(Self.kind, input: string)
        kind = parts.kind
        rawValue = kind == .branch ? "\(parts.compact.prefix(10))-\(parts.compact.suffix(3))" : parts.compact
    }

    /// Whether `string` is a valid tax code, without allocating.
    public static func isValid(_ string: some StringProtocol) -> Bool {
        let year = CalendarDate.currentYear()
        return withUTF8Bytes(string) { parse($0, currentYear: year, collectDigits: false).isSuccess }
    }

    /// Digits only: `0314409058002`.
    public var compact: String { rawValue.filter { $0 != "-" } }

    /// The partition `N1N2` (not a province: do not derive a place from it).
    public var partition: String { String(rawValue.prefix(2)) }

    /// The check digit `N10` (`nil` for a personal ID, which has none).
    public var checkDigit: Int? { kind == .personalID ? nil : Int(String(rawValue.dropFirst(9).prefix(1))) }

    /// The dependent-unit number `N11N12N13` of a branch code.
    public var branchNumber: String? { kind == .branch ? String(rawValue.suffix(3)) : nil }

    /// The head office's 10-digit code of a branch code (itself for a main code).
    public var headOffice: TaxCode? {
        switch kind {
        case .main: self
        case .branch: TaxCode(rawValue: String(rawValue.prefix(10)), kind: .main)
        case .personalID: nil
        }
    }

    /// The personal identification number, when the code is one.
    public var personalID: CitizenID? { kind == .personalID ? try? CitizenID(rawValue) : nil }

    /// The code, masked when it is a personal ID (personal data).
    public var description: String {
        kind == .personalID ? CitizenID.mask(rawValue, keepingPrefix: 3, suffix: 2) : rawValue
    }

    private init(rawValue: String, kind: Kind) {
        self.rawValue = rawValue
        self.kind = kind
    }

    // MARK: - Parsing

    struct Parts {
        var kind: Kind
        var compact: String
    }

    /// At most this many input bytes: 13 digits and a generous number of separators.
    static let maximumInputLength = 40

    static func parse(_ b: UnsafeBufferPointer<UInt8>, currentYear: Int, collectDigits: Bool = true) -> ParseResult<Parts> {
        guard !b.isEmpty else { return .failure(.empty, byteOffset: 0) }
        if b.count > maximumInputLength { return .failure(.length, byteOffset: maximumInputLength) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 14) { digits in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 14) { offsets in
                var count = 0
                for i in 0..<b.count {
                    let c = b[i]
                    if ASCII.isDigit(c) {
                        guard count < 13 else { return .failure(.length, byteOffset: i) }
                        digits[count] = c
                        offsets[count] = i
                        count += 1
                    } else if c != ASCII.space && c != ASCII.dot && c != ASCII.dash {
                        return .failure(.invalidCharacter, byteOffset: i)
                    }
                }
                let kind: Kind
                switch count {
                case 10: kind = .main
                case 13: kind = .branch
                case 12: kind = .personalID
                default: return .failure(.length, byteOffset: count == 0 ? 0 : offsets[count - 1] + 1)
                }
                let compactDigits = UnsafeBufferPointer(rebasing: digits[0..<count])
                let compact = collectDigits ? String(decoding: compactDigits, as: UTF8.self) : ""
                if kind == .personalID {
                    switch CitizenID.parse(compactDigits, currentYear: currentYear) {
                    case .success: return .success(Parts(kind: kind, compact: compact))
                    case .failure(let rule, let offset): return .failure(rule, byteOffset: offsets[min(offset, 11)])
                    }
                }
                var serialIsZero = true
                for i in 2..<9 where digits[i] != UInt8(ascii: "0") { serialIsZero = false }
                if serialIsZero { return .failure(.zeroComponent, byteOffset: offsets[2]) }
                if kind == .branch, digits[10] == UInt8(ascii: "0"), digits[11] == UInt8(ascii: "0"), digits[12] == UInt8(ascii: "0") {
                    return .failure(.zeroComponent, byteOffset: offsets[10])
                }
                guard let check = checkDigit(UnsafeBufferPointer(rebasing: digits[0..<9])), check == ASCII.digit(digits[9]) else {
                    return .failure(.checkDigit, byteOffset: offsets[9])
                }
                return .success(Parts(kind: kind, compact: compact))
            }
        }
    }

    /// The check digit for the nine ASCII digits `N1…N9`, or `nil` when the prefix has none.
    static func checkDigit(_ nine: UnsafeBufferPointer<UInt8>) -> Int? {
        var sum = 0
        for (i, weight) in weights.enumerated() { sum += weight * ASCII.digit(nine[i]) }
        let remainder = sum % 11
        return remainder == 0 ? nil : 10 - remainder
    }

    /// The check digit that completes a 9-digit prefix, or `nil` when no digit can (`S mod 11 = 0`).
    /// Useful to generate test data.
    public static func checkDigit(forPrefix prefix: some StringProtocol) -> Int? {
        let bytes = Array(prefix.utf8)
        guard bytes.count == 9, bytes.allSatisfy(ASCII.isDigit) else { return nil }
        return bytes.withUnsafeBufferPointer { checkDigit($0) }
    }
}
