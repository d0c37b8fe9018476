import DVCKit

/// `dvc-report --html`: one self-contained page (no scripts, fonts or images from elsewhere) with
/// inline SVG charts — status mix, online share by procedure, on-time trend by month, the
/// Decision 766 index by group — and the group table; readable on a phone.
enum ReportHTML {
    static func page(_ report: DossierReport, index: ServiceIndex, invalid: Int, satisfaction: [SatisfactionSummary]? = nil) -> String {
        let total = report.total
        var body = "<header><h1>Báo cáo giải quyết hồ sơ</h1><p>\(escape(period(report)))</p></header>\n"
        body += "<section class=\"cards\">\n"
        body += card("Hồ sơ", Ratio.grouped(total.dossiers), invalid > 0 ? "\(Ratio.grouped(invalid)) không đọc được" : "dossiers")
        body += card("Tiếp nhận trực tuyến", percent(total.online), total.online.description)
        body += card("Giải quyết đúng hạn", percent(total.resolvedOnTime), total.resolvedOnTime.description)
        body += card("Đúng hạn và trong hạn (766, 2.1)", percent(total.handledInTime), total.handledInTime.description)
        body += card("TTHC có hồ sơ trực tuyến", percent(report.proceduresWithOnlineDossiers), report.proceduresWithOnlineDossiers.description)
        body += card("Chỉ số 766", ReportTable.format(index.points), "trên \(ReportTable.format(index.computedMaximum)) điểm đã tính")
        body += "</section>\n"

        let statuses = DossierStatus.allCases.compactMap { status -> Bar? in
            let count = total.byStatus[String(status.rawValue)] ?? 0
            guard count > 0 else { return nil }
            return Bar(label: "\(status.rawValue) · \(status.vietnameseName)", value: Double(count), maximum: Double(total.dossiers),
                       text: Ratio.grouped(count))
        }
        body += figure("Trạng thái hồ sơ", "Status mix", bars(statuses))

        let procedures = report.levelUpgrades.sorted { ($0.onlineReceived.denominator, $1.procedure) > ($1.onlineReceived.denominator, $0.procedure) }
            .prefix(15).map { upgrade in
                Bar(label: upgrade.procedure + (upgrade.name.map { " · " + $0 } ?? ""), value: upgrade.onlineReceived.fraction ?? 0, maximum: 1,
                    text: upgrade.onlineReceived.percent + " %")
            }
        body += figure("Tỷ lệ hồ sơ trực tuyến theo thủ tục", "Online share by procedure (the 15 with most dossiers; the line is the 30 % level-4 rule)",
                       bars(Array(procedures), marker: 0.30))

        let months = report.months.map { month in
            Column(label: month.key, value: month.figures.resolvedOnTime.fraction, text: month.figures.resolvedOnTime.percent)
        }
        body += figure("Tỷ lệ giải quyết đúng hạn theo tháng", "Resolved on time by month", columns(months))

        let groups = index.groups.map { group in
            Bar(label: group.group.name, value: group.points, maximum: group.maximum,
                text: group.computedMaximum > 0 ? "\(ReportTable.format(group.points)) / \(ReportTable.format(group.maximum))" : "chưa tính")
        }
        if let satisfaction {
            let rows = satisfaction.prefix(15).map { s in
                Bar(label: "\(s.unitCode) · \(s.month)/\(s.year)", value: Double(s.verySatisfiedPercent + s.satisfiedPercent), maximum: 100,
                    text: "\(s.verySatisfiedPercent + s.satisfiedPercent) % · \(Ratio.grouped(s.respondents))")
            }
            body += figure("Mức độ hài lòng", "Very satisfied or satisfied, by unit and month (DongBoDanhGia), with the respondents", bars(Array(rows)))
        }
        body += figure("Chỉ số 766 theo nhóm", "Decision 766 index by group (points of the computed indicators, of the group's maximum)", bars(groups))
        body += table(report)
        return """
        <!doctype html>
        <html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Báo cáo giải quyết hồ sơ</title><style>\(style)</style></head>
        <body>
        \(body)<footer>DVCKit dvc-report · tỷ lệ làm tròn hai chữ số thập phân (half up)</footer>
        </body></html>

        """
    }

    struct Bar { let label: String, value: Double, maximum: Double, text: String }
    struct Column { let label: String, value: Double?, text: String }

    /// Horizontal bars, one row each (its label above it, so the chart stays legible at a
    /// phone's width); `marker` draws a vertical line at that share.
    static func bars(_ bars: [Bar], marker: Double? = nil) -> String {
        guard !bars.isEmpty else { return "<p class=\"empty\">Không có dữ liệu</p>" }
        let row = 46, barWidth = 290, width = barWidth + 130
        var svg = "<svg viewBox=\"0 0 \(width) \(bars.count * row + 4)\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">"
        for (i, bar) in bars.enumerated() {
            let y = i * row
            let share = bar.maximum > 0 ? min(max(bar.value / bar.maximum, 0), 1) : 0
            svg += "<text x=\"0\" y=\"\(y + 15)\" class=\"label\">\(escape(String(bar.label.prefix(48))))</text>"
            svg += "<rect x=\"0\" y=\"\(y + 22)\" width=\"\(barWidth)\" height=\"16\" class=\"track\"/>"
            svg += "<rect x=\"0\" y=\"\(y + 22)\" width=\"\(Int((share * Double(barWidth)).rounded()))\" height=\"16\" class=\"bar\"/>"
            svg += "<text x=\"\(barWidth + 8)\" y=\"\(y + 35)\" class=\"value\">\(escape(bar.text))</text>"
        }
        if let marker {
            let x = Int(marker * Double(barWidth))
            svg += "<line x1=\"\(x)\" y1=\"18\" x2=\"\(x)\" y2=\"\(bars.count * row + 2)\" class=\"marker\"/>"
        }
        return svg + "</svg>"
    }

    /// Vertical columns of shares (0…1), one per label; a column without a value is left empty.
    static func columns(_ columns: [Column]) -> String {
        guard !columns.isEmpty else { return "<p class=\"empty\">Không có dữ liệu</p>" }
        let step = 64, height = 160, width = max(columns.count * step, 400)
        var svg = "<svg viewBox=\"0 0 \(width) \(height + 40)\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<line x1=\"0\" y1=\"\(height)\" x2=\"\(width)\" y2=\"\(height)\" class=\"axis\"/>"
        for (i, column) in columns.enumerated() {
            let x = i * step + 12
            if let value = column.value {
                let h = Int((min(max(value, 0), 1) * Double(height - 20)).rounded())
                svg += "<rect x=\"\(x)\" y=\"\(height - h)\" width=\"40\" height=\"\(h)\" class=\"bar\"/>"
                svg += "<text x=\"\(x + 20)\" y=\"\(height - h - 4)\" class=\"value\" text-anchor=\"middle\">\(escape(column.text))</text>"
            }
            svg += "<text x=\"\(x + 20)\" y=\"\(height + 18)\" class=\"label\" text-anchor=\"middle\">\(escape(column.label))</text>"
        }
        return svg + "</svg>"
    }

    static func table(_ report: DossierReport) -> String {
        var html = "<section><h2>Theo \(escape(groupName(report.grouping)))</h2><div class=\"scroll\"><table><thead><tr>"
        for heading in ["Mã", "Tên", "Hồ sơ", "Trực tuyến %", "Đúng hạn %", "Trong hạn %", "Quá hạn", "Toàn trình %"] {
            html += "<th>\(heading)</th>"
        }
        html += "</tr></thead><tbody>"
        func row(_ key: String, _ name: String?, _ f: DossierFigures, total: Bool = false) -> String {
            let cells = [Ratio.grouped(f.dossiers), f.online.percent, f.resolvedOnTime.percent, f.handledInTime.percent, Ratio.grouped(f[.overdue]),
                         f.fullyOnlineShare.percent]
            return "<tr\(total ? " class=\"total\"" : "")><td>\(escape(key))</td><td>\(escape(name ?? ""))</td>"
                + cells.map { "<td class=\"n\">\(escape($0))</td>" }.joined() + "</tr>"
        }
        html += report.groups.map { row($0.key, $0.name, $0.figures) }.joined()
        html += row("Tổng", nil, report.total, total: true)
        return html + "</tbody></table></div></section>\n"
    }

    static func figure(_ title: String, _ caption: String, _ chart: String) -> String {
        "<section><h2>\(escape(title))</h2><p class=\"caption\">\(escape(caption))</p><div class=\"chart\">\(chart)</div></section>\n"
    }

    static func card(_ title: String, _ value: String, _ detail: String) -> String {
        "<div class=\"card\"><div class=\"title\">\(escape(title))</div><div class=\"big\">\(escape(value))</div><div class=\"detail\">\(escape(detail))</div></div>\n"
    }

    static func percent(_ ratio: Ratio) -> String { ratio.denominator > 0 ? ratio.percent + " %" : "–" }

    static func period(_ report: DossierReport) -> String {
        var parts: [String] = []
        if let from = report.from { parts.append("từ \(from)") }
        if let to = report.to { parts.append("đến \(to)") }
        let at = report.asOf
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let moment = "\(two(at.hour)):\(two(at.minute)) \(two(at.date.day))/\(two(at.date.month))/\(at.date.year)"
        return (parts.isEmpty ? "Mọi hồ sơ" : "Tiếp nhận " + parts.joined(separator: " ")) + " · tính đến \(moment) (giờ Việt Nam)"
    }

    static func groupName(_ grouping: DossierReport.Grouping) -> String {
        switch grouping {
        case .agency: "cơ quan"
        case .procedure: "thủ tục"
        case .field: "lĩnh vực"
        case .month: "tháng"
        case .quarter: "quý"
        case .year: "năm"
        }
    }

    /// Text safe inside HTML and SVG elements and attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static let style = """
    body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:960px;padding:16px;color:#1d2733;background:#f6f8fa}
    h1{font-size:1.5rem;margin:0 0 4px}h2{font-size:1.1rem;margin:24px 0 4px}.caption,.detail,footer{color:#5b6672;font-size:.85rem}
    .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-top:16px}
    .card{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:12px}.title{font-size:.8rem;color:#5b6672}.big{font-size:1.6rem;font-weight:600}
    .chart{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:12px}svg{width:100%;height:auto;display:block}
    .label{font-size:14px;fill:#1d2733}.value{font-size:14px;fill:#1d2733;font-weight:600}.track{fill:#eef1f4}.bar{fill:#c8102e}
    .marker{stroke:#1d2733;stroke-width:2;stroke-dasharray:4 3}.axis{stroke:#8c959f}
    .scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;background:#fff;font-size:.9rem}
    th,td{border-bottom:1px solid #d8dee4;padding:6px 8px;text-align:left;white-space:nowrap}td.n{text-align:right;font-variant-numeric:tabular-nums}
    tr.total td{font-weight:600}footer{margin-top:24px}
    """
}
