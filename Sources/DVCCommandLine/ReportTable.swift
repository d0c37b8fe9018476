import DVCKit

/// `dvc-report`'s text output: aligned tables with a totals row.
enum ReportTable {
    static func text(_ report: DossierReport, index: ServiceIndex, invalid: Int) -> String {
        let header = [report.grouping.rawValue, "name", "dossiers", "online %", "on time %", "in time %", "overdue", "fully online %"]
        func row(_ key: String, _ name: String?, _ figures: DossierFigures) -> [String] {
            [key, String((name ?? "").prefix(32)), Ratio.grouped(figures.dossiers), figures.online.percent, figures.resolvedOnTime.percent,
             figures.handledInTime.percent, Ratio.grouped(figures[.overdue]), figures.fullyOnlineShare.percent]
        }
        var rows = [header]
        rows += report.groups.map { row($0.key, $0.name, $0.figures) }
        rows.append(row("total", nil, report.total))
        var out = table(rows, numericFrom: 2)
        let period = [report.from.map { "from \($0)" }, report.to.map { "to \($0)" }].compactMap { $0 }.joined(separator: " ")
        out += "\n" + (period.isEmpty ? "" : "received \(period); ") + "judged at \(report.asOf)"
        if report.outsidePeriod > 0 { out += "; \(Ratio.grouped(report.outsidePeriod)) outside the period not counted" }
        if invalid > 0 { out += "; \(Ratio.grouped(invalid)) invalid dossier(s) left out (listed on standard error)" }
        out += "\n"
        out += "procedures with online dossiers: \(report.proceduresWithOnlineDossiers)\n"
        let qualifying = report.levelUpgrades.filter(\.qualifies).count
        out += "level-4 upgrade (≥ 30 % received and resolved online): \(qualifying) of \(report.levelUpgrades.count) procedure(s) qualify\n"
        out += "\nDecision 766 indicators from the dossiers (the others need data dossiers do not carry)\n"
        var indexRows = [["indicator", "ratio", "points", "of"]]
        for score in index.scores where score.points != nil || score.ratio != nil {
            indexRows.append([score.indicator.rawValue, score.ratio?.description ?? "-", score.points.map(format) ?? "not computed",
                              format(score.indicator.maximum)])
        }
        out += table(indexRows, numericFrom: 2)
        out += "\(format(index.points)) of the \(format(index.computedMaximum)) points computed (index maximum 100)\n"
        return out
    }

    /// The satisfaction summaries (`DongBoDanhGia`) as a table.
    static func satisfaction(_ summaries: [SatisfactionSummary]) -> String {
        var rows = [["unit", "month", "question", "respondents", "very satisfied %", "satisfied %", "not satisfied %"]]
        for s in summaries {
            rows.append([s.unitCode, "\(s.year)-\(s.month < 10 ? "0" : "")\(s.month)", String(s.question.prefix(40)), Ratio.grouped(s.respondents),
                         String(s.verySatisfiedPercent), String(s.satisfiedPercent), String(s.notSatisfiedPercent)])
        }
        return "\nSatisfaction (DongBoDanhGia)\n" + (summaries.isEmpty ? "no ratings in the period\n" : table(rows, numericFrom: 3))
    }

    static func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded(.toNearestOrAwayFromZero))
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    /// Columns padded to their widest cell; columns from `numericFrom` on are right-aligned.
    static func table(_ rows: [[String]], numericFrom: Int) -> String {
        guard let columns = rows.map(\.count).max() else { return "" }
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column >= numericFrom ? pad + cell : cell + pad
            }.joined(separator: "  ").trailingSpacesTrimmed
        }.joined(separator: "\n") + "\n"
    }
}

extension String {
    var trailingSpacesTrimmed: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
