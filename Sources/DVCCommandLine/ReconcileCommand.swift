import DVCKit
import Foundation

/// `dvc-reconcile`: finds what the portal is missing. Every dossier of an export is looked up
/// with `TraCuuHoSo` and classified *current* (the portal has it with the same status), *stale*
/// (another status) or *missing*; the table per agency and month gives the synced share the
/// audits reported ("110 of 6,411").
///
/// Exit status: 0 every dossier current; 1 gaps found (or some could not be checked); 2 usage error.
public enum ReconcileCommand: Sendable {
    /// The text printed by `--help`.
    public static let help = """
    usage: dvc-reconcile --portal URL --agency MADONVI --username U [--json] [--rate N] [--concurrency N]
                         [--state FILE] [--enqueue --journal DIR] FILE...

    Looks every dossier of FILE... (DongBoHoSoMC envelopes or bare arrays, streamed; - for standard
    input; the last version of a dossier counts) up on the portal with TraCuuHoSo and classifies it:
      current   the portal has it, with the same TrangThaiHoSo
      stale     the portal has it, with another status
      missing   the portal does not have it
    and prints a table per receiving agency and month (NgayTiepNhan) with the share on the portal.

    Options:
    \(PortalOptions.help)
      --rate N               at most N look-ups a second (default 20; 0: no limit)
      --concurrency N        look-ups in flight at once (default 8)
      --state FILE           remember every answer in FILE, so an interrupted run resumes where it stopped
      --enqueue              put the missing and stale dossiers into the sync journal (--journal DIR);
                             a later dvc-sync with that journal sends them
      --journal DIR          the dvc-sync journal directory, for --enqueue
      --json                 print {"checked":N,"current":N,"stale":N,"missing":N,"byAgencyMonth":[…]}
      --help                 print this text

    Exit status: 0 all current, 1 gaps found or look-ups that failed, 2 usage error.
    """

    /// What one dossier's look-up found.
    enum Finding: String, Codable { case current, stale, missing, failed }

    /// One line of the state file: a dossier version and what the portal answered.
    struct Checked: Codable {
        let code: String
        let status: String
        let agency: String
        let month: String
        let finding: Finding
    }

    /// One row of the report.
    struct Row: Encodable {
        let agency: String
        let month: String
        var checked = 0, current = 0, stale = 0, missing = 0, failed = 0
        var onPortal: Int { current + stale }
        var syncedShare: String { checked == 0 ? "-" : Percent.twoDecimals(onPortal, of: checked) }

        enum CodingKeys: String, CodingKey { case agency, month, checked, current, stale, missing, failed, onPortal, syncedShare }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(agency, forKey: .agency)
            try container.encode(month, forKey: .month)
            try container.encode(checked, forKey: .checked)
            try container.encode(current, forKey: .current)
            try container.encode(stale, forKey: .stale)
            try container.encode(missing, forKey: .missing)
            try container.encode(failed, forKey: .failed)
            try container.encode(onPortal, forKey: .onPortal)
            try container.encode(syncedShare, forKey: .syncedShare)
        }
    }

    /// Runs `dvc-reconcile` with `words` (without the program name).
    public static func run(_ words: [String], environment: [String: String], output: TextStream, errors: TextStream) async -> Int32 {
        let arguments: Arguments
        let portal: PortalOptions
        let rate: Int, concurrency: Int
        do throws(UsageError) {
            arguments = try Arguments(words, options: PortalOptions.names.union(["--rate", "--concurrency", "--state", "--journal"]),
                                      flags: ["--json", "--enqueue", "--help"])
            if arguments.has("--help") {
                output.write(help + "\n")
                return 0
            }
            guard !arguments.positionals.isEmpty else { throw UsageError("give at least one FILE of dossiers (- for standard input)") }
            if arguments.has("--enqueue") && arguments[option: "--journal"] == nil { throw UsageError("--enqueue needs --journal DIR") }
            portal = try PortalOptions(arguments, environment: environment)
            guard let parsedRate = Int(arguments[option: "--rate"] ?? "20"), parsedRate >= 0 else { throw UsageError("--rate takes a whole number ≥ 0") }
            rate = parsedRate
            concurrency = try SyncCommand.positive(arguments, "--concurrency", default: 8, maximum: 256)
        } catch {
            errors.write("dvc-reconcile: \(error.message)\nTry 'dvc-reconcile --help'.\n")
            return 2
        }
        var state: StateFile?
        var results: [String: Checked] = [:]
        do {
            if let path = arguments[option: "--state"] {
                let file = try StateFile(path: path)
                results = try file.load()
                state = file
            }
        } catch {
            errors.write("dvc-reconcile: \(error)\n")
            return 1
        }
        var outbox: FileOutbox?
        if arguments.has("--enqueue"), let journal = arguments[option: "--journal"] {
            do {
                try FileManager.default.createDirectory(atPath: journal, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                outbox = try FileOutbox(url: SyncCommand.journalURL(journal))
            } catch {
                errors.write("dvc-reconcile: \(error)\n")
                return 1
            }
        }
        let client = portal.client()
        let engine = outbox.map { SyncEngine(client: client, outbox: $0) }
        let limiter = RateLimiter(perSecond: rate)
        var enqueued = 0
        var invalid = 0
        let progress = errors.isTerminal
        do {
            try await DossierFiles.read(arguments.positionals, chunkSize: 200, mapping: portal.mapping) { path, elements in
                var dossiers: [Dossier] = []
                for element in elements {
                    switch element.dossier {
                    case .success(let dossier): dossiers.append(dossier)
                    case .failure:
                        invalid += 1
                        errors.write("dvc-reconcile: \(path) \(element.path) cannot be read; it is not checked\n")
                    }
                }
                let fresh = dossiers.filter { results[$0.code.rawValue]?.status != $0.status.wireValue || results[$0.code.rawValue]?.finding == .failed }
                let checked = await lookUp(fresh, client: client, limiter: limiter, concurrency: concurrency)
                for item in checked { results[item.code] = item }
                try state?.append(checked)
                if let engine {
                    let gaps = Set(checked.filter { $0.finding == .missing || $0.finding == .stale }.map(\.code))
                    let changes = fresh.filter { gaps.contains($0.code.rawValue) }.map { DossierChange($0, resend: true) }
                    if !changes.isEmpty {
                        let outcomes = try await engine.enqueue(contentsOf: changes)
                        for (change, outcome) in zip(changes, outcomes) {
                            switch outcome {
                            case .appended: enqueued += 1
                            case .unchanged: break
                            case .invalid(let issues):
                                let reasons = issues.prefix(3).map { "\($0.path): \($0.message) [\($0.rule.rawValue)]" }.joined(separator: "; ")
                                errors.write("dvc-reconcile: \(change.dossier.code.rawValue) is not enqueued: \(reasons)\n")
                            }
                        }
                    }
                }
                if progress { errors.write("\r\u{1B}[Kchecked \(ProgressDisplay.number(results.count))") }
            }
        } catch is CancellationError {
            errors.write("\ndvc-reconcile: interrupted; \(state == nil ? "run again to check again" : "run again with the same --state to resume")\n")
        } catch {
            errors.write("dvc-reconcile: \(error)\n")
            await outbox?.close()
            return 1
        }
        if progress { errors.write("\n") }
        await outbox?.close()
        let rows = report(results.values)
        let total = rows.reduce(into: Row(agency: "total", month: "")) { sum, row in
            sum.checked += row.checked
            sum.current += row.current
            sum.stale += row.stale
            sum.missing += row.missing
            sum.failed += row.failed
        }
        if arguments.has("--json") {
            struct Summary: Encodable {
                let checked: Int, current: Int, stale: Int, missing: Int, failed: Int, invalid: Int, enqueued: Int
                let byAgencyMonth: [Row]
            }
            output.write(JSONText.encode(Summary(checked: total.checked, current: total.current, stale: total.stale, missing: total.missing,
                                                 failed: total.failed, invalid: invalid, enqueued: enqueued, byAgencyMonth: rows)) + "\n")
        } else {
            output.write(table(rows + [total]))
            if arguments.has("--enqueue") { output.write("enqueued \(enqueued) missing or stale dossier(s) into the journal; run dvc-sync to send them\n") }
            if total.failed > 0 { output.write("\(total.failed) look-up(s) failed; run again to check them\n") }
        }
        return total.checked == total.current && invalid == 0 ? 0 : 1
    }

    /// Looks `dossiers` up, at most `concurrency` at once and `limiter`'s rate.
    static func lookUp(_ dossiers: [Dossier], client: PortalClient, limiter: RateLimiter, concurrency: Int) async -> [Checked] {
        await withTaskGroup(of: Checked.self) { group in
            var results: [Checked] = []
            var next = 0
            func start(_ dossier: Dossier) {
                group.addTask {
                    let month = String(dossier.receivedAt.description.prefix(4)) + "-" + String(dossier.receivedAt.description.dropFirst(4).prefix(2))
                    func checked(_ finding: Finding) -> Checked {
                        Checked(code: dossier.code.rawValue, status: dossier.status.wireValue, agency: dossier.code.agencyText, month: month, finding: finding)
                    }
                    do {
                        try await limiter.wait()
                        guard let record = try await client.lookUpDossier(dossier.code) else { return checked(.missing) }
                        guard let held = record.status else { return checked(.current) }
                        return checked(held == dossier.status ? .current : .stale)
                    } catch {
                        return checked(.failed)
                    }
                }
            }
            while next < min(concurrency, dossiers.count) {
                start(dossiers[next])
                next += 1
            }
            while let result = await group.next() {
                results.append(result)
                if next < dossiers.count {
                    start(dossiers[next])
                    next += 1
                }
            }
            return results
        }
    }

    static func report(_ results: some Sequence<Checked>) -> [Row] {
        var rows: [String: Row] = [:]
        for item in results {
            let key = item.agency + " " + item.month
            var row = rows[key] ?? Row(agency: item.agency, month: item.month)
            row.checked += 1
            switch item.finding {
            case .current: row.current += 1
            case .stale: row.stale += 1
            case .missing: row.missing += 1
            case .failed: row.failed += 1
            }
            rows[key] = row
        }
        return rows.values.sorted { ($0.agency, $0.month) < ($1.agency, $1.month) }
    }

    static func table(_ rows: [Row]) -> String {
        let width = max(13, rows.map(\.agency.count).max() ?? 0)
        var text = "agency".padding(toLength: width, withPad: " ", startingAt: 0) + "  month    checked  current  stale  missing  on portal\n"
        for row in rows {
            func column(_ value: Int, _ width: Int) -> String {
                let text = ProgressDisplay.number(value)
                return String(repeating: " ", count: max(1, width - text.count)) + text
            }
            text += row.agency.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + row.month.padding(toLength: 7, withPad: " ", startingAt: 0)
                + column(row.checked, 9) + column(row.current, 9) + column(row.stale, 7) + column(row.missing, 9)
                + "  \(ProgressDisplay.number(row.onPortal))/\(ProgressDisplay.number(row.checked)) (\(row.syncedShare) %)\n"
        }
        return text
    }
}

/// Spaces calls out to at most N a second (0: no limit).
actor RateLimiter {
    private let interval: Duration?
    private var next = ContinuousClock.now

    init(perSecond: Int) { interval = perSecond > 0 ? .nanoseconds(1_000_000_000 / perSecond) : nil }

    func wait() async throws {
        guard let interval else { return }
        let now = ContinuousClock.now
        let slot = max(next, now)
        next = slot + interval
        if slot > now { try await Task.sleep(until: slot, clock: .continuous) }
    }
}

/// The `--state` file: one JSON line per dossier checked, appended as answers come, so a rerun
/// skips what was already checked.
final class StateFile {
    private let handle: FileHandle
    let path: String

    init(path: String) throws {
        self.path = path
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw DossierFiles.InputError(path: path, message: "cannot create the state file")
            }
        }
        handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
    }

    deinit { try? handle.close() }

    func load() throws -> [String: ReconcileCommand.Checked] {
        var results: [String: ReconcileCommand.Checked] = [:]
        let data = try handle.readToEnd() ?? Data()
        let decoder = JSONDecoder()
        for line in data.split(separator: UInt8(ascii: "\n")) {
            // A torn last line (an interrupted write) is skipped: that dossier is checked again.
            guard let item = try? decoder.decode(ReconcileCommand.Checked.self, from: Data(line)) else { continue }
            results[item.code] = item
        }
        return results
    }

    func append(_ items: [ReconcileCommand.Checked]) throws {
        guard !items.isEmpty else { return }
        var text = ""
        for item in items { text += JSONText.encode(item) + "\n" }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.synchronize()
    }
}
