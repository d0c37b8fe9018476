import DVCKit
import Foundation

/// `dvc-report`: the figures agencies are judged by, computed from their dossiers.
public enum ReportCommand: Sendable {
    /// The usage text.
    public static let help = """
    usage: dvc-report --dossiers FILE [--dossiers FILE…] [--procedures FILE] [--ratings FILE] [--feedback FILE] [--from YYYY-MM-DD --to YYYY-MM-DD]
                      [--by agency|procedure|field|month|quarter|year] [--as-of YYYYMMDDHHMMSS] [--json] [--html OUT.html]
                      [--statistics-records OUT.json] [--satisfaction-records OUT.json]

    Reads DongBoHoSoMC files (envelopes or bare arrays, streamed; - for standard input) and prints, per
    group and in total: dossiers, the share received online, resolved on time, handled in time
    (early, on time or still within time: Decision 766 indicator 2.1), overdue, processed fully online
    (Decree 307/2025); the procedures with online dossiers; the level-4 upgrade verdicts (≥ 30 %
    received and resolved online); and the Decision 766 indicators the dossiers can supply.

    Options:
      --by KEY                  group by agency (default), procedure, field, month, quarter or year
      --from, --to DATE         count only dossiers received on these days (inclusive)
      --as-of TIMESTAMP         judge timeliness at this moment (default: now, the portal's clock)
      --procedures FILE         LayThuTuc procedures (a reply or an array): those with an online channel
                                are the procedures offered online; their fees decide "fully online"; a
                                dossier without NgayHenTra is judged against the due time the working
                                calendar gives for its procedure's processing time
      --ratings FILE            single ratings (a JSON array of {"unitCode","question","ratedAt","level"}, level
                                very-satisfied, satisfied or not-satisfied): a satisfaction summary per unit,
                                month and question
      --feedback FILE           feedback (PAKN) records, a JSON array of CitizenFeedback: Decision 766
                                indicators 5.2 (handled on time) and 5.3 (satisfaction with the handling)
      --json                    print the report as JSON: every share with numerator and denominator
      --html OUT                write one self-contained page (inline SVG charts, no scripts) to OUT
      --statistics-records OUT  write the DongBoThongKeHoSo records (one per receiving agency and month
                                from --from to --to, or the month of --as-of) ready to sync
      --satisfaction-records OUT  write the DongBoDanhGia items of --ratings, ready to sync
      --help                    print this text

    Invalid dossiers are counted and listed on standard error, never silently dropped.
    Exit status: 0 every dossier read, 1 some could not be read, 2 usage or input error.
    """

    /// Runs the command.
    public static func run(_ words: [String], environment: [String: String], output: TextStream, errors: TextStream) async -> Int32 {
        if words.contains("--help") { output.write(help); return 0 }
        let arguments: Arguments
        let options: Options
        do throws(UsageError) {
            arguments = try Arguments(words, options: ["--procedures", "--ratings", "--feedback", "--from", "--to", "--by", "--as-of", "--statistics-records", "--satisfaction-records", "--html"],
                                      flags: ["--json"], repeatable: ["--dossiers"])
            options = try Options(arguments)
        } catch {
            errors.write("dvc-report: \(error.message)\nTry 'dvc-report --help'.\n")
            return 2
        }
        var builder = DossierReportBuilder(grouping: options.grouping, from: options.from, to: options.to, asOf: options.asOf,
                                           proceduresOfferedOnline: options.offeredOnline, procedureFees: options.fees,
                                           processingTimes: options.processingTimes)
        var statistics: [String: MonthlyStatistics.Builder] = [:]
        var invalid = 0
        do {
            try await DossierFiles.read(options.files) { path, elements in
                for element in elements {
                    switch element.dossier {
                    case .success(let dossier):
                        builder.add(dossier)
                        if options.statisticsPath != nil { addToStatistics(builder.withDeadline(dossier), months: options.statisticsMonths, &statistics) }
                    case .failure(let defects):
                        invalid += 1
                        let first = defects.issues.first.map { "\($0.path): \($0.message)" } ?? "cannot be decoded"
                        errors.write("\(path): dossier \(element.index + 1) left out: \(first)\n")
                    }
                }
            }
        } catch {
            errors.write("dvc-report: \(error)\n")
            return 2
        }
        let report = builder.report()
        let satisfaction = options.ratings.map { ratings -> [SatisfactionSummary] in
            var summaries = SatisfactionSummary.Builder()
            for rating in ratings where options.includes(rating.ratedAt.date) { summaries.add(rating) }
            return summaries.summaries()
        }
        var index = ServiceIndex.Inputs()
        index.fill(from: report.total)
        if let feedback = options.feedback { index.fill(feedback: feedback.filter { options.includes($0.receivedAt.date) }, at: report.asOf) }
        if options.json {
            output.write(json(ReportJSON(report: report, invalid: invalid, serviceIndex: ServiceIndex(index), satisfaction: satisfaction)) + "\n")
        } else {
            output.write(ReportTable.text(report, index: ServiceIndex(index), invalid: invalid))
            if let satisfaction { output.write(ReportTable.satisfaction(satisfaction)) }
        }
        if let path = options.satisfactionPath {
            do { try PortalJSON.encode(satisfaction ?? []).write(to: URL(fileURLWithPath: path)) } catch {
                errors.write("dvc-report: cannot write \(path): \(error)\n")
                return 2
            }
        }
        if let path = options.htmlPath {
            do {
                try Data(ReportHTML.page(report, index: ServiceIndex(index), invalid: invalid, satisfaction: satisfaction).utf8).write(to: URL(fileURLWithPath: path))
            } catch {
                errors.write("dvc-report: cannot write \(path): \(error)\n")
                return 2
            }
        }
        if let path = options.statisticsPath {
            let records = statistics.keys.sorted().compactMap { statistics[$0]?.statistics() }
            do {
                try PortalJSON.encode(records).write(to: URL(fileURLWithPath: path))
            } catch {
                errors.write("dvc-report: cannot write \(path): \(error)\n")
                return 2
            }
            errors.write("dvc-report: \(records.count) DongBoThongKeHoSo record(s) written to \(path)\n")
        }
        return invalid > 0 ? 1 : 0
    }

    struct ReportJSON: Encodable {
        let report: DossierReport
        let invalid: Int
        let serviceIndex: ServiceIndex
        let satisfaction: [SatisfactionSummary]?
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func addToStatistics(_ dossier: Dossier, months: [(year: Int, month: Int)], _ builders: inout [String: MonthlyStatistics.Builder]) {
        let unit = dossier.code.receivingAgency?.rawValue ?? "-"
        for (year, month) in months {
            let key = "\(unit) \(year)-\(month < 10 ? "0" : "")\(month)"
            if builders[key] == nil { builders[key] = MonthlyStatistics.Builder(year: year, month: month, unitCode: unit) }
            builders[key]?.add(dossier)
        }
    }

    /// The options, checked.
    struct Options {
        var files: [String]
        var grouping: DossierReport.Grouping = .agency
        var from: CalendarDate?, to: CalendarDate?
        var asOf = PortalTimestamp.now
        var offeredOnline: Set<String>?
        var fees: [String: [Procedure.Fee]] = [:]
        var processingTimes: [String: ProcessingTime] = [:]
        var json = false
        var statisticsPath: String?
        var htmlPath: String?
        var satisfactionPath: String?
        var ratings: [Rating]?
        var feedback: [CitizenFeedback]?

        func includes(_ day: CalendarDate) -> Bool { !(from.map { day < $0 } ?? false) && !(to.map { $0 < day } ?? false) }
        var statisticsMonths: [(year: Int, month: Int)] = []

        init(_ arguments: Arguments) throws(UsageError) {
            files = arguments[all: "--dossiers"] + arguments.positionals
            guard !files.isEmpty else { throw UsageError("--dossiers FILE is required") }
            if let by = arguments[option: "--by"] {
                guard let grouping = DossierReport.Grouping(rawValue: by) else { throw UsageError("--by takes agency, procedure, field, month, quarter or year") }
                self.grouping = grouping
            }
            for (name, keyPath) in [("--from", \Options.from), ("--to", \Options.to)] {
                guard let text = arguments[option: name] else { continue }
                guard let date = try? CalendarDate(text) else { throw UsageError("\(name) takes a date YYYY-MM-DD") }
                self[keyPath: keyPath] = date
            }
            if let from, let to, to < from { throw UsageError("--to is before --from") }
            if let text = arguments[option: "--as-of"] {
                guard let moment = try? PortalTimestamp(text) else { throw UsageError("--as-of takes a timestamp YYYYMMDDHHMMSS") }
                asOf = moment
            } else if let to, let end = PortalTimestamp(date: to, hour: 23, minute: 59, second: 59), end < asOf {
                asOf = end  // a past period is judged at its end
            }
            json = arguments.has("--json")
            statisticsPath = arguments[option: "--statistics-records"]
            htmlPath = arguments[option: "--html"]
            satisfactionPath = arguments[option: "--satisfaction-records"]
            if let path = arguments[option: "--ratings"] {
                guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("--ratings \(path): cannot read it") }
                do { ratings = try JSONLimits.standard.decode([Rating].self, from: data, with: JSONDecoder()) } catch {
                    throw UsageError("--ratings \(path): not a JSON array of ratings (\(error))")
                }
            }
            if let path = arguments[option: "--feedback"] {
                guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("--feedback \(path): cannot read it") }
                do { feedback = try JSONLimits.standard.decode([CitizenFeedback].self, from: data, with: JSONDecoder()) } catch {
                    throw UsageError("--feedback \(path): not a JSON array of feedback records (\(error))")
                }
            }
            if satisfactionPath != nil && ratings == nil { throw UsageError("--satisfaction-records needs --ratings FILE") }
            let first = from ?? to ?? asOf.date, last = to ?? from ?? asOf.date
            var (year, month) = (first.year, first.month)
            while (year, month) <= (last.year, last.month) && statisticsMonths.count < 120 {
                statisticsMonths.append((year, month))
                (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1)
            }
            if let path = arguments[option: "--procedures"] { try readProcedures(path) }
        }

        mutating func readProcedures(_ path: String) throws(UsageError) {
            guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("--procedures \(path): cannot read it") }
            let procedures: [Procedure]
            if let reply = try? PortalJSON.decode(PortalReply<[Procedure]>.self, from: data), let result = reply.result {
                procedures = result
            } else if let list = try? PortalJSON.decode([Procedure].self, from: data) {
                procedures = list
            } else {
                throw UsageError("--procedures \(path): not LayThuTuc procedures (a reply or an array)")
            }
            var offered = Set<String>()
            for procedure in procedures {
                let national = procedure.code.national
                if procedure.channels.contains(where: { $0.channel == .online }) { offered.insert(national) }
                fees[national, default: []] += procedure.channels.flatMap { $0.timings.flatMap(\.fees) }
                // The online channel's time limit first, else any channel's.
                let channels = procedure.channels.sorted { ($0.channel == .online ? 0 : 1) < ($1.channel == .online ? 0 : 1) }
                if processingTimes[national] == nil, let limit = channels.lazy.flatMap(\.timings).compactMap(\.processingTime).first {
                    processingTimes[national] = limit
                }
            }
            offeredOnline = offered
        }
    }
}
