import DVCCommandLine
import DVCCore
import Foundation
import Testing

@Suite("dvc-validate --dossiers")
struct DossierReportCommandTests {
    private func run(_ words: [String], _ input: String) -> (status: Int32, out: String, err: String) {
        var out = MemoryOutput(), err = MemoryOutput()
        let status = ValidateCommand.run(words, input: MemoryInput(input), output: &out, errors: &err)
        return (status, out.text, err.text)
    }

    static let good = #"{"MaHoSo":"000.00.14.H20-250703-0002","MaTTHC":"1.001193","TenTTHC":"Khai sinh","MaLinhVuc":"G15-HT01","TenLinhVuc":"Hộ tịch","LoaiDoiTuong":"1","TrichYeuHoSo":"Khai sinh","NgayTiepNhan":"20250703083000","NgayHenTra":"20250710170000","TrangThaiHoSo":"2","HinhThuc":"0","DonViXuLy":"UBND xã"}"#
    static var bad: String { good.replacingOccurrences(of: "\"1.001193\"", with: "\"1.1193\"") }

    @Test func validEnvelopeExitsZeroWithATable() {
        let result = run(["--dossiers", "-"], #"{"madonvi":"000.00.00.H20","data":[\#(Self.good),\#(Self.good)]}"#)
        #expect(result.status == 0)
        #expect(result.out == "dossiers 2   valid 2   invalid 0\nno issues\n")
        #expect(result.err.isEmpty)
    }

    @Test func jsonReportHasTheDocumentedShape() throws {
        let result = run(["--dossiers=-", "--json"], "[\(Self.good),\(Self.bad),\(Self.bad)]")
        #expect(result.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        #expect(json["total"] as? Int == 3)
        #expect(json["valid"] as? Int == 1)
        #expect((json["byRule"] as? [String: Int]) == ["procedure-code.malformed": 2])
        let issues = try #require(json["issues"] as? [[String: Any]])
        #expect(issues.map { $0["index"] as? Int } == [1, 2])
        #expect(issues.first?["path"] as? String == "[1].MaTTHC")
        #expect(issues.first?["rule"] as? String == "procedure-code.malformed")
    }

    @Test func maxIssuesAndUnitOptions() throws {
        let batch = "[\(Self.bad),\(Self.bad),\(Self.bad)]"
        let capped = run(["--dossiers", "-", "--json", "--max-issues", "1"], batch)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(capped.out.utf8)) as? [String: Any])
        #expect((json["issues"] as? [Any])?.count == 1)
        #expect((json["byRule"] as? [String: Int])?["procedure-code.malformed"] == 3)
        let threaded = run(["--dossiers", "-", "--json", "--max-issues", "1", "--threads", "3"], batch)
        #expect(threaded.out == capped.out)
        let outside = run(["--dossiers", "-", "--unit", "H21"], "[\(Self.good)]")
        #expect(outside.status == 1)
        #expect(outside.out.contains("receiving-agency.outside-unit"))
    }

    @Test func strictModeRejectsNonCanonicalPayloads() {
        let numeric = Self.good.replacingOccurrences(of: "\"TrangThaiHoSo\":\"2\"", with: "\"TrangThaiHoSo\":2")
        #expect(run(["--dossiers", "-"], "[\(numeric)]").status == 0)
        let strict = run(["--dossiers", "-", "--strict"], "[\(numeric)]")
        #expect(strict.status == 1)
        // Strictly, the variant is an error under its own rule.
        #expect(strict.out.contains("wire.number-for-text"))
    }

    @Test func readsFiles() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dvc-report-\(UUID().uuidString).json")
        try Data("[\(Self.good)]".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(run(["--dossiers", url.path], "").status == 0)
        let missing = run(["--dossiers", url.path + ".missing"], "")
        #expect(missing.status == 2)
        #expect(missing.err.contains("cannot read"))
    }

    @Test(arguments: [
        (["--dossiers", "-"], "[1", "not a dossier batch"),
        (["--dossiers", "-", "--max-issues", "x"], "[]", "--max-issues"),
        (["--dossiers", "-", "--unit", "h20"], "[]", "--unit h20"),
        (["--dossiers", "-", "extra"], "[]", "unexpected argument"),
        (["--dossiers", "-", "--threads", "0"], "[]", "--threads"),
        (["--dossiers", "-", "--threads", "many"], "[]", "--threads"),
    ])
    func errorsExitWithTwo(_ words: [String], _ input: String, _ message: String) {
        let result = run(words, input)
        #expect(result.status == 2)
        #expect(result.err.contains(message))
    }
}

extension DossierReportCommandTests {
    @Test func aMappingFileTurnsLocalCodesIntoNationalOnes() throws {
        let local = Self.good.replacingOccurrences(of: "\"1.001193\"", with: "\"TS_lop1.000.00.00.H22\"")
            .replacingOccurrences(of: "\"TrangThaiHoSo\":\"2\"", with: "\"TrangThaiHoSo\":\"receiving\"")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mapping-\(UUID().uuidString).csv")
        try Data("procedure,TS_lop1.000.00.00.H22,1.001193\nstatus,receiving,2\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(run(["--dossiers", "-"], "[\(local)]").status == 1)
        let mapped = run(["--dossiers", "-", "--mapping", file.path], "[\(local)]")
        #expect(mapped.status == 0, "\(mapped.out)")
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("mapping-\(UUID().uuidString).csv")
        try Data("status,receiving,12\n".utf8).write(to: broken)
        defer { try? FileManager.default.removeItem(at: broken) }
        let refused = run(["--dossiers", "-", "--mapping", broken.path], "[\(local)]")
        #expect(refused.status == 2 && refused.err.contains("mapping status line 1: \"12\" is not a status"), "\(refused.err)")
    }
}
