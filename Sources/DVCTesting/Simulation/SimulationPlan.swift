/// `Duration` appears in this file's public API.
public import Foundation

/// A seeded pseudo-random generator (SplitMix64): the only source of chance in a simulation, so a
/// seed replays exactly.
public struct SimulationRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates the generator for `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<1`.
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// `true` with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { p > 0 && unit() < p }

    /// An integer in `range`.
    public mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    /// A number in `range`.
    public mutating func double(_ range: ClosedRange<Double>) -> Double { range.lowerBound + unit() * (range.upperBound - range.lowerBound) }

    /// `count` hexadecimal digits.
    public mutating func hex(_ count: Int) -> String {
        String((0..<count).map { _ in "0123456789abcdef".randomElement(using: &self) ?? "0" })
    }
}

/// What one simulated run does (kịch bản mô phỏng): the dossiers a one-stop system enqueues and
/// when, the portal's faults, the workers and their crashes. Drawn from a seed
/// (``SimulationPlan/random(seed:steps:workers:)``) or written by a named scenario
/// (``SyncSimulation/Scenario``).
///
/// Times are seconds of virtual time from the start of the run.
public struct SimulationPlan: Sendable {
    /// A span of time in which a fault holds; `operation` limits it to one service
    /// (`DongBoHoSoMC`, `CapNhatTienDoHoSoMC`, or `login`).
    public struct Window: Sendable, CustomStringConvertible {
        /// When it starts.
        public var start: Double
        /// When it ends.
        public var end: Double
        /// The service it hits (`nil`: every one).
        public var operation: String?
        /// For a refusal storm: whether each refusal carries an id of its own (a trace id).
        public var perRequestID: Bool

        /// Creates a window.
        public init(_ start: Double, _ end: Double, operation: String? = nil, perRequestID: Bool = false) {
            self.start = start
            self.end = end
            self.operation = operation
            self.perRequestID = perRequestID
        }

        func contains(_ moment: Double) -> Bool { moment >= start && moment < end }

        /// `[start, end) operation`.
        public var description: String { "[\(Int(start)) s, \(Int(end)) s)\(operation.map { " \($0)" } ?? "")\(perRequestID ? " with ids" : "")" }
    }

    /// One dossier version the one-stop system enqueues.
    public struct Enqueue: Sendable {
        /// When.
        public var at: Double
        /// Which dossier (its number in `Fixtures.dossier`).
        public var dossier: Int
        /// Which content: the same number is the same version, byte for byte (a revert).
        public var content: Int
        /// How many progress entries go with it.
        public var progress: Int

        /// Creates the event.
        public init(at: Double, dossier: Int, content: Int, progress: Int = 0) {
            self.at = at
            self.dossier = dossier
            self.content = content
            self.progress = progress
        }

        /// The version's label (`d7.v2`), written in the dossier's `note`.
        public var label: String { SyncSimulation.label(dossier: dossier, content: content) }
    }

    /// One crash: the worker's process dies (a file outbox's process takes every worker with it),
    /// and starts again `downFor` seconds later.
    public struct Crash: Sendable {
        /// When.
        public var at: Double
        /// Which worker.
        public var worker: Int
        /// How long it stays down.
        public var downFor: Double

        /// Creates a crash.
        public init(at: Double, worker: Int, downFor: Double) {
            self.at = at
            self.worker = worker
            self.downFor = downFor
        }
    }

    // MARK: Workload

    /// The versions enqueued, in time order.
    public var enqueues: [Enqueue] = []

    // MARK: Engine and client

    /// Workers (engines) syncing at once.
    public var workers = 1
    /// Each worker's clock offset, in seconds (missing: 0).
    public var skews: [Double] = []
    /// The engine's lease.
    public var lease: Duration = .seconds(300)
    /// Dossiers per call.
    public var batchSize = 50
    /// Batches in flight per worker.
    public var concurrency = 4
    /// The engine's maximum attempts.
    public var maximumAttempts = 5
    /// The client's timeout, in seconds.
    public var clientTimeout: Double = 6

    // MARK: Network

    /// Mean one-way delay, in seconds.
    public var meanLatency: Double = 0.05
    /// Chance that a delay is a spike instead.
    public var spikeChance: Double = 0
    /// Longest spike, in seconds.
    public var spikeMaximum: Double = 0
    /// Chance that an answer is lost after the portal applied the request.
    public var lostAnswerChance: Double = 0

    // MARK: Portal faults

    /// Versions (labels) the portal refuses for what they contain.
    public var refused: Set<String> = []
    /// Whether refusals of different dossiers read the same (the audits' commonest case: the same
    /// wrong procedure code) or name their dossier.
    public var refusalsShareAMessage = true
    /// Versions (labels) whose presence in a `DongBoHoSoMC` call makes it answer HTTP 500.
    public var poison5xx: Set<String> = []
    /// Versions (labels) whose progress makes a `CapNhatTienDoHoSoMC` call answer HTTP 500.
    public var poisonProgress: Set<String> = []
    /// Every call refused alike ("busy").
    public var storms: [Window] = []
    /// A service answering HTTP 503.
    public var outages: [Window] = []
    /// A proxy answering HTTP 413 to everything.
    public var proxy413: [Window] = []
    /// Logins refused (a wrong password, a locked account).
    public var wrongPassword: [Window] = []
    /// Moments at which every session expires.
    public var sessionExpiries: [Double] = []
    /// Worker crashes.
    public var crashes: [Crash] = []

    /// When faults stop and only the one-stop system's trickle goes on; the run ends ``settleTime``
    /// later, and everything enqueued must by then be acknowledged or dead-lettered for its own defect.
    public var faultEnd: Double = 900
    /// How long after ``faultEnd`` the run goes on.
    public var settleTime: Double = 3_600

    /// Creates an empty plan (no dossier, no fault).
    public init() {}

    /// One delay drawn from the plan's network.
    func latency(_ random: inout SimulationRandom) -> Double {
        if random.chance(spikeChance) { return random.double(0...max(0, spikeMaximum)) }
        return -log(max(1e-9, 1 - random.unit())) * meanLatency
    }

    /// Every label that is at fault for what it is (refused, 5xx, poison progress).
    var defective: Set<String> { refused.union(poison5xx).union(poisonProgress) }

    /// A plan drawn from `seed`: `steps` dossier versions over a few minutes, and faults of every
    /// kind, each with its own chance.
    public static func random(seed: UInt64, steps: Int = 24, workers: Int = 1) -> SimulationPlan {
        var random = SimulationRandom(seed: seed)
        var plan = SimulationPlan()
        plan.workers = max(1, workers)
        plan.skews = (0..<plan.workers).map { _ in random.chance(0.3) ? random.double(-400...400) : 0 }
        plan.lease = .seconds([2, 10, 60, 300][random.int(0...3)])
        plan.batchSize = [1, 3, 8, 50][random.int(0...3)]
        plan.concurrency = random.int(1...4)
        plan.maximumAttempts = random.int(3...6)
        plan.faultEnd = random.double(300...1_200)
        plan.meanLatency = [0.01, 0.1, 0.5, 2][random.int(0...3)]
        if random.chance(0.3) {
            plan.spikeChance = random.double(0.01...0.2)
            plan.spikeMaximum = random.double(1...(3 * plan.lease.inSeconds))
        }
        plan.lostAnswerChance = random.chance(0.4) ? random.double(0...0.2) : 0

        // The workload: dossiers, their versions (sometimes a revert), progress.
        let dossiers = max(2, steps / 2)
        var events: [Enqueue] = []
        var versionsLeft = max(dossiers, steps)
        var contents: [Int: [Int]] = [:]
        while versionsLeft > 0 {
            let dossier = random.int(1...dossiers)
            var history = contents[dossier] ?? []
            let content: Int
            if history.count >= 2 && random.chance(0.25) {
                // A revert to an earlier version (one without progress: its own progress went with it).
                content = history[history.count - 2]
            } else {
                content = (history.max() ?? 0) + 1
            }
            let reverting = history.contains(content)
            history.append(content)
            contents[dossier] = history
            let progress = reverting || random.chance(0.5) ? 0 : random.int(1...3)
            events.append(Enqueue(at: random.double(0...(plan.faultEnd * 0.8)), dossier: dossier, content: content, progress: progress))
            versionsLeft -= 1
        }
        events.sort { $0.at < $1.at }
        // A revert's content must carry no progress, whichever version came first.
        var carriesProgress: Set<String> = []
        for event in events where event.progress > 0 { carriesProgress.insert(event.label) }
        events = events.map { event in
            var event = event
            if carriesProgress.contains(event.label) && events.filter({ $0.label == event.label }).count > 1 { event.progress = 0 }
            return event
        }
        plan.enqueues = events

        // Defects of single versions.
        let labels = Array(Set(events.map(\.label))).sorted()
        for label in labels {
            if random.chance(0.06) { plan.refused.insert(label) }
            if random.chance(0.03) { plan.poison5xx.insert(label) }
            if random.chance(0.03), events.contains(where: { $0.label == label && $0.progress > 0 }) { plan.poisonProgress.insert(label) }
        }
        plan.refusalsShareAMessage = random.chance(0.7)

        // Faults of the portal and its infrastructure.
        func window(maximum: Double, operation: String? = nil) -> Window {
            let start = random.double(0...plan.faultEnd)
            return Window(start, min(plan.faultEnd, start + random.double(1...maximum)), operation: operation, perRequestID: random.chance(0.5))
        }
        let operations = [nil, "DongBoHoSoMC", "CapNhatTienDoHoSoMC"]
        if random.chance(0.3) { plan.storms.append(window(maximum: 300, operation: operations[random.int(0...2)])) }
        if random.chance(0.3) { plan.outages.append(window(maximum: 600, operation: operations[random.int(0...2)])) }
        if random.chance(0.15) { plan.proxy413.append(window(maximum: 300)) }
        if random.chance(0.15) { plan.wrongPassword.append(window(maximum: 600, operation: "login")) }
        if random.chance(0.3) { plan.sessionExpiries = (0..<random.int(1...3)).map { _ in random.double(0...plan.faultEnd) }.sorted() }
        if random.chance(0.35) {
            plan.crashes = (0..<random.int(1...3)).map { _ in
                Crash(at: random.double(0...plan.faultEnd), worker: random.int(0...(plan.workers - 1)), downFor: random.double(0...120))
            }.sorted { $0.at < $1.at }
        }
        return plan
    }

    /// One line per fault, for a report.
    public var summary: [String] {
        var lines: [String] = []
        lines.append("\(enqueues.count) versions of \(Set(enqueues.map(\.dossier)).count) dossiers, \(workers) worker(s), lease \(lease), batch \(batchSize), concurrency \(concurrency), attempts \(maximumAttempts)")
        lines.append("latency mean \(meanLatency) s" + (spikeChance > 0 ? ", spikes \(Int(spikeChance * 100)) % up to \(Int(spikeMaximum)) s" : "")
                     + (lostAnswerChance > 0 ? ", answers lost \(Int(lostAnswerChance * 100)) %" : ""))
        if !refused.isEmpty { lines.append("refused: \(refused.sorted().joined(separator: " "))\(refusalsShareAMessage ? " (one message)" : "")") }
        if !poison5xx.isEmpty { lines.append("HTTP 500 with: \(poison5xx.sorted().joined(separator: " "))") }
        if !poisonProgress.isEmpty { lines.append("HTTP 500 with the progress of: \(poisonProgress.sorted().joined(separator: " "))") }
        for storm in storms { lines.append("refusal storm \(storm)") }
        for outage in outages { lines.append("outage \(outage)") }
        for proxy in proxy413 { lines.append("HTTP 413 to everything \(proxy)") }
        for window in wrongPassword { lines.append("logins refused \(window)") }
        if !sessionExpiries.isEmpty { lines.append("sessions expire at \(sessionExpiries.map { "\(Int($0)) s" }.joined(separator: ", "))") }
        for crash in crashes { lines.append("worker \(crash.worker) crashes at \(Int(crash.at)) s, down \(Int(crash.downFor)) s") }
        if skews.contains(where: { $0 != 0 }) { lines.append("clock skews \(skews.map { "\(Int($0)) s" }.joined(separator: ", "))") }
        return lines
    }
}
