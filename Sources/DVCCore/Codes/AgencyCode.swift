/// The electronic identification code of an agency or organisation (mã định danh điện tử của
/// cơ quan, tổ chức), in either of its two legal forms.
///
/// - **QCVN 102:2016/BTTTT** (Circular 10/2016/TT-BTTTT), e.g. `000.00.14.H20`: four groups
///   `V1V2V3.Z1Z2.Y1Y2.MX1X2`, 13 characters, read **right to left**: `MX1X2` is the level-1
///   unit, `Y1Y2` level 2, `Z1Z2` level 3, `V1V2V3` level 4; zeros mean "no unit at that level".
///   Deployed systems also emit 3-digit inner groups (e.g. `000.701.18.G12`); those are
///   accepted and flagged by ``isDeployedVariant``.
/// - **Decision 20/2020/QĐ-TTg**, Art. 4, e.g. `H55.242`: groups separated by `.`, developed
///   **left to right**, at most 35 characters of `0-9`, `A-Z` and `.`; the first group is the
///   level-1 code `MX1X2`.
///
/// In both forms the level-1 code is an upper-case letter `A–Y` and two digits (`G` ministries,
/// `H` provinces; see `spec/codes-and-rules.md` §2). A lower level set under a `00` level of the
/// legacy form is rejected (``CodeError/Rule/levelGap``): every unit is subordinate to the unit
/// of the level above it.
///
/// ```swift
/// let unit = try AgencyCode("000.00.14.H20")
/// unit.level              // 2
/// unit.levelOneCode       // "H20"
/// unit.parent?.rawValue   // "000.00.00.H20"
/// ```
public struct AgencyCode: NationalCode {
    /// The two legal forms of an agency code.
    public enum Form: String, Sendable, Hashable, Codable, CaseIterable {
        /// QCVN 102:2016/BTTTT, `000.00.00.H29`, read right to left.
        case qcvn102 = "QCVN 102:2016"
        /// Decision 20/2020/QĐ-TTg, `H29.123`, read left to right.
        case decision20 = "Decision 20/2020"
    }

    /// How a level-1 code's letter is used (spec §2.4; only `G` and `H` are corroborated).
    public enum LevelOneCategory: Sendable, Hashable {
        /// `G`: a ministry or ministry-level agency (bộ, cơ quan ngang bộ).
        case ministry
        /// `H`: a provincial People's Committee (UBND tỉnh/thành phố).
        case province
        /// Any other letter (organisations listed in Appendix I of Decision 20/2020; meaning unverified).
        case other(Character)
    }

    /// The identifier kind, for errors.
    public static let kind = CodeKind.agencyCode
    /// The canonical code, e.g. `000.00.14.H20`.
    public let rawValue: String
    /// Which legal form the code is written in.
    public let form: Form
    /// The level of the unit: 1 for a ministry or province, 2 for its direct sub-units, and so on.
    public let level: Int
    /// Whether the code uses a 3-digit inner group that QCVN 102:2016 does not allow but
    /// deployed systems emit (e.g. `000.701.18.G12`).
    public let isDeployedVariant: Bool

    /// Validates an agency code in either form.
    public init(validating string: String) throws(CodeError) {
        let parts = try withUTF8Bytes(string) { Self.parse($0) }.get(Self.kind, input: string)
        self.init(parts: parts, rawValue: string)
    }

    /// Whether `utf8` is a valid agency code in either form (deployed variants included).
    public static func isValid(utf8: UnsafeBufferPointer<UInt8>) -> Bool { parse(utf8).isSuccess }

    init(parts: Parts, rawValue: String) {
        self.rawValue = rawValue
        self.form = parts.form
        self.level = parts.level
        self.isDeployedVariant = parts.isVariant
    }

    // MARK: - Levels

    /// The level-1 code `MX1X2`, e.g. `"H20"`, shared by both forms.
    public var levelOneCode: String {
        switch form {
        case .qcvn102: String(rawValue.suffix(3))
        case .decision20: String(rawValue.prefix(3))
        }
    }

    /// The level-1 letter, e.g. `"H"`.
    public var levelOneLetter: Character { levelOneCode.first ?? "?" }

    /// The level-1 number, e.g. `20` for `H20`.
    public var levelOneNumber: Int { Int(levelOneCode.dropFirst()) ?? 0 }

    /// What the level-1 letter denotes.
    public var levelOneCategory: LevelOneCategory {
        switch levelOneLetter {
        case "G": .ministry
        case "H": .province
        case let letter: .other(letter)
        }
    }

    /// The unit's groups from level 1 downwards, without the empty (`00`) levels:
    /// `000.00.14.H20` → `["H20", "14"]`, `H55.242` → `["H55", "242"]`.
    public var levels: [String] {
        let groups = rawValue.split(separator: ".").map(String.init)
        switch form {
        case .decision20:
            return groups
        case .qcvn102:
            return Array(groups.reversed().prefix(level))
        }
    }

    /// The unit directly above this one (`nil` for a level-1 unit), in the same form.
    public var parent: AgencyCode? {
        guard level > 1 else { return nil }
        switch form {
        case .decision20:
            let cut = rawValue.lastIndex(of: ".") ?? rawValue.endIndex
            return try? AgencyCode(rawValue[..<cut])
        case .qcvn102:
            // Zero the lowest non-empty level (groups are V.Z.Y.M; level 4 is group 0).
            var groups = rawValue.split(separator: ".").map(String.init)
            let index = 4 - level
            groups[index] = String(repeating: "0", count: groups[index].count)
            return try? AgencyCode(groups.joined(separator: "."))
        }
    }

    /// The level-1 unit this unit belongs to, in the same form (itself when it is level 1).
    public var levelOne: AgencyCode {
        switch form {
        case .decision20: AgencyCode(parts: Parts(form: .decision20, level: 1, isVariant: false), rawValue: levelOneCode)
        case .qcvn102: AgencyCode(parts: Parts(form: .qcvn102, level: 1, isVariant: false), rawValue: "000.00.00." + levelOneCode)
        }
    }

    /// Whether both codes belong to the same level-1 unit (ministry or province), whatever
    /// their forms: `000.00.14.H20` and `000.00.00.H20` and `H20.5` all do.
    public func sharesLevelOne(with other: AgencyCode) -> Bool { levelOneCode == other.levelOneCode }

    /// Whether this unit is `other` or lies below it. Codes of different forms compare only
    /// at level 1, because converting lower levels between the forms is not defined.
    public func isWithin(_ other: AgencyCode) -> Bool {
        guard form == other.form else { return other.level == 1 && sharesLevelOne(with: other) }
        let mine = levels, theirs = other.levels
        return theirs.count <= mine.count && Array(mine.prefix(theirs.count)) == theirs
    }

    /// The same unit written in `form`, where the conversion is defined: always for the
    /// current form, and for level-1 codes between the forms (`000.00.00.H29` ↔ `H29`). Lower
    /// levels have different group widths in the two forms and were re-issued by the provinces
    /// in 2025 (spec §2.3, §2.6), so they return `nil`.
    public func converted(to form: Form) -> AgencyCode? {
        if form == self.form { return self }
        guard level == 1 else { return nil }
        switch form {
        case .decision20: return AgencyCode(parts: Parts(form: .decision20, level: 1, isVariant: false), rawValue: levelOneCode)
        case .qcvn102: return AgencyCode(parts: Parts(form: .qcvn102, level: 1, isVariant: false), rawValue: "000.00.00." + levelOneCode)
        }
    }

    // MARK: - Parsing

    @usableFromInline
    struct Parts: Sendable {
        var form: Form
        var level: Int
        var isVariant: Bool
    }

    /// The longest code Decision 20/2020 allows.
    static let maximumLength = 35

    @usableFromInline
    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> ParseResult<Parts> {
        guard let first = b.first else { return .failure(.empty, byteOffset: 0) }
        if ASCII.isDigit(first) { return parseQCVN102(b) }
        if ASCII.isUpper(first) || ASCII.isLower(first) { return parseDecision20(b) }
        return .failure(.invalidCharacter, byteOffset: 0)
    }

    /// `V1V2V3.Z1Z2.Y1Y2.MX1X2`; inner groups may be 3 digits (deployed variant).
    static func parseQCVN102(_ b: UnsafeBufferPointer<UInt8>) -> ParseResult<Parts> {
        if let level = strictQCVN102Level(b) { return .success(Parts(form: .qcvn102, level: level, isVariant: false)) }
        var i = 0
        var values = (0, 0, 0)
        var starts = (0, 0, 0)
        var isVariant = false
        for group in 0..<3 {
            let start = i
            var value = 0
            let maxWidth = 3, minWidth = group == 0 ? 3 : 2
            // One digit past the widest group is enough to report it; reading on could overflow.
            while i < b.count, i - start <= maxWidth, ASCII.isDigit(b[i]) {
                value = value * 10 + ASCII.digit(b[i])
                i += 1
            }
            let width = i - start
            if width > maxWidth { return .failure(.groupLength, byteOffset: start + maxWidth) }
            if i == b.count { return .failure(.length, byteOffset: i) }
            if b[i] != ASCII.dot {
                return .failure(width < minWidth ? .expectedDigit : .expectedSeparator, byteOffset: i)
            }
            if width < minWidth { return .failure(.groupLength, byteOffset: i) }
            if group > 0 && width == 3 { isVariant = true }
            switch group {
            case 0: values.0 = value; starts.0 = start
            case 1: values.1 = value; starts.1 = start
            default: values.2 = value; starts.2 = start
            }
            i += 1
        }
        if let failure = parseLevelOne(b, at: i) { return failure }
        if b.count > i + 3 { return .failure(.length, byteOffset: i + 3) }
        // values: .0 = level 4 (V), .1 = level 3 (Z), .2 = level 2 (Y)
        if values.0 != 0 && values.1 == 0 { return .failure(.levelGap, byteOffset: starts.0) }
        if values.1 != 0 && values.2 == 0 { return .failure(.levelGap, byteOffset: starts.1) }
        let level = values.0 != 0 ? 4 : values.1 != 0 ? 3 : values.2 != 0 ? 2 : 1
        return .success(Parts(form: .qcvn102, level: level, isVariant: isVariant))
    }

    /// The fast path for the strict 13-character layout `ddd.dd.dd.Ldd`: its level, or `nil`
    /// when `b` is anything else (variants, errors), which the general parser then explains.
    @inline(__always)
    static func strictQCVN102Level(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard b.count == 13, b[3] == ASCII.dot, b[6] == ASCII.dot, b[9] == ASCII.dot,
              ASCII.isUpper(b[10]), b[10] != UInt8(ascii: "Z") else { return nil }
        guard ASCII.isDigit(b[0]), ASCII.isDigit(b[1]), ASCII.isDigit(b[2]), ASCII.isDigit(b[4]), ASCII.isDigit(b[5]),
              ASCII.isDigit(b[7]), ASCII.isDigit(b[8]), ASCII.isDigit(b[11]), ASCII.isDigit(b[12]) else { return nil }
        let v = ASCII.digit(b[0]) * 100 + ASCII.digit(b[1]) * 10 + ASCII.digit(b[2])
        let z = ASCII.digit(b[4]) * 10 + ASCII.digit(b[5])
        let y = ASCII.digit(b[7]) * 10 + ASCII.digit(b[8])
        if (v != 0 && z == 0) || (z != 0 && y == 0) { return nil }
        return v != 0 ? 4 : z != 0 ? 3 : y != 0 ? 2 : 1
    }

    /// `MX1X2(.GROUP)*`, at most 35 characters.
    static func parseDecision20(_ b: UnsafeBufferPointer<UInt8>) -> ParseResult<Parts> {
        if let failure = parseLevelOne(b, at: 0) { return failure }
        var i = 3
        var level = 1
        while i < b.count {
            guard b[i] == ASCII.dot else { return .failure(.expectedSeparator, byteOffset: i) }
            i += 1
            let start = i
            while i < b.count, ASCII.isDigit(b[i]) || ASCII.isUpper(b[i]) { i += 1 }
            if i < b.count && b[i] != ASCII.dot { return .failure(.invalidCharacter, byteOffset: i) }
            if i == start { return .failure(.groupLength, byteOffset: i) }
            level += 1
        }
        if b.count > maximumLength { return .failure(.length, byteOffset: maximumLength) }
        return .success(Parts(form: .decision20, level: level, isVariant: false))
    }

    /// Checks `MX1X2` at `i`; returns a failure, or `nil` when it is well-formed.
    static func parseLevelOne(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> ParseResult<Parts>? {
        guard i < b.count else { return .failure(.length, byteOffset: i) }
        let letter = b[i]
        guard ASCII.isUpper(letter), letter != UInt8(ascii: "Z") else { return .failure(.levelOneLetter, byteOffset: i) }
        for j in (i + 1)...(i + 2) {
            guard j < b.count else { return .failure(.length, byteOffset: j) }
            guard ASCII.isDigit(b[j]) else { return .failure(.expectedDigit, byteOffset: j) }
        }
        return nil
    }
}
