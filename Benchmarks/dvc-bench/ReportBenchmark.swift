import DVCCommandLine
import DVCKit
import DVCTesting
import Foundation

/// What the report benchmark measured.
struct ReportFigures: Codable {
    /// Dossiers counted in process (decoded already).
    var inProcessDossiers: Int
    /// `DossierReportBuilder.add` per second, decoded dossiers.
    var inProcessPerSecond: Int
    /// Dossiers in the file both tools read.
    var fileDossiers: Int
    /// `dvc-report --json` over the file: seconds, dossiers per second, peak memory.
    var reportSeconds: Double, reportPerSecond: Int, reportMaxResidentKiB: Int?
    /// `dvc-validate --dossiers --json` over the same file in the same run (decoding plus
    /// validation: the reference for "limited by decoding").
    var validateSeconds: Double, validatePerSecond: Int
}

enum ReportBenchmark {
    /// Builds reports in process over `inProcess` generated dossiers (a realistic month, repeated),
    /// then runs `dvc-report` and `dvc-validate` over a file of `file` dossiers.
    static func run(inProcess: Int, file count: Int) -> ReportFigures? {
        let month = Fixtures.provinceMonth(count: 100_000)
        guard !month.isEmpty, let asOf = PortalTimestamp(date: CalendarDate(year: 2026, month: 3, day: 31) ?? .today, hour: 23, minute: 59) else { return nil }
        var builder = DossierReportBuilder(grouping: .agency, asOf: asOf)
        let seconds = DossierBenchmark.seconds {
            for i in 0..<inProcess { builder.add(month[i % month.count]) }
        }
        precondition(builder.report().total.dossiers == inProcess, "the report lost dossiers")

        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let report = directory.appendingPathComponent("dvc-report"), validate = directory.appendingPathComponent("dvc-validate")
        guard FileManager.default.isExecutableFile(atPath: report.path), FileManager.default.isExecutableFile(atPath: validate.path) else { return nil }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dvc-bench-\(getpid())-report.json")
        defer { try? FileManager.default.removeItem(at: file) }
        guard (try? write(count, from: month, to: file)) != nil else { return nil }
        let (reportSeconds, peak) = timed(report, ["--dossiers", file.path, "--json", "--as-of", "20260331235959"])
        let (validateSeconds, _) = timed(validate, ["--dossiers", file.path, "--json"])
        return ReportFigures(inProcessDossiers: inProcess, inProcessPerSecond: Int(Double(inProcess) / seconds), fileDossiers: count,
                             reportSeconds: (reportSeconds * 1000).rounded() / 1000, reportPerSecond: Int(Double(count) / reportSeconds),
                             reportMaxResidentKiB: peak,
                             validateSeconds: (validateSeconds * 1000).rounded() / 1000, validatePerSecond: Int(Double(count) / validateSeconds))
    }

    /// A `DongBoHoSoMC` envelope of `count` dossiers cycling through `month`.
    static func write(_ count: Int, from month: [Dossier], to url: URL) throws {
        try DossierBenchmark.writeBatch(count: count, to: url) { start, count in
            let from = start % month.count
            return Array(month[from..<min(month.count, from + count)])
        }
    }

    /// Runs `binary` with `arguments` (under GNU time when it is there): seconds and peak KiB.
    static func timed(_ binary: URL, _ arguments: [String]) -> (Double, Int?) {
        let memory = FileManager.default.temporaryDirectory.appendingPathComponent("dvc-bench-\(getpid())-\(binary.lastPathComponent).rss")
        defer { try? FileManager.default.removeItem(at: memory) }
        let gnuTime = "/usr/bin/time", hasGNUTime = FileManager.default.isExecutableFile(atPath: gnuTime)
        let process = Process()
        process.executableURL = hasGNUTime ? URL(fileURLWithPath: gnuTime) : binary
        process.arguments = (hasGNUTime ? ["-f", "%M", "-o", memory.path, binary.path] : []) + arguments
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        let seconds = DossierBenchmark.seconds {
            guard (try? process.run()) != nil else { return }
            process.waitUntilExit()
        }
        let peak = hasGNUTime ? (try? String(contentsOf: memory, encoding: .utf8))?.split(separator: "\n").last.flatMap { Int($0) } : nil
        return (seconds, peak)
    }

    /// The text lines of the figures.
    static func print(_ r: ReportFigures) {
        Swift.print("\nreports                      dossiers      seconds    dossiers/s   max RSS (KiB)")
        Swift.print("DossierReportBuilder (decoded) \(pad(r.inProcessDossiers.formatted(), 9))" + pad("", 13)
                    + pad(r.inProcessPerSecond.formatted(), 14))
        Swift.print("dvc-report --json file       \(pad(r.fileDossiers.formatted(), 11))" + pad(String(r.reportSeconds), 13)
                    + pad(r.reportPerSecond.formatted(), 14) + pad(r.reportMaxResidentKiB.map { $0.formatted() } ?? "n/a", 16))
        Swift.print("dvc-validate --dossiers, same\(pad(r.fileDossiers.formatted(), 11))" + pad(String(r.validateSeconds), 13)
                    + pad(r.validatePerSecond.formatted(), 14) + "   (reference: decoding + validation)")
    }

    static func pad(_ text: String, _ width: Int) -> String { text.count >= width ? text : String(repeating: " ", count: width - text.count) + text }
}
