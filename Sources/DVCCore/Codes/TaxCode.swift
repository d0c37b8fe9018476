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
    public static let weights = (0..<9).map(weight)

    /// The display form: `0100047516`, `0314409058-002`, or the 12 digits of a personal ID.
    public let rawValue: String
    /// Which form the code has.
    public let kind: Kind

    /// Validates a tax code, ignoring spaces, dots and dashes.
    public init(validating string: String) throws(CodeError) {
        let parts = try withUTF8Bytes(string) { Self.parse($0, currentYear: CalendarDate.currentYear) }.get(Self.kind, input: string)
        kind = parts.kind
        rawValue = kind == .branch ? "\(parts.compact.prefix(10))-\(parts.compact.suffix(3))" : parts.compact
    }

    /// Whether `utf8` is a valid tax code, without allocating.
    public static func isValid(utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        if let verdict = digitsOnlyVerdict(utf8) { return verdict }
        return parse(utf8, currentYear: CalendarDate.currentYear, collectDigits: false).isSuccess
    }

    /// The answer ``parse(_:currentYear:collectDigits:)`` gives for a main or branch code written
    /// as its 10 or 13 digits alone (how nearly every tax code arrives), without a branch per
    /// digit: the first eight digits are checked and taken apart as one 64-bit word; `nil` for any
    /// other input, which the full parser reads.
    @inline(__always)
    static func digitsOnlyVerdict(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard b.count == 10 || b.count == 13, let base = b.baseAddress else { return nil }
        let word = UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self))
        let values = word &- 0x3030_3030_3030_3030
        // A byte outside "0"..."9" leaves its high bit set in `values` (below "0": a borrow) or in
        // `values + 0x76` (above "9"); no carry crosses bytes while every byte is a digit.
        guard (values | (values &+ 0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080 == 0 else { return nil }
        let n8 = b[8] &- 48, n9 = b[9] &- 48
        guard n8 < 10, n9 < 10 else { return nil }
        var branch: UInt8 = 0
        if b.count == 13 {
            let n10 = b[10] &- 48, n11 = b[11] &- 48, n12 = b[12] &- 48
            guard n10 < 10, n11 < 10, n12 < 10 else { return nil }
            branch = n10 | n11 | n12
        }
        func digit(_ k: UInt64) -> Int { Int(truncatingIfNeeded: values >> (8 * k) & 0xFF) }
        let sum = 31 * digit(0) + 29 * digit(1) + 23 * digit(2) + 19 * digit(3) + 17 * digit(4) + 13 * digit(5) + 7 * digit(6) + 5 * digit(7) + 3 * Int(n8)
        let serial = (values >> 16) | UInt64(n8)
        let remainder = sum % 11
        return serial != 0 && (b.count == 10 || branch != 0) && remainder != 0 && 10 - remainder == Int(n9)
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

    /// One pass over the input: separators skipped, the weighted sum, zero checks and the first
    /// six digits (for a personal ID) gathered on the way, so nothing is allocated unless the
    /// caller wants the compact digits.
    static func parse(_ b: UnsafeBufferPointer<UInt8>, currentYear: () -> Int, collectDigits: Bool = true) -> ParseResult<Parts> {
        guard !b.isEmpty else { return .failure(.empty, byteOffset: 0) }
        if b.count > maximumInputLength { return .failure(.length, byteOffset: maximumInputLength) }
        var count = 0, sum = 0, firstSix = 0, check = 0
        var serialNonZero = false, branchNonZero = false
        var serialOffset = 0, checkOffset = 0, branchOffset = 0, lastOffset = 0
        for i in 0..<b.count {
            let c = b[i]
            guard ASCII.isDigit(c) else {
                if c == ASCII.space || c == ASCII.dot || c == ASCII.dash { continue }
                return .failure(.invalidCharacter, byteOffset: i)
            }
            guard count < 13 else { return .failure(.length, byteOffset: i) }
            let d = ASCII.digit(c)
            switch count {
            case 0..<9:
                sum += weight(count) * d
                if count >= 2 { serialNonZero = serialNonZero || d != 0 }
                if count == 2 { serialOffset = i }
            case 9: check = d; checkOffset = i
            default:
                if count == 10 { branchOffset = i }
                branchNonZero = branchNonZero || d != 0
            }
            if count < 6 { firstSix = firstSix * 10 + d }
            count += 1
            lastOffset = i
        }
        let kind: Kind
        switch count {
        case 10: kind = .main
        case 13: kind = .branch
        case 12: kind = .personalID
        default: return .failure(.length, byteOffset: count == 0 ? 0 : lastOffset + 1)
        }
        if kind == .personalID {
            if case .failure(let rule, let offset) = CitizenID.check(firstSix: firstSix, currentYear: currentYear()) {
                // Map the digit index back to the input, separators included.
                return .failure(rule, byteOffset: digitOffset(b, index: offset))
            }
        } else {
            if !serialNonZero { return .failure(.zeroComponent, byteOffset: serialOffset) }
            if kind == .branch && !branchNonZero { return .failure(.zeroComponent, byteOffset: branchOffset) }
            let remainder = sum % 11
            guard remainder != 0, 10 - remainder == check else { return .failure(.checkDigit, byteOffset: checkOffset) }
        }
        var compact = ""
        if collectDigits {
            if count == b.count {
                compact = String(decoding: b, as: UTF8.self)  // no separators: the common case
            } else {
                compact.reserveCapacity(count)
                for c in b where ASCII.isDigit(c) { compact.unicodeScalars.append(Unicode.Scalar(c)) }
            }
        }
        return .success(Parts(kind: kind, compact: compact))
    }

    /// The check-digit weight of digit `index` (0-based) among `N1…N9`.
    @inline(__always)
    static func weight(_ index: Int) -> Int {
        switch index {
        case 0: 31
        case 1: 29
        case 2: 23
        case 3: 19
        case 4: 17
        case 5: 13
        case 6: 7
        case 7: 5
        default: 3
        }
    }

    /// The byte offset of the `index`-th digit of `b`.
    private static func digitOffset(_ b: UnsafeBufferPointer<UInt8>, index: Int) -> Int {
        var seen = 0
        for i in 0..<b.count where ASCII.isDigit(b[i]) {
            if seen == index { return i }
            seen += 1
        }
        return 0
    }

    /// The check digit for the nine ASCII digits `N1…N9`, or `nil` when the prefix has none.
    static func checkDigit(_ nine: UnsafeBufferPointer<UInt8>) -> Int? {
        var sum = 0
        for i in 0..<9 { sum += weight(i) * ASCII.digit(nine[i]) }
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
