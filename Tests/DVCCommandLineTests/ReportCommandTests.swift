import DVCCommandLine
import DVCCore
import DVCTesting
import Foundation
import Testing

@Suite("dvc-report")
struct ReportCommandTests {
    /// Ten dossiers of two agencies, four received online; two returned on time.
    static func batch(in workspace: Workspace) throws -> String {
        var dossiers: [Dossier] = []
        for n in 1...10 {
            var dossier = try Fixtures.dossier(n, agency: n <= 6 ? "000.00.14.H20" : "000.00.15.H20", status: n <= 2 ? .returned : .received)
            dossier.channel = n % 3 == 0 || n == 1 ? .online : .direct
            dossiers.append(dossier)
        }
        return try workspace.write(dossiers, to: "batch.json")
    }

    @Test func printsAlignedTablesWithTotals() async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        let run = await Run.report(["--dossiers", try Self.batch(in: workspace), "--as-of", "20260331235959"])
        #expect(run.status == 0, "\(run.errors)")
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("agency") == true)
        #expect(lines.contains { $0.hasPrefix("000.00.14.H20") && $0.contains("UBND xã") })
        // total: 10 dossiers, 4 online (1, 3, 6, 9), 2 resolved on time, 8 overdue at the end of March.
        let total = try #require(lines.first { $0.hasPrefix("total") })
        #expect(total.split(separator: " ").map(String.init) == ["total", "10", "40.00", "100.00", "20.00", "8", "0.00"])
        // Columns line up: every row of the first table is as wide as its header up to "dossiers".
        let header = try #require(lines.first)
        let dossiersEnd = try #require(header.range(of: "dossiers")).upperBound.utf16Offset(in: header)
        #expect(lines[1...3].allSatisfy { $0.count >= dossiersEnd && $0[$0.index($0.startIndex, offsetBy: dossiersEnd - 1)].isNumber })
        #expect(run.output.contains("level-4 upgrade (≥ 30 % received and resolved online): 0 of 1 procedure(s) qualify"))
        #expect(run.output.contains("2.1        2/10 = 20.00 %"))
    }

    @Test func jsonCarriesEveryShareAndRecordsAreWritten() async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        let records = workspace.path("statistics.json")
        let run = await Run.report(["--dossiers", try Self.batch(in: workspace), "--json", "--by", "month", "--from", "2026-03-01", "--to", "2026-03-31",
                                    "--statistics-records", records])
        #expect(run.status == 0, "\(run.errors)")
        let report = try #require(run.json["report"] as? [String: Any])
        let shares = try #require(report["totalShares"] as? [String: [String: Any]])
        #expect(shares["online"]?["numerator"] as? Int == 4 && shares["online"]?["denominator"] as? Int == 10 && shares["online"]?["percent"] as? String == "40.00")
        #expect(report["asOf"] as? String == "20260331235959")   // a past period is judged at its end
        let statistics = try PortalJSON.decode([MonthlyStatistics].self, from: Data(contentsOf: URL(fileURLWithPath: records)), strictness: .strict)
        #expect(statistics.map(\.unitCode) == ["000.00.14.H20", "000.00.15.H20"])
        #expect(statistics.allSatisfy { $0.consistencyIssues().isEmpty && $0.month == 3 && $0.year == 2026 })
        #expect(statistics.map(\.received) == [6, 4] && statistics[0].resolvedOnTime == 2 && statistics[1].pendingOverdue == 4)
    }

    /// One self-contained page: four inline SVG charts, no script or outside resource, and every
    /// text from the data escaped. (Scripts/check-report-page.sh opens it in a real browser.)
    @Test func theHTMLPageIsSelfContainedAndEscaped() async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        var dossiers = Fixtures.provinceMonth(count: 300)
        dossiers[0].processingAgencyName = "<script>alert(1)</script> & \"quotes\""
        let file = try workspace.write(dossiers, to: "month.json")
        let page = workspace.path("report.html")
        let run = await Run.report(["--dossiers", file, "--as-of", "20260331235959", "--html", page])
        #expect(run.status == 0, "\(run.errors)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.hasPrefix("<!doctype html>") && html.contains(#"<meta name="viewport""#))
        #expect(html.components(separatedBy: "<svg").count - 1 == 4)
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href=") && !html.contains("@import"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"))
        #expect(html.contains("tính đến 23:59 31/03/2026"))
    }

    @Test func ratingsBecomeDongBoDanhGiaItems() async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        let ratings = workspace.path("ratings.json"), items = workspace.path("satisfaction.json")
        let json = """
        [{"unitCode":"000.00.14.H20","question":"Hài lòng?","ratedAt":"20260305101500","level":"very-satisfied"},
         {"unitCode":"000.00.14.H20","question":"Hài lòng?","ratedAt":"20260306101500","level":"not-satisfied"},
         {"unitCode":"000.00.14.H20","question":"Hài lòng?","ratedAt":"20260206101500","level":"satisfied"}]
        """
        try Data(json.utf8).write(to: URL(fileURLWithPath: ratings))
        let run = await Run.report(["--dossiers", try Self.batch(in: workspace), "--ratings", ratings, "--from", "2026-03-01", "--to", "2026-03-31",
                                    "--satisfaction-records", items])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("Satisfaction (DongBoDanhGia)") && run.output.contains("000.00.14.H20  2026-03  Hài lòng?"))
        let summaries = try PortalJSON.decode([SatisfactionSummary].self, from: Data(contentsOf: URL(fileURLWithPath: items)))
        #expect(summaries.count == 1 && summaries[0].respondents == 2 && summaries[0].verySatisfiedPercent == 50 && summaries[0].notSatisfiedPercent == 50)
        #expect(await Run.report(["--dossiers", "x.json", "--satisfaction-records", items]).status == 2)
        let page = workspace.path("report.html")
        #expect(await Run.report(["--dossiers", try Self.batch(in: workspace), "--ratings", ratings, "--html", page]).status == 0)
        #expect(try String(contentsOfFile: page, encoding: .utf8).contains("Mức độ hài lòng"))
    }

    /// Feedback records fill Decision 766 indicators 5.2 and 5.3.
    @Test func feedbackFillsTheFeedbackIndicators() async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        var handled = CitizenFeedback(id: "1", receivedAt: try PortalTimestamp("20260302080000"), content: "x")
        handled.dueAt = try PortalTimestamp("20260310170000")
        handled.resolvedAt = try PortalTimestamp("20260305100000")
        var late = handled
        late.id = "2"
        late.resolvedAt = try PortalTimestamp("20260312100000")
        let file = workspace.path("feedback.json")
        try JSONEncoder().encode([handled, late]).write(to: URL(fileURLWithPath: file))
        let run = await Run.report(["--dossiers", try Self.batch(in: workspace), "--feedback", file, "--as-of", "20260331235959"])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("5.2        1/2 = 50.00 %") && run.output.contains("5.3        1/2 = 50.00 %"))
    }

    @Test func invalidDossiersAreCountedAndListedNeverDropped() async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        let good = String(decoding: try PortalJSON.encode(try Fixtures.dossier(1)), as: UTF8.self)
        let file = workspace.path("mixed.json")
        try Data("[\(good), {\"MaHoSo\": \"x\"}]".utf8).write(to: URL(fileURLWithPath: file))
        let run = await Run.report(["--dossiers", file, "--json"])
        #expect(run.status == 1)
        #expect(run.json["invalid"] as? Int == 1)
        #expect(run.errors.contains("dossier 2 left out"))
    }

    @Test(arguments: [[], ["--dossiers", "x.json", "--by", "year"], ["--dossiers", "x.json", "--from", "2026-13-01"],
                      ["--dossiers", "x.json", "--from", "2026-03-02", "--to", "2026-03-01"], ["--dossiers", "/no/such/file.json"]])
    func usageAndInputErrorsExitTwo(_ words: [String]) async {
        let run = await Run.report(words)
        #expect(run.status == 2 && !run.errors.isEmpty)
    }
}
