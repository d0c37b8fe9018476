import Foundation

@available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *)
extension SyncSimulation {
    /// Named plans (kịch bản), one per way the second sync review found to lose, reorder or strand
    /// dossiers; each failed on the engine before the delivery model was written down, and is a
    /// regression test now. The seed still draws latencies and answers.
    public enum Scenario: String, Sendable, CaseIterable, CustomStringConvertible {
        /// Three dossiers in a row refused for the same reason (one wrong procedure code), a
        /// corrected version of the first enqueued later, good dossiers around them.
        case systemicTrap = "systemic-trap"
        /// Calls slower than the lease, a refused dossier making its batch go one by one, and a
        /// dossier whose next version waits behind it.
        case leaseOverrun = "lease-overrun"
        /// A correction and its undoing: A → B → A.
        case revert = "revert"
        /// `CapNhatTienDoHoSoMC` answers HTTP 503 for ten minutes while dossiers go through.
        case progressOutage = "progress-outage"
        /// Two dossiers in one batch of fifty make every call that carries them answer HTTP 500.
        case twoPoisons = "two-poisons"
        /// Every call refused "busy", each refusal with a trace id of its own.
        case traceIDStorm = "trace-id-storm"
        /// A proxy answers HTTP 413 to everything for five minutes.
        case proxy413 = "proxy-413"
        /// Logins refused for ten minutes (a wrong password), then accepted.
        case wrongPassword = "wrong-password"
        /// Three workers on one shared outbox, clocks six minutes apart, a short lease.
        case skewedWorkers = "skewed-workers"
        /// Workers crash and restart while dossiers are enqueued and sent, answers get lost.
        case crashes = "crashes"

        /// The scenario's name.
        public var description: String { rawValue }

        /// What the scenario does, in one line.
        public var summary: String {
            switch self {
            case .systemicTrap: "three adjacent dossiers refused alike, a corrected version behind them (review finding 1)"
            case .leaseOverrun: "a batch outlasting its lease, a newer version behind it (finding 2)"
            case .revert: "A → B → A must end on A (finding 3)"
            case .progressOutage: "the progress service down while dossiers go through (finding 4)"
            case .twoPoisons: "two HTTP 500 poisons in one batch of fifty (finding 5)"
            case .traceIDStorm: "a refusal storm with a trace id in every message (finding 7)"
            case .proxy413: "HTTP 413 to everything (finding 7)"
            case .wrongPassword: "logins refused for a while (finding 8)"
            case .skewedWorkers: "three workers, skewed clocks, a short lease (findings 2 and 11)"
            case .crashes: "crashes and lost answers while enqueueing and sending (I7)"
            }
        }

        /// The scenario's plan; `seed` draws what the scenario leaves open.
        public func plan(seed: UInt64) -> SimulationPlan {
            var random = SimulationRandom(seed: seed)
            var plan = SimulationPlan()
            plan.faultEnd = 900
            plan.settleTime = 3_600
            func dossiers(_ numbers: ClosedRange<Int>, at start: Double = 0, progress: Int = 0) -> [SimulationPlan.Enqueue] {
                numbers.map { SimulationPlan.Enqueue(at: start + Double($0 - numbers.lowerBound) * 0.01, dossier: $0, content: 1, progress: progress) }
            }
            switch self {
            case .systemicTrap:
                plan.enqueues = dossiers(1...10)
                plan.refused = ["d3.v1", "d4.v1", "d5.v1"]
                plan.enqueues.append(.init(at: 60, dossier: 3, content: 2))
                plan.concurrency = 4
                plan.batchSize = 50
            case .leaseOverrun:
                plan.lease = .seconds(1)
                plan.meanLatency = 0.15
                plan.batchSize = 8
                plan.concurrency = 2
                plan.enqueues = dossiers(1...8) + [.init(at: 0.5, dossier: 8, content: 2)] + dossiers(9...40, at: 0.2)
                plan.enqueues.sort { $0.at < $1.at }
                plan.refused = ["d1.v1"]
            case .revert:
                plan.enqueues = [.init(at: 0, dossier: 1, content: 1), .init(at: 20, dossier: 1, content: 2), .init(at: 40, dossier: 1, content: 1)]
                    + dossiers(2...6, at: 10)
                plan.enqueues.sort { $0.at < $1.at }
            case .progressOutage:
                plan.enqueues = dossiers(1...20, progress: 1)
                plan.outages = [.init(0, 600, operation: "CapNhatTienDoHoSoMC")]
                plan.maximumAttempts = 3
            case .twoPoisons:
                plan.enqueues = dossiers(1...50)
                plan.poison5xx = ["d10.v1", "d40.v1"]
                plan.concurrency = 1
                plan.maximumAttempts = 4
            case .traceIDStorm:
                plan.enqueues = dossiers(1...60)
                plan.storms = [.init(0, 300, perRequestID: true)]
            case .proxy413:
                plan.enqueues = dossiers(1...60)
                plan.proxy413 = [.init(0, 300)]
            case .wrongPassword:
                plan.enqueues = dossiers(1...30)
                plan.wrongPassword = [.init(0, 600, operation: "login")]
            case .skewedWorkers:
                plan.workers = 3
                plan.skews = [0, 360, -360]
                plan.lease = .seconds(5)
                plan.meanLatency = 0.5
                plan.spikeChance = 0.05
                plan.spikeMaximum = 4
                plan.batchSize = 4
                plan.enqueues = (0..<60).map { index in
                    SimulationPlan.Enqueue(at: Double(index) * 2, dossier: 1 + index % 15, content: 1 + index / 15, progress: index % 3 == 0 ? 1 : 0)
                }
                plan.refused = ["d7.v2"]
            case .crashes:
                plan.workers = 2
                plan.lostAnswerChance = 0.1
                plan.meanLatency = 0.3
                plan.enqueues = (0..<80).map { index in
                    SimulationPlan.Enqueue(at: Double(index) * 5, dossier: 1 + index % 20, content: 1 + index / 20, progress: index % 2)
                }
                plan.crashes = (0..<4).map { _ in
                    SimulationPlan.Crash(at: random.double(0...400), worker: random.int(0...1), downFor: random.double(0...60))
                }.sorted { $0.at < $1.at }
            }
            return plan
        }
    }
}

@available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *)
extension SyncSimulation {
    /// The smallest plan that still breaks an invariant with `seed`: the plan's faults are taken
    /// away one at a time, each removal kept when the run still fails (a greedy shrink, as
    /// property-testing tools do). `makeStore` gives a fresh store for each try.
    /// - Returns: the shrunk plan and its failing report, or `nil` when `plan` does not fail.
    public static func shrink(_ plan: SimulationPlan, seed: UInt64, makeStore: @Sendable () -> any SimulatedOutboxStore) async throws
        -> (plan: SimulationPlan, report: Report)? {
        var current = plan
        var report = try await run(current, seed: seed, store: makeStore())
        guard !report.violations.isEmpty else { return nil }
        var changed = true
        while changed {
            changed = false
            for candidate in removals(of: current) {
                let tried = try await run(candidate, seed: seed, store: makeStore())
                if !tried.violations.isEmpty {
                    current = candidate
                    report = tried
                    changed = true
                    break
                }
            }
        }
        return (current, report)
    }

    /// Every plan with one fault fewer.
    static func removals(of plan: SimulationPlan) -> [SimulationPlan] {
        var plans: [SimulationPlan] = []
        func without(_ change: (inout SimulationPlan) -> Void) {
            var copy = plan
            change(&copy)
            plans.append(copy)
        }
        for index in plan.storms.indices { without { $0.storms.remove(at: index) } }
        for index in plan.outages.indices { without { $0.outages.remove(at: index) } }
        for index in plan.proxy413.indices { without { $0.proxy413.remove(at: index) } }
        for index in plan.wrongPassword.indices { without { $0.wrongPassword.remove(at: index) } }
        for index in plan.sessionExpiries.indices { without { $0.sessionExpiries.remove(at: index) } }
        for index in plan.crashes.indices { without { $0.crashes.remove(at: index) } }
        for label in plan.refused.sorted() { without { $0.refused.remove(label) } }
        for label in plan.poison5xx.sorted() { without { $0.poison5xx.remove(label) } }
        for label in plan.poisonProgress.sorted() { without { $0.poisonProgress.remove(label) } }
        if plan.lostAnswerChance > 0 { without { $0.lostAnswerChance = 0 } }
        if plan.spikeChance > 0 { without { $0.spikeChance = 0 } }
        if plan.skews.contains(where: { $0 != 0 }) { without { $0.skews = [] } }
        if plan.workers > 1 { without { $0.workers = 1; $0.crashes = $0.crashes.map { var crash = $0; crash.worker = 0; return crash } } }
        for index in plan.enqueues.indices.reversed() where plan.enqueues.count > 1 { without { $0.enqueues.remove(at: index) } }
        return plans
    }
}
