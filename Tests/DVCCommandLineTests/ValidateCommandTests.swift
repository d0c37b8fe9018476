import DVCCommandLine
import DVCCore
import Foundation
import Testing

@Suite("dvc-validate")
struct ValidateCommandTests {
    let today = CalendarDate(year: 2026, month: 11, day: 22) ?? .today

    private func run(_ words: [String], _ input: String) -> (status: Int32, out: String, err: String) {
        var out = MemoryOutput(), err = MemoryOutput()
        let status = ValidateCommand.run(words, input: MemoryInput(input), output: &out, errors: &err, today: today)
        return (status, out.text, err.text)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let kind: String, input: String, expected: String
        var extra: [String] = []
        var testDescription: String { "\(kind) \(input)" }
    }

    static let cases: [Case] = [
        Case(kind: "agency-code", input: "000.00.14.H20", expected: "000.00.14.H20\tok\t000.00.14.H20\tform=QCVN 102:2016 level=2 level-one=H20 parent=000.00.00.H20"),
        Case(kind: "agency-code", input: "000.701.18.G12", expected: "000.701.18.G12\tok\t000.701.18.G12\tform=QCVN 102:2016 level=3 level-one=G12 parent=000.000.18.G12 variant=deployed"),
        Case(kind: "agency-code", input: "H55.242", expected: "H55.242\tok\tH55.242\tform=Decision 20/2020 level=2 level-one=H55 parent=H55"),
        Case(kind: "agency-code", input: "000.00.14.h20", expected: "000.00.14.h20\terror\tlevel-one-letter\tagency code: the level-1 agency code starts with an upper-case letter A-Y (offset 10)"),
        Case(kind: "dossier-code", input: "000.00.14.H20-200703-0002", expected: "000.00.14.H20-200703-0002\tok\t000.00.14.H20-200703-0002\tform=circular-01-2018 agency=000.00.14.H20 date=2020-07-03 sequence=0002"),
        Case(kind: "dossier-code", input: "G09.20-260125-010007", expected: "G09.20-260125-010007\tok\tG09.20-260125-010007\tform=circular-04-2025-centralised agency=G09.20 date=2026-01-25 sequence=0007 system-owner=01"),
        Case(kind: "dossier-code", input: "38.98.H29-210519-0013", expected: "38.98.H29-210519-0013\terror\tgroup-length\tdossier code: a dot-separated group has the wrong width (offset 2)"),
        Case(kind: "dossier-code", input: "38.98.H29-210519-0013", expected: "38.98.H29-210519-0013\tok\t38.98.H29-210519-0013\tform=lenient agency=38.98.H29 date=2021-05-19 sequence=0013", extra: ["--lenient"]),
        Case(kind: "dossier-code", input: "G09.20-20260609-0092637", expected: "G09.20-20260609-0092637\tok\tG09.20-20260609-0092637\tform=lenient agency=G09.20 date=2026-06-09 sequence=0092637", extra: ["--lenient"]),
        Case(kind: "dossier-code", input: "G09.20-20260609-0092637", expected: "G09.20-20260609-0092637\terror\tinvalid-date\tdossier code: the date part is not a real calendar date (YYMMDD) (offset 9)"),
        Case(kind: "procedure-code", input: "2.000815.000.00.00.H55.02", expected: "2.000815.000.00.00.H55.02\tok\t2.000815.000.00.00.H55.02\tnational=2.000815 agency=000.00.00.H55 variant=02"),
        Case(kind: "field-code", input: "G03-GD06", expected: "G03-GD06\tok\tG03-GD06\towner=G03 local=GD06"),
        Case(kind: "province-code", input: "79", expected: "79\tok\t79\tThành phố Hồ Chí Minh"),
        Case(kind: "province-code", input: "02", expected: "02\terror\tnot-in-force\tprovince code: the unit is not in force on that date (offset 0)"),
        Case(kind: "province-code", input: "02", expected: "02\tok\t02\tTỉnh Hà Giang", extra: ["--on", "2025-06-30"]),
        Case(kind: "ward-code", input: "00070", expected: "00070\tok\t00070\tPhường Hoàn Kiếm, Thành phố Hà Nội"),
        Case(kind: "ward-code", input: "00004", expected: "00004\tok\t00004\tPhường Trúc Bạch, Thành phố Hà Nội", extra: ["--on", "2024-12-31"]),
        Case(kind: "ward-code", input: "00001", expected: "00001\terror\tnot-in-force\tward code: the unit is not in force on that date (offset 0)"),
        Case(kind: "ward-code", input: "99999", expected: "99999\terror\tunknown-ward\tward code: unknown commune/ward code (offset 0)"),
        Case(kind: "citizen-id", input: "079203000001", expected: "079*******01\tok\t079*******01\tThành phố Hồ Chí Minh, male, 2003"),
        Case(kind: "citizen-id", input: "079203000001", expected: "079203000001\tok\t079203000001\tThành phố Hồ Chí Minh, male, 2003", extra: ["--show-personal-data"]),
        Case(kind: "citizen-id", input: "079227000001", expected: "079*******01\terror\tbirth-year-in-future\tcitizen ID: the birth year is after today (offset 3)"),
        Case(kind: "tax-code", input: "0312 68 78 78 - 001", expected: "0312 68 78 78 - 001\tok\t0312687878-001\tkind=branch head-office=0312687878 branch=001"),
        Case(kind: "tax-code", input: "001087012345", expected: "001*******45\tok\t001*******45\tkind=personal-id"),
        Case(kind: "tax-code", input: "0100233480", expected: "0100233480\terror\tcheck-digit\ttax code: check digit does not match (offset 9)"),
        Case(kind: "phone", input: "+84 912 345 678", expected: "+84 912 345 678\tok\t+84912345678\tmobile national=0912345678 carrier=VinaPhone"),
        Case(kind: "phone", input: "024 3825 1234", expected: "024 3825 1234\tok\t+842438251234\tlandline national=02438251234 area=024"),
    ]

    @Test(arguments: cases)
    func printsOneLinePerValue(_ row: Case) {
        let result = run(["--kind", row.kind] + row.extra, row.input + "\n")
        #expect(result.out == row.expected + "\n")
        #expect(result.status == (row.expected.contains("\tok\t") ? 0 : 1))
        #expect(result.err.isEmpty)
    }

    @Test func exitStatusSummarizesTheStream() {
        #expect(run(["--kind", "ward-code"], "00070\n00004\n").status == 0)
        #expect(run(["--kind", "ward-code"], "00070\nxx\n00004").status == 1)
        #expect(run(["--kind", "ward-code"], "").status == 0)
        let mixed = run(["--kind", "ward-code"], "00070\r\n\n00004")
        #expect(mixed.out.split(separator: "\n", omittingEmptySubsequences: false).count == 4)
        #expect(mixed.out.contains("\terror\tempty\t"))
    }

    @Test(arguments: [
        ([String](), "--kind is required"),
        (["--kind", "nope"], "unknown kind nope"),
        (["--kind", "ward-code", "--on", "2025-02-30"], "--on 2025-02-30"),
        (["--kind", "ward-code", "extra"], "unexpected argument extra"),
        (["--bogus"], "unknown option --bogus"),
    ])
    func usageErrorsExitWithTwo(_ words: [String], _ message: String) {
        let result = run(words, "00070\n")
        #expect(result.status == 2)
        #expect(result.out.isEmpty)
        #expect(result.err.contains(message))
        #expect(result.err.contains("--help"))
    }

    @Test func helpListsEveryKind() {
        let result = run(["--help"], "")
        #expect(result.status == 0)
        for kind in ValidateCommand.kinds { #expect(result.out.contains(kind.rawValue)) }
    }

    @Test func longLinesAreReportedNotFatal() {
        let result = run(["--kind", "tax-code"], String(repeating: "1", count: 10_000) + "\n0100233488\n")
        #expect(result.status == 1)
        let lines = result.out.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains("\terror\tlength\t"))
        #expect(lines[1].hasPrefix("0100233488\tok\t"))
    }

    /// The real executable, fed through a pipe: the same output as in process, for many lines.
    @Test func executableStreamsThroughPipes() async throws {
        let binary = try #require(Self.executable("dvc-validate"))
        let values = (0..<20_000).map { $0 % 2 == 0 ? "0100233488" : "0100233480" }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--kind", "tax-code"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let writer = Thread {
            input.fileHandleForWriting.write(Data((values.joined(separator: "\n") + "\n").utf8))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let reader = output.fileHandleForReading
        let data = try await offThePool { reader.readDataToEndOfFile() }
        let status = try await offThePool {
            process.waitUntilExit()
            return process.terminationStatus
        }
        #expect(status == 1)
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == values.count)
        #expect(lines.filter { $0.contains("\tok\t") }.count == 10_000)
        #expect(lines.last?.hasPrefix("0100233480\terror\tcheck-digit\t") == true)
    }

    /// Finds a built executable next to the test binary (SwiftPM puts both in one folder).
    static func executable(_ name: String) -> URL? {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }
}
