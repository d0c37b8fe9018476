/// The command works on DVCKit's public types, which its own public API exposes.
public import DVCKit

/// `dvc-validate`: validates one code per input line and prints one tab-separated line per
/// input, streaming in constant memory.
///
/// ```
/// VALUE <TAB> ok    <TAB> CANONICAL <TAB> DETAIL
/// VALUE <TAB> error <TAB> RULE      <TAB> MESSAGE
/// ```
/// Exit status: 0 when every value is valid, 1 when any is not, 2 on a usage error.
public enum ValidateCommand: Sendable {
    /// The text printed by `--help`.
    public static let help = """
    usage: dvc-validate --kind KIND [--on YYYY-MM-DD] [--lenient] [--show-personal-data]
           dvc-validate --dossiers FILE|- [--json] [--max-issues N] [--unit CODE] [--strict] [--mapping FILE] [--threads N]

    Reads one value per line from standard input and prints one line per value:
      VALUE<TAB>ok<TAB>CANONICAL<TAB>DETAIL       when the value is valid
      VALUE<TAB>error<TAB>RULE<TAB>MESSAGE        when it is not (RULE names the broken rule)
    Exit status: 0 all valid, 1 any invalid, 2 usage error.

    KIND is one of:
      agency-code     agency e-ID, 000.00.00.H29 (QCVN 102:2016) or H29.123 (Decision 20/2020)
      dossier-code    dossier code, <agency>-YYMMDD-NNNN (Circular 01/2018, 03/2025, 04/2025)
      procedure-code  procedure code, D.NNNNNN[.<agency>[.NN]]
      field-code      field code, e.g. G03-GD06
      province-code   2-digit province code (DETAIL: its name on the --on date)
      ward-code       5-digit commune/ward code (DETAIL: ward, province on the --on date)
      citizen-id      12-digit personal ID (DETAIL: birth-registration province, sex, birth year)
      tax-code        tax code, 10 or 13 digits or a 12-digit personal ID
      phone           Vietnamese mobile or landline number, printed in E.164

    With --dossiers, reads a DongBoHoSoMC batch (an envelope {"madonvi":…,"data":[…]} or a bare
    array of dossiers; - for standard input), validates every dossier in constant memory and
    prints a report: totals, issues per rule, the first issues with their paths. --json prints
      {"total":N,"valid":N,"byRule":{"rule":N},"issues":[{"index":i,"path":"…","rule":"…","message":"…"}]}
    Exit status: 0 every dossier valid, 1 any invalid, 2 usage error or unreadable input.

    Options:
      --json                with --dossiers: print the report as JSON
      --max-issues N        with --dossiers: issues listed (default 100)
      --unit CODE           with --dossiers: the syncing unit (madonvi), instead of the envelope's
      --strict              with --dossiers: canonical wire form only, unknown keys rejected; the variants real
                            systems send (numbers for strings, null, other date formats, key case) become errors
      --mapping FILE        with --dossiers: local codes to national ones (JSON or .csv), applied before checking
      --threads N           with --dossiers: threads that decode and check dossiers (default: every core);
                            the report is the same for any N
      --on DATE             judge administrative units on DATE (default: today, UTC+07:00);
                            a date before 2025-07-01 uses the legacy 63-province map
      --lenient             dossier-code: also accept the non-normative shapes real systems send
      --show-personal-data  print citizen IDs in full (they are masked by default)
      --help                print this text
    """

    /// The parsed options of one run.
    public struct Options: Sendable {
        /// Which identifier every line holds.
        public var kind: CodeKind
        /// The day administrative units are judged on.
        public var date: CalendarDate
        /// Whether dossier codes may use the lenient shape.
        public var lenient: Bool
        /// Whether personal identifiers are printed in full.
        public var showPersonalData: Bool
        /// Today, against which birth years are judged.
        public var today: CalendarDate
    }

    /// The kinds `--kind` accepts.
    public static let kinds: [CodeKind] = [
        .agencyCode, .dossierCode, .procedureCode, .fieldCode, .provinceCode, .wardCode, .citizenID, .taxCode, .phoneNumber,
    ]

    /// Parses the command line (without the program name); `nil` options mean `--help`.
    public static func options(from words: [String], today: CalendarDate = .today) throws(UsageError) -> Options? {
        let arguments = try Arguments(
            words, options: ["--kind", "--on", "--dossiers", "--max-issues", "--unit", "--mapping", "--threads"],
            flags: ["--help", "--lenient", "--show-personal-data", "--json", "--strict"])
        if arguments.has("--help") { return nil }
        if arguments[option: "--dossiers"] != nil { throw UsageError("--dossiers is handled by DossierReportCommand") }
        guard arguments.positionals.isEmpty else { throw UsageError("unexpected argument \(arguments.positionals[0])") }
        guard let kindName = arguments[option: "--kind"] else { throw UsageError("--kind is required") }
        guard let kind = CodeKind(rawValue: kindName), kinds.contains(kind) else {
            throw UsageError("unknown kind \(kindName); expected one of \(kinds.map(\.rawValue).joined(separator: ", "))")
        }
        var date = today
        if let on = arguments[option: "--on"] {
            do { date = try CalendarDate(on) } catch { throw UsageError("--on \(on): \(error)") }
        }
        return Options(
            kind: kind, date: date, lenient: arguments.has("--lenient"),
            showPersonalData: arguments.has("--show-personal-data"), today: today)
    }

    /// Runs the command over `input`, writing results to `output` and usage errors to `errors`.
    /// - Returns: the exit status.
    public static func run<I: ByteInput, O: ByteOutput, E: ByteOutput>(
        _ words: [String], input: I, output: inout O, errors: inout E, today: CalendarDate = .today
    ) -> Int32 {
        if words.contains(where: { $0 == "--dossiers" || $0.hasPrefix("--dossiers=") }) && !words.contains("--help") {
            return DossierReportCommand.run(words, input: input, output: &output, errors: &errors)
        }
        let options: Options
        do {
            guard let parsed = try Self.options(from: words, today: today) else {
                write(help + "\n", to: &output)
                return 0
            }
            options = parsed
        } catch {
            write("dvc-validate: \(error.message)\nTry 'dvc-validate --help'.\n", to: &errors)
            return 2
        }
        let validator = LineValidator(options)
        let reader = LineReader(input)
        var out = BufferedOutput(output)
        var allValid = true
        reader.forEachLine { line, truncated in
            allValid = validator.validate(line, truncated: truncated, into: &out) && allValid
        }
        if let written = out.finish() as? O { output = written }
        return allValid ? 0 : 1
    }
}

extension ValidateCommand {
    static func write<O: ByteOutput>(_ text: String, to output: inout O) {
        var text = text
        text.withUTF8 { output.write(UnsafeRawBufferPointer($0)) }
    }
}

/// Validates one line for ``ValidateCommand`` and formats its result line.
public struct LineValidator: Sendable {
    /// The options every line is judged with.
    public let options: ValidateCommand.Options

    /// Creates a validator for `options`.
    public init(_ options: ValidateCommand.Options) { self.options = options }

    /// Validates `line`, appends its result line to `out`, and returns whether it was valid.
    public func validate(_ line: UnsafeBufferPointer<UInt8>, truncated: Bool, into out: inout BufferedOutput) -> Bool {
        let value = String(decoding: line, as: UTF8.self)
        if isPersonal(line) && !options.showPersonalData {
            out.append(Self.mask(value))
        } else {
            out.append(line)
        }
        if truncated {
            out.append("…\terror\tlength\tthe line is longer than the longest line read whole\n" as StaticString)
            return false
        }
        do throws(CodeError) {
            try writeValid(value, into: &out)
            out.append(byte: UInt8(ascii: "\n"))
            return true
        } catch {
            out.append("\terror\t" as StaticString)
            out.append(error.rule.rawValue)
            out.append(byte: UInt8(ascii: "\t"))
            out.append(error.description)
            out.append(byte: UInt8(ascii: "\n"))
            return false
        }
    }

    /// The canonical form and the detail column of a valid `value`, or why it is invalid.
    public func check(_ value: String) -> Result<(canonical: String, detail: String), CodeError> {
        var out = BufferedOutput(MemoryOutput())
        do throws(CodeError) {
            try writeValid(value, into: &out)
        } catch {
            return .failure(error)
        }
        let text = (out.finish() as? MemoryOutput)?.text ?? ""
        let fields = text.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
        return .success((fields.count > 1 ? String(fields[1]) : "", fields.count > 2 ? String(fields[2]) : ""))
    }

    /// Validates `value` and, only once it is known to be valid, writes
    /// `<TAB>ok<TAB>CANONICAL<TAB>DETAIL` straight into the buffer (no intermediate strings).
    private func writeValid(_ value: String, into out: inout BufferedOutput) throws(CodeError) {
        switch options.kind {
        case .agencyCode:
            let code = try AgencyCode(value)
            out.ok(code.rawValue, "form=")
            out.append(code.form.rawValue)
            out.field(" level=", decimal: code.level)
            out.field(" level-one=", code.levelOneCode)
            out.field(" parent=", code.parent?.rawValue)
            if code.isDeployedVariant { out.append(" variant=deployed" as StaticString) }
        case .dossierCode:
            let code = try DossierCode(value, strictness: options.lenient ? .lenient : .normative)
            out.ok(code.rawValue, "form=")
            out.append(code.form.rawValue)
            out.field(" agency=", code.agencyText)
            out.field(" date=", date: code.receptionDate)
            out.field(" sequence=", code.sequenceText)
            out.field(" system-owner=", code.systemOwnerCode)
        case .procedureCode:
            let code = try ProcedureCode(value)
            out.ok(code.rawValue, "national=")
            out.append(code.national)
            out.field(" agency=", code.agency?.rawValue)
            out.field(" variant=", code.publicServiceVariant)
        case .fieldCode:
            let code = try FieldCode(value)
            out.ok(code.rawValue, "owner=")
            out.append(code.ownerCode)
            out.field(" local=", code.localPart)
        case .provinceCode:
            let code = try ProvinceCode(value)
            guard let province = code.province(on: options.date) else {
                throw CodeError(kind: .provinceCode, rule: .notInForce, offset: 0)
            }
            out.ok(code.rawValue, "")
            out.append(province.name)
        case .wardCode:
            let ward = try WardCode(value).ward(on: options.date)
            out.ok(ward.code.rawValue, "")
            out.append(ward.name)
            out.append(", " as StaticString)
            out.append(ward.province.name)
        case .citizenID:
            let id = try CitizenID(value, today: options.today)
            out.ok(options.showPersonalData ? id.rawValue : id.masked, "")
            out.append(id.birthRegistrationProvince.name)
            out.append(", " as StaticString)
            out.append(id.sex.rawValue)
            out.append(", " as StaticString)
            out.append(decimal: id.birthYear)
        case .taxCode:
            let code = try TaxCode(value)
            out.ok(options.showPersonalData ? code.rawValue : code.description, "kind=")
            out.append(code.kind.rawValue)
            if code.kind == .branch {
                out.field(" head-office=", code.headOffice?.rawValue)
                out.field(" branch=", code.branchNumber)
            }
        case .phoneNumber:
            let phone = try PhoneNumber(value)
            out.ok(phone.rawValue, "")
            out.append(phone.kind.rawValue)
            out.field(" national=", phone.nationalNumber)
            out.field(" carrier=", phone.carrier?.rawValue)
            out.field(" area=", phone.areaCode)
        case .districtCode, .legacyIDCard, .calendarDate, .portalTimestamp:
            throw CodeError(kind: options.kind, rule: .invalidCharacter, offset: 0)
        }
    }

    /// Whether the line may hold a personal identifier: any citizen ID, or a tax code with the
    /// 12 digits of a personal ID.
    private func isPersonal(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        switch options.kind {
        case .citizenID: return true
        case .taxCode:
            var digits = 0
            for byte in line where byte &- 0x30 < 10 { digits += 1 }
            return digits == 12
        default: return false
        }
    }

    /// Keeps the first three and last two characters of `value`, masking the rest.
    private static func mask(_ value: String) -> String {
        guard value.count > 5 else { return String(repeating: "*", count: value.count) }
        return String(value.prefix(3)) + String(repeating: "*", count: value.count - 5) + String(value.suffix(2))
    }
}

extension BufferedOutput {
    /// `<TAB>ok<TAB>canonical<TAB>` and the start of the detail column.
    fileprivate mutating func ok(_ canonical: String, _ detailStart: StaticString) {
        append("\tok\t" as StaticString)
        append(canonical)
        append(byte: UInt8(ascii: "\t"))
        append(detailStart)
    }

    /// ` name=value` in the detail column; nothing when `value` is `nil`.
    fileprivate mutating func field(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        append(name)
        append(value)
    }

    /// ` name=<decimal>` in the detail column.
    fileprivate mutating func field(_ name: StaticString, decimal value: Int) {
        append(name)
        append(decimal: value)
    }

    /// ` name=yyyy-MM-dd` in the detail column.
    fileprivate mutating func field(_ name: StaticString, date: CalendarDate) {
        append(name)
        append(date: date)
    }

    /// A date as `yyyy-MM-dd`.
    fileprivate mutating func append(date: CalendarDate) {
        append(decimal: date.year, width: 4)
        append(byte: UInt8(ascii: "-"))
        append(decimal: date.month, width: 2)
        append(byte: UInt8(ascii: "-"))
        append(decimal: date.day, width: 2)
    }
}
