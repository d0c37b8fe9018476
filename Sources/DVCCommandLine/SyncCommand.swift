/// `Outbox` appears in this file's public API.
public import DVCKit
/// `URL` appears in this file's public API.
public import Foundation

/// `dvc-sync`: the operator's tool — loads `DongBoHoSoMC` files into a durable journal and syncs
/// them to the portal until nothing is pending, resumable after a crash at any moment.
///
/// Exit status: 0 every entry acknowledged; 3 finished with dead letters; 4 stopped with entries
/// still pending (the deadline, or SIGINT/SIGTERM); 2 usage error; 1 anything else.
public enum SyncCommand: Sendable {
    /// The text printed by `--help`.
    public static let help = """
    usage: dvc-sync --portal URL --agency MADONVI --username U --journal DIR
                    [--batch N] [--concurrency N] [--max-attempts N] [--deadline SECONDS] [--json] FILE...
           dvc-sync status --journal DIR [--json]
           dvc-sync dead-letters --journal DIR [--json] [--requeue | --purge] [--dossier CODE] [--kind KIND] [--reason TEXT]
           dvc-sync repair --journal DIR

    Loads every dossier of FILE... (DongBoHoSoMC envelopes or bare arrays, streamed; - for standard
    input) into the journal in DIR — durably, leaving out invalid ones with their path and rule, and
    nothing twice: a version already in the journal is not added again — then sends what is pending
    until nothing is, backing off between rounds (at most 30 s), or until --deadline. Killed at any
    moment and started again with the same journal, it resumes: nothing lost, nothing created twice.
    One dvc-sync at a time per journal (the second is refused).

    Progress goes to standard error; the summary to standard output (a table per agency, or with
    --json {"received":N,"acknowledged":N,"pending":N,"deadLettered":N,…}).

    Exit status: 0 all acknowledged, 3 finished with dead letters, 4 stopped with entries still
    pending (deadline, SIGINT or SIGTERM), 2 usage error, 1 anything else.

    Options:
    \(PortalOptions.help)
      --journal DIR          where the journal lives (created if missing)
      --batch N              dossiers per call (default 50)
      --concurrency N        calls in flight at once (default 4)
      --max-attempts N       failed attempts before an entry failing alone is dead-lettered (default 10)
      --lease SECONDS        how long a claimed batch is this process's before another worker may take it
                             (default 300; matters when several workers share a database outbox)
      --deadline SECONDS     stop sending after this long, leaving the rest pending (exit 4)
      --json                 print the summary as JSON
      --help                 print this text

    status        counts per agency and the age of the oldest pending entry (works while a sync runs)
    dead-letters  lists dead letters (--dossier CODE, --kind refused|progress-refused|attempts-exhausted|too-large,
                  --reason TEXT narrow the list); --requeue puts them back in the queue, --purge deletes them
    repair        moves damaged journal records to <journal>.quarantine and keeps every intact one
    """

    /// The journal file inside `--journal DIR`.
    public static func journalURL(_ directory: String) -> URL {
        URL(fileURLWithPath: directory).appendingPathComponent("outbox.journal")
    }

    /// Where a sync keeps its outbox (nơi lưu hàng đợi): the journal directory of `--journal DIR`,
    /// or what an integration opens from its own option (`dvc-sync-postgres --database CONNINFO`).
    public struct Storage: Sendable {
        /// The option naming the storage, e.g. `--journal`.
        public let option: String
        /// What the option takes, for messages, e.g. `DIR`.
        public let placeholder: String
        /// The program name used in messages, e.g. `dvc-sync`.
        public let tool: String
        /// Opens the outbox the option names.
        public let open: @Sendable (String) async throws -> any Outbox
        /// Closes it.
        public let close: @Sendable (any Outbox) async -> Void

        /// Creates a storage description.
        public init(option: String, placeholder: String, tool: String, open: @escaping @Sendable (String) async throws -> any Outbox,
                    close: @escaping @Sendable (any Outbox) async -> Void) {
            self.option = option
            self.placeholder = placeholder
            self.tool = tool
            self.open = open
            self.close = close
        }

        /// `--journal DIR`: a `FileOutbox` in `DIR/outbox.journal`, the directory created `0700`.
        public static let journal = Storage(option: "--journal", placeholder: "DIR", tool: "dvc-sync", open: { directory in
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            return try FileOutbox(url: journalURL(directory))
        }, close: { await ($0 as? FileOutbox)?.close() })
    }

    /// Loads files into the outbox `storage` opens and syncs it — `dvc-sync`'s work, for tools that
    /// keep the outbox elsewhere; the options are `dvc-sync`'s with `storage.option` for `--journal`.
    public static func sync(_ words: [String], storage: Storage, environment: [String: String], output: TextStream, errors: TextStream) async -> Int32 {
        await sync(words, environment: environment, output: output, errors: errors, storage: storage)
    }

    /// Runs `dvc-sync` with `words` (without the program name).
    public static func run(_ words: [String], environment: [String: String], output: TextStream, errors: TextStream) async -> Int32 {
        switch words.first {
        case "status": return await JournalCommands.status(Array(words.dropFirst()), output: output, errors: errors)
        case "dead-letters": return await JournalCommands.deadLetters(Array(words.dropFirst()), output: output, errors: errors)
        case "repair": return JournalCommands.repair(Array(words.dropFirst()), output: output, errors: errors)
        default: return await sync(words, environment: environment, output: output, errors: errors)
        }
    }

    /// What a run did, as `--json` prints it.
    struct Summary: Encodable {
        var received = 0, acknowledged = 0, pending = 0, deadLettered = 0, purged = 0
        var read = 0, appended = 0, unchanged = 0, invalid = 0
        var rounds = 0
        /// The whole run, loading the files, and sending.
        var seconds = 0.0, loadSeconds = 0.0, syncSeconds = 0.0
        /// Entries acknowledged per second of sending, in this run.
        var acknowledgedPerSecond = 0
        var acknowledgedBefore = 0
        var oldestPendingSeconds: Double?
        var stopReason: String?
        var agencies: [Agency] = []

        func pending(_ rounds: [SyncEngine.Round]) -> Bool { (rounds.last?.remaining ?? 1) > 0 }

        struct Agency: Encodable {
            let agency: String
            let received: Int, acknowledged: Int, pending: Int, deadLettered: Int, purged: Int
            let oldestPendingSeconds: Double?
        }
    }

    static func sync(_ words: [String], environment: [String: String], output: TextStream, errors: TextStream, storage: Storage = .journal) async -> Int32 {
        let started = ContinuousClock.now
        let arguments: Arguments
        let portal: PortalOptions
        let journal: String
        var configuration = SyncEngine.Configuration()
        var deadline: ContinuousClock.Instant?
        do throws(UsageError) {
            arguments = try Arguments(words, options: PortalOptions.names.union([storage.option, "--batch", "--concurrency", "--max-attempts", "--deadline", "--lease"]),
                                      flags: ["--json", "--help"])
            if arguments.has("--help") {
                output.write(help + "\n")
                return 0
            }
            guard let directory = arguments[option: storage.option] else { throw UsageError("\(storage.option) \(storage.placeholder) is required") }
            guard !arguments.positionals.isEmpty else { throw UsageError("give at least one FILE of dossiers (- for standard input)") }
            journal = directory
            portal = try PortalOptions(arguments, environment: environment)
            configuration.dossierBatchSize = try positive(arguments, "--batch", default: 50, maximum: 1_000)
            configuration.concurrency = try positive(arguments, "--concurrency", default: 4, maximum: 256)
            configuration.maximumAttempts = try positive(arguments, "--max-attempts", default: 10, maximum: 1_000)
            configuration.codeMapping = portal.mapping
            configuration.lease = .seconds(try positive(arguments, "--lease", default: 300, maximum: 86_400))
            if let text = arguments[option: "--deadline"] {
                guard let seconds = Double(text), seconds > 0 else { throw UsageError("--deadline takes a number of seconds") }
                deadline = started + .milliseconds(Int(seconds * 1000))
            }
        } catch {
            errors.write("\(storage.tool): \(error.message)\nTry '\(storage.tool) --help'.\n")
            return 2
        }
        let outbox: any Outbox
        do { outbox = try await storage.open(journal) } catch {
            errors.write("\(storage.tool): \(error)\n")
            return 1
        }
        let engine = SyncEngine(client: portal.client(), outbox: outbox, configuration: configuration)
        let status = await sync(engine, arguments: arguments, deadline: deadline, started: started, output: output, errors: errors,
                                mapping: portal.mapping)
        await storage.close(outbox)
        return status
    }

    static func sync(_ engine: SyncEngine, arguments: Arguments, deadline: ContinuousClock.Instant?, started: ContinuousClock.Instant,
                     output: TextStream, errors: TextStream, mapping: CodeMapping? = nil) async -> Int32 {
        var summary = Summary()
        summary.acknowledgedBefore = (try? await engine.status().total.acknowledged) ?? 0

        // 1. Load the files into the journal.
        let loading = ContinuousClock.now
        do {
            try await load(arguments.positionals, into: engine, summary: &summary, errors: errors, mapping: mapping)
            summary.loadSeconds = Self.rounded(ContinuousClock.now - loading)
        } catch is CancellationError {
            summary.stopReason = "cancelled"
        } catch {
            errors.write("dvc-sync: \(error)\n")
            return await finish(engine, summary, arguments, started, output: output, errors: errors, failed: true)
        }

        // 2. Send until nothing is pending, the deadline passes, or a signal stops it.
        let progress = ProgressDisplay(stream: errors)
        let watcher = Task {
            while !Task.isCancelled {
                if let status = try? await engine.status() { progress.show(status) }
                try? await Task.sleep(for: progress.interval)
            }
        }
        if summary.stopReason == nil {
            let sending = ContinuousClock.now
            defer { summary.syncSeconds = Self.rounded(ContinuousClock.now - sending) }
            let rounds = await engine.syncUntilDone(deadline: deadline, maximumBackoff: .seconds(30))
            summary.rounds = rounds.count
            if let deadline, ContinuousClock.now >= deadline, summary.pending(rounds) {
                summary.stopReason = "deadline"
            } else {
                summary.stopReason = Task.isCancelled ? "cancelled" : rounds.last?.stopReason?.rawValue
            }
            if let outboxError = rounds.last?.outboxError {
                errors.write("dvc-sync: \(outboxError)\n")
            }
        }
        watcher.cancel()
        _ = await watcher.value
        if let status = try? await engine.status() { progress.show(status) }
        progress.finish()
        return await finish(engine, summary, arguments, started, output: output, errors: errors, failed: summary.stopReason == "outbox")
    }

    /// Streams the files into the journal, 1,000 dossiers per durable write.
    static func load(_ paths: [String], into engine: SyncEngine, summary: inout Summary, errors: TextStream, mapping: CodeMapping? = nil) async throws {
        var reported = 0
        func report(_ path: String, _ issues: [ValidationIssue], _ elementPath: String) {
            reported += 1
            guard reported <= 100 else { return }
            let lines = issues.filter { $0.severity == .error }.prefix(5).map { "  \($0.path.isEmpty ? elementPath : $0.path): \($0.message) [\($0.rule.rawValue)]" }
            errors.write("dvc-sync: \(path) \(elementPath) left out:\n" + lines.joined(separator: "\n") + "\n")
        }
        for path in paths {
            var read = 0, appended = 0, unchanged = 0, invalid = 0
            try await DossierFiles.read([path], mapping: mapping) { path, elements in
                var changes: [DossierChange] = []
                var places: [String] = []
                for element in elements {
                    read += 1
                    switch element.dossier {
                    case .success(let dossier):
                        // A file is history: reading it again must add nothing (last write wins
                        // is for a dossier given anew, not for the same export replayed).
                        changes.append(DossierChange(dossier, replay: true))
                        places.append(element.path)
                    case .failure(let failure):
                        invalid += 1
                        report(path, failure.issues, element.path)
                    }
                }
                let outcomes = try await engine.enqueue(contentsOf: changes)
                for (outcome, place) in zip(outcomes, places) {
                    switch outcome {
                    case .appended: appended += 1
                    case .unchanged: unchanged += 1
                    case .invalid(let issues):
                        invalid += 1
                        report(path, issues.map { issue in
                            var issue = issue
                            issue.path = issue.path.isEmpty ? place : "\(place).\(issue.path)"
                            return issue
                        }, place)
                    }
                }
            }
            summary.read += read
            summary.appended += appended
            summary.unchanged += unchanged
            summary.invalid += invalid
            errors.write("dvc-sync: \(path): \(ProgressDisplay.number(read)) dossiers read, \(ProgressDisplay.number(appended)) new, "
                         + "\(ProgressDisplay.number(unchanged)) already in the journal, \(ProgressDisplay.number(invalid)) invalid (left out)\n")
        }
        if reported > 100 { errors.write("dvc-sync: … and \(reported - 100) more invalid dossiers\n") }
    }

    /// Prints the summary and picks the exit status.
    static func finish(_ engine: SyncEngine, _ summary: Summary, _ arguments: Arguments, _ started: ContinuousClock.Instant,
                       output: TextStream, errors: TextStream, failed: Bool) async -> Int32 {
        var summary = summary
        guard let status = try? await engine.status() else {
            errors.write("dvc-sync: the journal could not be read\n")
            return 1
        }
        let total = status.total
        summary.received = total.received
        summary.acknowledged = total.acknowledged
        summary.pending = total.pending
        summary.deadLettered = total.deadLettered
        summary.purged = total.purged
        summary.seconds = rounded(ContinuousClock.now - started)
        let sent = total.acknowledged - summary.acknowledgedBefore
        summary.acknowledgedPerSecond = summary.syncSeconds > 0 ? Int(Double(sent) / summary.syncSeconds) : 0
        summary.oldestPendingSeconds = status.oldestPendingAge.map { $0.rounded() }
        summary.agencies = status.agencies.map {
            .init(agency: $0.agency, received: $0.counts.received, acknowledged: $0.counts.acknowledged, pending: $0.counts.pending,
                  deadLettered: $0.counts.deadLettered, purged: $0.counts.purged, oldestPendingSeconds: $0.oldestPendingAge.map { $0.rounded() })
        }
        if arguments.has("--json") {
            output.write(JSONText.encode(summary) + "\n")
        } else {
            output.write(status.description)
            output.write("read \(summary.read) (\(summary.appended) new, \(summary.unchanged) unchanged, \(summary.invalid) invalid) · "
                         + "\(summary.rounds) round(s) in \(summary.seconds) s" + (summary.stopReason.map { " · stopped: \($0)" } ?? "") + "\n")
        }
        if failed { return 1 }
        if total.pending > 0 { return 4 }
        return total.deadLettered > 0 ? 3 : 0
    }

    static func rounded(_ duration: Duration) -> Double { (duration.inSeconds * 1000).rounded() / 1000 }

    static func positive(_ arguments: Arguments, _ name: String, default value: Int, maximum: Int) throws(UsageError) -> Int {
        guard let text = arguments[option: name] else { return value }
        guard let number = Int(text), number >= 1, number <= maximum else { throw UsageError("\(name) takes a whole number from 1 to \(maximum)") }
        return number
    }
}

/// Canonical JSON text for a command's output (sorted keys, `/` unescaped).
enum JSONText {
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
