// dvc-bench: measures DVCKit's throughput on generated inputs and prints a table, or JSON with
// --json. Build in release mode for figures worth recording:
//
//   swift run -c release dvc-bench            # table
//   swift run -c release dvc-bench --json     # {"validators":{...},"pipeline":{...}}
//   swift run dvc-bench --quick               # a fast smoke run (CI)
//
// Figures go to Documentation/Performance.md with the command that produced them. Nothing here
// asserts a time: machines are shared and noisy, so numbers are recorded, not tested.
import DVCCommandLine
import DVCKit
import DVCTesting
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let arguments: Arguments
do {
    arguments = try Arguments(Array(CommandLine.arguments.dropFirst()), options: ["--lines", "--seconds", "--only", "--rounds", "--dossiers", "--batch-dossiers", "--sandbox-requests", "--sync-dossiers",
                                       "--sync-tool-dossiers", "--sync-tool-large", "--report-dossiers", "--codec-rounds", "--codec", "--write-batch"], flags: ["--json", "--quick", "--help", "--no-pipeline"])
} catch {
    FileHandle.standardError.write(Data("dvc-bench: \(error)\n".utf8))
    exit(2)
}
if arguments.has("--help") {
    print("""
    usage: dvc-bench [--json] [--quick] [--seconds S] [--lines N]
      --json       print one JSON document instead of a table
      --quick      a short smoke run (small inputs, 0.05 s per measurement)
      --seconds S  time spent per validator measurement (default 1)
      --lines N    lines piped through dvc-validate (default 1,000,000)
      --only K,K   measure only these validator kinds (e.g. tax-code,citizen-id)
      --no-pipeline  skip the dvc-validate pipeline measurement
      --dossiers N  dossiers encoded/decoded/validated in process (default 100,000)
      --batch-dossiers N  dossiers piped through dvc-validate --dossiers (default 1,000,000)
      --sandbox-requests N  requests sent to dvc-sandbox by 16 concurrent clients (default 10,000)
      --sync-dossiers N  dossiers enqueued and synced by SyncEngine against the in-process sandbox (default 5,000)
      --sync-tool-dossiers N  dossiers sent by the dvc-sync binary to dvc-sandbox --latency 50 with
                   --concurrency 8 (default 20,000; 200 more one by one, the reference system's way)
      --sync-tool-large N  dossiers of a dvc-sync run measured for peak memory (default 1,000,000; 0 skips)
      --report-dossiers N  dossiers of the file dvc-report and dvc-validate read (default 1,000,000);
                   --only report also builds reports over 1,000,000 decoded dossiers in process
      --write-batch FILE  only write the --batch-dossiers file (a DongBoHoSoMC envelope) to FILE and
                   exit: for timing or profiling dvc-validate --dossiers by hand
      --codec-rounds N  only encode and decode 1,000 dossiers N times with --codec fast|foundation
                   (default fast), untimed, and exit: for instruction counts under valgrind
      --rounds N   only call isValid N times over every input, untimed, and exit: run it under
                   valgrind with two values of N; equal allocation counts prove isValid never
                   allocates (Documentation/Performance.md)
    """)
    exit(0)
}
let quick = arguments.has("--quick")
let secondsPerMeasurement = Double(arguments[option: "--seconds"] ?? "") ?? (quick ? 0.05 : 1.0)
let pipelineLines = Int(arguments[option: "--lines"] ?? "") ?? (quick ? 20_000 : 1_000_000)

// MARK: - Inputs

/// Deterministic inputs per kind: mostly valid, one in eight broken, as in real batches.
func inputs(for kind: CodeKind, count: Int) -> [String] {
    var rng = SplitMix64(seed: 0x5EED)
    let wards = AdministrativeUnits.wards(in: .reform2025).map(\.code.rawValue)
    let provinces = AdministrativeUnits.provinces(in: .legacy).map(\.code.rawValue)
    func pad(_ value: UInt64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    return (0..<count).map { i in
        let r = rng.next()
        let broken = i % 8 == 7
        switch kind {
        case .agencyCode:
            let letter = broken ? "h" : "H"
            return i % 2 == 0 ? "000.00.\(pad(r % 99 + 1, 2)).\(letter)\(pad(r % 63 + 1, 2))" : "\(letter)\(pad(r % 63 + 1, 2)).\(r % 900 + 100)"
        case .dossierCode:
            return "000.00.\(pad(r % 99 + 1, 2)).H\(pad(r % 63 + 1, 2))-2\(r % 6)\(pad(r % 12 + 1, 2))\(pad(r % 28 + (broken ? 40 : 1), 2))-\(pad(r % 9999 + 1, 4))"
        case .procedureCode:
            return i % 2 == 0 ? "\(r % 3 + 1).\(pad(r % 999_999, 6))" : "2.\(pad(r % 999_999, 6)).000.00.00.H\(pad(r % 63 + 1, 2))\(broken ? ".x" : ".02")"
        case .fieldCode:
            return "G\(pad(r % 22 + 1, 2))-\(broken ? "gd" : "GD")\(pad(r % 40, 2))"
        case .provinceCode:
            return broken ? "03" : provinces[Int(r % UInt64(provinces.count))]
        case .wardCode:
            return broken ? "99999" : wards[Int(r % UInt64(wards.count))]
        case .citizenID:
            // Born 1900–2019 (century digits 0–3 with a plausible year); broken: a 24th-century birth.
            let century = r % 4, year = century < 2 ? r % 100 : r % 20
            return "0\(provinces[Int(r % UInt64(provinces.count))])\(broken ? 9 : century)\(pad(year, 2))\(pad(r % 1_000_000, 6))"
        case .taxCode:
            var prefix = pad(r % 900_000_000 + 100_000_000, 9)
            if TaxCode.checkDigit(forPrefix: prefix) == nil { prefix = pad(r % 900_000_000 + 100_000_001, 9) }
            let check = TaxCode.checkDigit(forPrefix: prefix) ?? 0
            return prefix + String(broken ? (check + 1) % 10 : check)
        case .phoneNumber:
            return (broken ? "01" : ["091", "098", "035", "086", "070", "077", "056"][Int(r % 7)]) + pad(r % 10_000_000, 7)
        default:
            return ""
        }
    }
}

// MARK: - Measurements

/// Calls `body` over `values` repeatedly for about `seconds`; returns calls per second.
/// `body` is `@Sendable` so that it is not main-actor isolated: a closure formed in top-level
/// code is, and every call would then pay a dynamic executor check that the library never pays.
@inline(never)
func measure(_ values: [String], seconds: Double, _ body: @Sendable (String) -> Bool) -> (perSecond: Double, valid: Int) {
    let clock = ContinuousClock()
    var calls = 0, valid = 0
    let start = clock.now
    var elapsed = 0.0
    repeat {
        // Index the array rather than iterate it: iteration copies each String out, paying an
        // atomic retain/release per heap string that the validators themselves never pay.
        for i in values.indices where body(values[i]) { valid += 1 }
        calls += values.count
        elapsed = (clock.now - start).inSeconds
    } while elapsed < seconds
    return (Double(calls) / elapsed, valid)
}

struct ValidatorFigure: Codable {
    var perSecond: Int
    var parsePerSecond: Int
    var validShare: Double
    /// The fastest plain loop over the bytes with the same answers on these inputs, and isValid's
    /// share of its speed (tax code and citizen ID).
    var plainLoopPerSecond: Int?
    var ratioToPlainLoop: Double?
    /// python-stdnum's `vn.mst.is_valid` on the same inputs, and isValid's multiple of it (tax code).
    var pythonStdnumPerSecond: Int?
    var ratioToPythonStdnum: Double?
}

if let path = arguments[option: "--write-batch"] {
    let count = Int(arguments[option: "--batch-dossiers"] ?? "") ?? 1_000_000
    do { try DossierBenchmark.writeBatch(count: count, to: URL(fileURLWithPath: path)) } catch {
        FileHandle.standardError.write(Data("dvc-bench: cannot write \(path): \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
if let rounds = arguments[option: "--codec-rounds"].flatMap(Int.init) {
    let codec = WireCodec(rawValue: arguments[option: "--codec"] ?? "fast") ?? .fast
    let values = DossierBenchmark.dossiers(1_000)
    var bytes = 0
    for _ in 0..<rounds {
        guard let data = try? PortalJSON.encode(values, style: .canonical, codec: codec),
              let decoded = try? PortalJSON.decode([Dossier].self, from: data, codec: codec), decoded.count == values.count else { exit(1) }
        bytes += data.count
    }
    print("\(codec.rawValue): \(rounds) rounds of 1,000 dossiers, \(bytes) bytes encoded and decoded")
    exit(0)
}

if let rounds = arguments[option: "--rounds"].flatMap(Int.init) {
    var valid = 0
    let all = ValidateCommand.kinds.map { ($0, inputs(for: $0, count: 1_024)) }
    for _ in 0..<rounds {
        for (kind, values) in all {
            for value in values where isValidByKind(kind, value) { valid += 1 }
        }
    }
    print("\(valid) valid of \(rounds * all.count * 1_024) calls")
    exit(0)
}

/// `isValid` of the identifier named by `kind`.
func isValidByKind(_ kind: CodeKind, _ value: String) -> Bool {
    switch kind {
    case .agencyCode: AgencyCode.isValid(value)
    case .dossierCode: DossierCode.isValid(value) || DossierCode.isValid(value, strictness: .lenient)
    case .procedureCode: ProcedureCode.isValid(value)
    case .fieldCode: FieldCode.isValid(value)
    case .provinceCode: ProvinceCode.isValid(value)
    case .wardCode: WardCode.isValid(value)
    case .citizenID: CitizenID.isValid(value)
    case .taxCode: TaxCode.isValid(value)
    case .phoneNumber: PhoneNumber.isValid(value)
    case .districtCode: DistrictCode.isValid(value)
    case .legacyIDCard: LegacyIDCard.isValid(value)
    case .calendarDate: (try? CalendarDate(value)) != nil
    case .portalTimestamp: (try? PortalTimestamp(value)) != nil
    }
}

let only = arguments[option: "--only"].map { Set($0.split(separator: ",").map(String.init)) }
let kinds = ValidateCommand.kinds.filter { only?.contains($0.rawValue) ?? true }
var figures: [String: ValidatorFigure] = [:]
for kind in kinds {
    let values = inputs(for: kind, count: quick ? 4_096 : 65_536)
    let isValid: @Sendable (String) -> Bool
    let parse: @Sendable (String) -> Bool
    switch kind {
    case .agencyCode: isValid = { AgencyCode.isValid($0) }; parse = { (try? AgencyCode($0)) != nil }
    case .dossierCode: isValid = { DossierCode.isValid($0) }; parse = { (try? DossierCode($0)) != nil }
    case .procedureCode: isValid = { ProcedureCode.isValid($0) }; parse = { (try? ProcedureCode($0)) != nil }
    case .fieldCode: isValid = { FieldCode.isValid($0) }; parse = { (try? FieldCode($0)) != nil }
    case .provinceCode: isValid = { ProvinceCode.isValid($0) }; parse = { (try? ProvinceCode($0)) != nil }
    case .wardCode: isValid = { WardCode.isValid($0) }; parse = { (try? WardCode($0)) != nil }
    case .citizenID: isValid = { CitizenID.isValid($0) }; parse = { (try? CitizenID($0)) != nil }
    case .taxCode: isValid = { TaxCode.isValid($0) }; parse = { (try? TaxCode($0)) != nil }
    case .phoneNumber: isValid = { PhoneNumber.isValid($0) }; parse = { (try? PhoneNumber($0)) != nil }
    default: continue
    }
    let fast = measure(values, seconds: secondsPerMeasurement, isValid)
    let full = measure(values, seconds: secondsPerMeasurement / 2, parse)
    var figure = ValidatorFigure(
        perSecond: Int(fast.perSecond), parsePerSecond: Int(full.perSecond),
        validShare: Double(values.filter(isValid).count) / Double(values.count))
    let year = CalendarDate.today.year, provinces = ValidatorReferences.provinces
    let loop: (@Sendable (String) -> Bool)? = switch kind {
    case .taxCode: { ValidatorReferences.plainTaxCode($0) }
    case .citizenID: { ValidatorReferences.plainCitizenID($0, currentYear: year, provinces: provinces) }
    default: nil
    }
    if let loop {
        let reference = measure(values, seconds: secondsPerMeasurement, loop)
        // Only a loop with the same answer on every input is a reference.
        if values.allSatisfy({ loop($0) == isValid($0) }) {
            figure.plainLoopPerSecond = Int(reference.perSecond)
            figure.ratioToPlainLoop = (fast.perSecond / reference.perSecond * 100).rounded() / 100
        }
    }
    if kind == .taxCode, !quick, let python = ValidatorReferences.pythonStdnumTaxCode(values, seconds: secondsPerMeasurement),
       python.valid == values.filter(isValid).count {
        figure.pythonStdnumPerSecond = python.perSecond
        figure.ratioToPythonStdnum = (fast.perSecond / Double(python.perSecond)).rounded()
    }
    figures[kind.rawValue] = figure
}

// MARK: - The dvc-validate pipeline

struct PipelineFigure: Codable {
    var kind: String
    var lines: Int
    var seconds: Double
    var linesPerSecond: Int
    /// Peak resident memory of dvc-validate, when GNU time is there to measure it.
    var maxResidentKiB: Int?
}

/// Runs the real dvc-validate binary (built next to this one) over a generated file. The file
/// is written in blocks, so this process stays small. The child's peak memory comes from GNU
/// time (`/usr/bin/time -f %M`) when it is installed: `getrusage(RUSAGE_CHILDREN)` would count
/// the pages a forked child inherits from its parent, not what dvc-validate itself uses.
func measurePipeline(kind: CodeKind, lines: Int) -> PipelineFigure? {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let binary = directory.appendingPathComponent("dvc-validate")
    guard FileManager.default.isExecutableFile(atPath: binary.path) else { return nil }
    let temporary = FileManager.default.temporaryDirectory
    let file = temporary.appendingPathComponent("dvc-bench-\(getpid())-\(kind.rawValue).txt")
    let memoryReport = temporary.appendingPathComponent("dvc-bench-\(getpid())-\(kind.rawValue).rss")
    defer {
        try? FileManager.default.removeItem(at: file)
        try? FileManager.default.removeItem(at: memoryReport)
    }
    guard FileManager.default.createFile(atPath: file.path, contents: nil),
          let writer = FileHandle(forWritingAtPath: file.path) else { return nil }
    let sample = inputs(for: kind, count: 65_536)
    var block = ""
    for i in 0..<lines {
        block += sample[i % sample.count]
        block += "\n"
        if block.utf8.count > 1 << 20 || i == lines - 1 {
            writer.write(Data(block.utf8))
            block = ""
        }
    }
    try? writer.close()
    guard let input = FileHandle(forReadingAtPath: file.path), let devNull = FileHandle(forWritingAtPath: "/dev/null") else { return nil }
    let gnuTime = "/usr/bin/time"
    let hasGNUTime = FileManager.default.isExecutableFile(atPath: gnuTime)
    let process = Process()
    if hasGNUTime {
        process.executableURL = URL(fileURLWithPath: gnuTime)
        process.arguments = ["-f", "%M", "-o", memoryReport.path, binary.path, "--kind", kind.rawValue]
    } else {
        process.executableURL = binary
        process.arguments = ["--kind", kind.rawValue]
    }
    process.standardInput = input
    process.standardOutput = devNull
    let clock = ContinuousClock()
    let start = clock.now
    guard (try? process.run()) != nil else { return nil }
    process.waitUntilExit()
    let seconds = (clock.now - start).inSeconds
    let peak = hasGNUTime
        // GNU time puts "Command exited with non-zero status 1" first when a line is invalid.
        ? (try? String(contentsOf: memoryReport, encoding: .utf8))?.split(separator: "\n").last.flatMap { Int($0) }
        : nil
    return PipelineFigure(kind: kind.rawValue, lines: lines, seconds: (seconds * 1000).rounded() / 1000,
                          linesPerSecond: Int(Double(lines) / seconds), maxResidentKiB: peak)
}

let pipeline = arguments.has("--no-pipeline") ? [] : [CodeKind.taxCode, .dossierCode, .wardCode].filter { only?.contains($0.rawValue) ?? true }.compactMap { measurePipeline(kind: $0, lines: pipelineLines) }

// MARK: - Dossiers

let dossierCount = Int(arguments[option: "--dossiers"] ?? "") ?? (quick ? 2_000 : 100_000)
let dossierFigures = (only == nil || only?.contains("dossiers") == true) ? try? DossierBenchmark.run(count: dossierCount) : nil

/// `dvc-validate --dossiers` over a generated envelope file: dossiers per second and peak memory.
func measureDossierPipeline(count: Int) -> PipelineFigure? {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let binary = directory.appendingPathComponent("dvc-validate")
    guard FileManager.default.isExecutableFile(atPath: binary.path) else { return nil }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("dvc-bench-\(getpid())-batch.json")
    let memoryReport = FileManager.default.temporaryDirectory.appendingPathComponent("dvc-bench-\(getpid())-batch.rss")
    defer {
        try? FileManager.default.removeItem(at: file)
        try? FileManager.default.removeItem(at: memoryReport)
    }
    guard (try? DossierBenchmark.writeBatch(count: count, to: file)) != nil,
          let devNull = FileHandle(forWritingAtPath: "/dev/null") else { return nil }
    let gnuTime = "/usr/bin/time", hasGNUTime = FileManager.default.isExecutableFile(atPath: gnuTime)
    let process = Process()
    process.executableURL = hasGNUTime ? URL(fileURLWithPath: gnuTime) : binary
    process.arguments = (hasGNUTime ? ["-f", "%M", "-o", memoryReport.path, binary.path] : []) + ["--dossiers", file.path, "--json"]
    process.standardOutput = devNull
    let seconds = DossierBenchmark.seconds {
        guard (try? process.run()) != nil else { return }
        process.waitUntilExit()
    }
    let peak = hasGNUTime ? (try? String(contentsOf: memoryReport, encoding: .utf8))?.split(separator: "\n").last.flatMap { Int($0) } : nil
    return PipelineFigure(kind: "dossiers", lines: count, seconds: (seconds * 1000).rounded() / 1000,
                          linesPerSecond: Int(Double(count) / seconds), maxResidentKiB: peak)
}

let batchCount = Int(arguments[option: "--batch-dossiers"] ?? "") ?? (quick ? 2_000 : 1_000_000)
let dossierPipeline = arguments.has("--no-pipeline") || !(only == nil || only?.contains("dossiers") == true) ? nil : measureDossierPipeline(count: batchCount)

// MARK: - Sandbox

let sandboxRequests = Int(arguments[option: "--sandbox-requests"] ?? "") ?? (quick ? 320 : 10_000)
let sandboxFigures = (only == nil || only?.contains("sandbox") == true) && !arguments.has("--no-pipeline")
    ? await SandboxBenchmark.run(requests: sandboxRequests, clients: 16) : nil

// MARK: - Sync engine

let syncCount = Int(arguments[option: "--sync-dossiers"] ?? "") ?? (quick ? 200 : 5_000)
var syncFigures: SyncFigures?
if only == nil || only?.contains("sync") == true {
    do { syncFigures = try await SyncBenchmark.run(count: syncCount) } catch {
        FileHandle.standardError.write(Data("dvc-bench: the sync benchmark failed: \(error)\n".utf8))
    }
}

// MARK: - dvc-sync against dvc-sandbox

let syncToolCount = Int(arguments[option: "--sync-tool-dossiers"] ?? "") ?? (quick ? 500 : 20_000)
let syncToolLarge = Int(arguments[option: "--sync-tool-large"] ?? "") ?? (quick ? 0 : 1_000_000)
let syncToolFigures = (only == nil || only?.contains("sync-tool") == true) && !arguments.has("--no-pipeline")
    ? SyncToolBenchmark.run(dossiers: syncToolCount, oneByOneDossiers: quick ? 20 : 200, largeDossiers: syncToolLarge) : nil

let reportFigures = (only == nil || only?.contains("report") == true) && !arguments.has("--no-pipeline")
    ? ReportBenchmark.run(inProcess: quick ? 20_000 : 1_000_000, file: Int(arguments[option: "--report-dossiers"] ?? "") ?? (quick ? 2_000 : 1_000_000)) : nil

// MARK: - Report

struct Report: Codable {
    var validators: [String: ValidatorFigure]
    var pipeline: [String: PipelineFigure]
    var dossiers: DossierBenchFigures?
    var sandbox: SandboxFigures?
    var sync: SyncFigures?
    var syncTool: SyncToolFigures?
    var report: ReportFigures?
}

if arguments.has("--json") {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    let report = Report(validators: figures, pipeline: Dictionary(uniqueKeysWithValues: (pipeline + [dossierPipeline].compactMap { $0 }).map { ($0.kind, $0) }),
                        dossiers: dossierFigures, sandbox: sandboxFigures, sync: syncFigures, syncTool: syncToolFigures, report: reportFigures)
    if let data = try? encoder.encode(report) { print(String(decoding: data, as: UTF8.self)) }
} else {
    func column(_ text: String, _ width: Int) -> String { text.count >= width ? text : String(repeating: " ", count: width - text.count) + text }
    if !figures.isEmpty { print("validator           isValid/s        init/s   valid share    plain loop/s   python-stdnum/s") }
    for kind in kinds {
        guard let figure = figures[kind.rawValue] else { continue }
        print(kind.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)
              + column(figure.perSecond.formatted(), 14) + column(figure.parsePerSecond.formatted(), 14)
              + column(String(format: "%.3f", figure.validShare), 14)
              + column(figure.plainLoopPerSecond.map { "\($0.formatted()) (\(figure.ratioToPlainLoop ?? 0)×)" } ?? "", 24)
              + column(figure.pythonStdnumPerSecond.map { "\($0.formatted()) (\(Int(figure.ratioToPythonStdnum ?? 0))×)" } ?? "", 20))
    }
    if !pipeline.isEmpty || dossierPipeline != nil { print("\ndvc-validate pipeline   lines      seconds      lines/s   max RSS (KiB)") }
    for figure in pipeline {
        print(figure.kind.padding(toLength: 16, withPad: " ", startingAt: 0) + column(figure.lines.formatted(), 14)
              + column(String(format: "%.3f", figure.seconds), 13) + column(figure.linesPerSecond.formatted(), 13)
              + column(figure.maxResidentKiB.map { $0.formatted() } ?? "n/a", 16))
    }
    for figure in [dossierPipeline].compactMap({ $0 }) {
        print("dossier batch " + column(figure.lines.formatted(), 17) + column(String(format: "%.3f", figure.seconds), 13)
              + column(figure.linesPerSecond.formatted(), 13) + column(figure.maxResidentKiB.map { $0.formatted() } ?? "n/a", 16) + "   (dossiers/s)")
    }
    if let d = dossierFigures {
        print("\n\(d.count.formatted()) dossiers, \(d.megabytes) MB     dossiers/s      MB/s")
        for (name, figure) in [("DVCKit", d.dvckit), ("Foundation, same values", d.foundation), ("Foundation, plain struct", d.foundationPlainStruct)] {
            print(name.padding(toLength: 25, withPad: " ", startingAt: 0) + " encode" + column(figure.encodePerSecond.formatted(), 14) + column(String(figure.encodeMBps), 10))
            print(String(repeating: " ", count: 25) + " decode" + column(figure.decodePerSecond.formatted(), 14) + column(String(figure.decodeMBps), 10))
        }
        print("DVCKit ÷ Foundation on the same values: encode \(d.encodeRatio)×, decode \(d.decodeRatio)×; ÷ plain struct: \(d.encodeRatioToPlainStruct)×, \(d.decodeRatioToPlainStruct)×")
        print("DVCKit batch validation" + column(d.batchValidationPerSecond.formatted(), 14) + " (one thread), "
              + d.batchValidationPerSecondAllCores.formatted() + " (\(d.threads) threads)")
    }
    if let s = sandboxFigures {
        print("\ndvc-sandbox: started in \(s.startSeconds) s; \(s.requests.formatted()) requests from \(s.clients) clients in \(s.seconds) s"
              + " (\(s.requestsPerSecond.formatted())/s), \(s.failures) failed")
    }
    if let s = syncFigures {
        print("\nSyncEngine, \(s.dossiers.formatted()) dossiers with one progress entry each, in-process sandbox:")
        print("  enqueue (validate + fsync'd append)   \(s.enqueuePerSecond.formatted())/s")
        print("  16 concurrent single enqueues         \(s.concurrentEnqueuePerSecond.formatted())/s (group commit)")
        print("  enqueue(contentsOf:), 1,000 a write   \(s.backlogEnqueuePerSecond.formatted())/s")
        print("  sync, no faults                       \(s.syncPerSecond.formatted())/s in \(s.syncCalls) calls")
        print("  sync, error=0.3,drop=0.05             \(s.faultySyncPerSecond.formatted())/s over \(s.faultyRounds) rounds, \(s.faultyTransientFailures) transient batch failures")
        print("  journal \(s.journalBytes.formatted()) bytes, reopened in \(s.reopenSeconds) s; lost: \(s.lost)")
    }
    if let s = syncToolFigures {
        print("\ndvc-sync → dvc-sandbox          dossiers  batch  in flight  latency   load s   sync s   acknowledged/s   max RSS (KiB)")
        for (name, run) in [("batched", s.batched), ("one by one (reference)", s.oneByOne), ("large file", s.large)] {
            guard let run else { continue }
            print(name.padding(toLength: 30, withPad: " ", startingAt: 0) + column(run.dossiers.formatted(), 10) + column(String(run.batch), 7)
                  + column(String(run.concurrency), 11) + column("\(run.latencyMilliseconds) ms", 9) + column(String(run.loadSeconds), 9)
                  + column(String(run.syncSeconds), 9) + column(run.acknowledgedPerSecond.formatted(), 17)
                  + column(run.maxResidentKiB.map { $0.formatted() } ?? "n/a", 16) + (run.exitStatus == 0 ? "" : "   exit \(run.exitStatus)"))
        }
        if let ratio = s.ratio { print("batched sends \(ratio)× as many dossiers per second as one by one") }
    }
    if let r = reportFigures { ReportBenchmark.print(r) }
    if pipeline.isEmpty && !arguments.has("--no-pipeline") && (only == nil || !(only ?? []).isDisjoint(with: ["tax-code", "dossier-code", "ward-code"])) { print("(dvc-validate was not found next to dvc-bench; build it first: swift build -c release)") }
}
