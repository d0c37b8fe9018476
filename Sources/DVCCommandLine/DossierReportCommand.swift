import DVCKit
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `dvc-validate --dossiers FILE|-`: validates a `DongBoHoSoMC` batch in constant memory and
/// prints a report (a table, or JSON with `--json`).
public enum DossierReportCommand: Sendable {
    /// Runs the command; `input` is read when FILE is `-`.
    /// - Returns: 0 when every dossier is valid, 1 when any is not, 2 on a usage or input error.
    public static func run<I: ByteInput, O: ByteOutput, E: ByteOutput>(
        _ words: [String], input: I, output: inout O, errors: inout E
    ) -> Int32 {
        let arguments: Arguments
        let mapping: CodeMapping?
        do throws(UsageError) {
            arguments = try Arguments(words, options: ["--dossiers", "--max-issues", "--unit", "--mapping", "--threads"], flags: ["--json", "--strict"])
            guard arguments.positionals.isEmpty else { throw UsageError("unexpected argument \(arguments.positionals[0])") }
            mapping = try arguments[option: "--mapping"].map(PortalOptions.mapping(at:))
        } catch {
            ValidateCommand.write("dvc-validate: \(error.message)\nTry 'dvc-validate --help'.\n", to: &errors)
            return 2
        }
        let path = arguments[option: "--dossiers"] ?? "-"
        let maximumIssues = Int(arguments[option: "--max-issues"] ?? "100") ?? -1
        guard maximumIssues >= 0 else {
            ValidateCommand.write("dvc-validate: --max-issues takes a whole number\n", to: &errors)
            return 2
        }
        let threads = arguments[option: "--threads"].map { Int($0) ?? 0 } ?? ProcessInfo.processInfo.activeProcessorCount
        guard (1...256).contains(threads) else {
            ValidateCommand.write("dvc-validate: --threads takes a whole number from 1 to 256\n", to: &errors)
            return 2
        }
        var context = DossierValidationContext()
        if let unit = arguments[option: "--unit"] {
            do { context.syncingUnit = try AgencyCode(unit) } catch {
                ValidateCommand.write("dvc-validate: --unit \(unit): \(error)\n", to: &errors)
                return 2
            }
        }
        var source: any ByteInput = input
        var descriptor: Int32 = -1
        if path != "-" {
            descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else {
                ValidateCommand.write("dvc-validate: cannot read \(path): \(String(cString: strerror(errno)))\n", to: &errors)
                return 2
            }
            source = FileDescriptorInput(descriptor)
        }
        defer { if descriptor >= 0 { close(descriptor) } }

        var validator = DossierBatchValidator(context: context, strictness: arguments.has("--strict") ? .strict : .lenient, maximumIssues: maximumIssues, mapping: mapping,
                                              concurrency: threads)
        let report: ValidationReport
        do {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
            defer { buffer.deallocate() }
            while true {
                let count = source.read(into: buffer)
                if count == 0 { break }
                try validator.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            }
            report = try validator.finish()
        } catch {
            ValidateCommand.write("dvc-validate: \(path == "-" ? "standard input" : path) is not a dossier batch: \(error)\n", to: &errors)
            return 2
        }
        if arguments.has("--json") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let data = (try? encoder.encode(report)) ?? Data()
            ValidateCommand.write(String(decoding: data, as: UTF8.self) + "\n", to: &output)
        } else {
            ValidateCommand.write(table(report), to: &output)
        }
        return report.invalid == 0 && !report.issues.contains(where: { $0.index < 0 && $0.severity == .error }) ? 0 : 1
    }

    /// The human-readable report.
    static func table(_ report: ValidationReport) -> String {
        var text = "dossiers \(report.total)   valid \(report.valid)   invalid \(report.invalid)\n"
        guard !report.byRule.isEmpty else { return text + "no issues\n" }
        let width = max(28, report.byRule.keys.map(\.rawValue.count).max() ?? 0)
        text += "\n" + "rule".padding(toLength: width, withPad: " ", startingAt: 0) + "  issues\n"
        for (rule, count) in report.rulesByFrequency {
            text += rule.rawValue.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(count)\n"
        }
        text += "\nfirst \(report.issues.count) issues:\n"
        for entry in report.issues {
            let severity = entry.severity == .warning ? " (warning)" : ""
            text += "  \(entry.path)\t\(entry.rule.rawValue)\(severity)\t\(entry.message)\n"
        }
        return text
    }
}
