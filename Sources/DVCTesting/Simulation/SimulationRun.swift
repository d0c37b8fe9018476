import DVCClient
import DVCCore
import DVCSync
import Foundation

// MARK: - One run

@available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *)
final class SimulationRun: @unchecked Sendable {
    struct Worker {
        var engine: SyncEngine
        var handle: WorkerOutbox
        var base: any Outbox
        var task: Task<Void, Never>
    }

    /// What the one-stop system enqueued: each appended version, in order, per dossier.
    struct Appended {
        let sequence: UInt64
        let label: String
        let progress: [String]
    }

    let plan: SimulationPlan
    let seed: UInt64
    let scheduler: SimulationScheduler
    let store: any SimulatedOutboxStore
    let scenario: String?
    let clock: SimulationClock
    let portal: SimulatedPortal
    let jitter: SharedRandom
    private let lock = NSLock()
    private var workers: [Worker?] = []
    private var appended: [String: [Appended]] = [:]
    private var bySequence: [UInt64: (code: String, appended: Appended)] = [:]
    private var acknowledgedClaims: [UInt64] = []
    /// The version each dossier was last given (appended or not): what the portal must end on.
    private var lastEnqueued: [String: String] = [:]
    /// Versions appended while equal to the dossier's latest: (dossier, label, latest, new).
    private var appendedAgain: [(String, String, UInt64, UInt64)] = []
    private var violations: [SyncSimulation.Violation] = []

    init(plan: SimulationPlan, seed: UInt64, scheduler: SimulationScheduler, store: any SimulatedOutboxStore, scenario: String?) {
        self.plan = plan
        self.seed = seed
        self.scheduler = scheduler
        self.store = store
        self.scenario = scenario
        clock = SimulationClock(scheduler)
        portal = SimulatedPortal(plan: plan, clock: clock, seed: seed)
        jitter = SharedRandom(seed: seed ^ 0x4A49_5454_4552)
    }

    private func violate(_ invariant: SyncSimulation.Invariant, _ dossier: String, _ detail: String) {
        lock.withLock { violations.append(.init(invariant: invariant, dossier: dossier, detail: detail)) }
    }

    // MARK: Workers

    private func makeEngine(_ index: Int, over outbox: any Outbox) -> (SyncEngine, WorkerOutbox) {
        let handle = WorkerOutbox(outbox) { [self] claims in lock.withLock { acknowledgedClaims += claims.map(\.sequence) } }
        let workerClock = SimulationClock(scheduler, skew: index < plan.skews.count ? plan.skews[index] : 0)
        let jitter = self.jitter
        let client = PortalClient(
            configuration: .init(adapterURL: URL(string: "https://portal.sim.dvckit.invalid") ?? URL(fileURLWithPath: "/"),
                                 credentials: .init(username: "sim", password: SyncSimulation.password), unitCode: "000.00.14.H20",
                                 timeout: .seconds(plan.clientTimeout), loginCooldown: .seconds(30)),
            transport: portal, sleeper: workerClock, now: workerClock.now, random: { jitter.unit() })
        let engine = SyncEngine(client: client, outbox: handle, configuration: .init(
            dossierBatchSize: plan.batchSize, concurrency: plan.concurrency, maximumAttempts: plan.maximumAttempts, lease: plan.lease,
            compactionThreshold: 40, eventSink: TraceSink.enabled ? TraceSink(worker: index, scheduler: scheduler) : nil,
            sleeper: workerClock, now: workerClock.now))
        return (engine, handle)
    }

    private func start(_ index: Int, over outbox: any Outbox) -> Worker {
        let (engine, handle) = makeEngine(index, over: outbox)
        let clock = self.clock
        let task = Task(executorPreference: scheduler) {
            while !Task.isCancelled {
                await engine.syncUntilDone(maximumBackoff: .seconds(30))
                do { try await clock.sleep(for: .seconds(10)) } catch { return }
            }
        }
        return Worker(engine: engine, handle: handle, base: outbox, task: task)
    }

    /// Kills workers (their handles refuse everything from now on), waits for their tasks.
    private func kill(_ indices: [Int]) async {
        var dying: [Worker] = []
        for index in indices {
            guard let worker = workers[index] else { continue }
            worker.handle.kill()
            worker.task.cancel()
            dying.append(worker)
            workers[index] = nil
        }
        for worker in dying { await worker.task.value }
        let acknowledged = lock.withLock { Set(acknowledgedClaims.compactMap { bySequence[$0]?.appended.progress }.joined()) }
        portal.workerDied(acknowledged: acknowledged)
        if !store.sharedAcrossProcesses, let base = dying.first?.base { await store.close(base) }
    }

    private func startAll(_ indices: [Int]) async throws {
        if store.sharedAcrossProcesses {
            for index in indices { workers[index] = start(index, over: try await store.open(now: clock.now)) }
        } else {
            let outbox = try await store.open(now: clock.now)
            for index in indices { workers[index] = start(index, over: outbox) }
        }
    }

    // MARK: The run

    func execute() async -> SyncSimulation.Report {
        portal.knownToOutbox = { [self] code in
            guard let outbox = lock.withLock({ workers.compactMap { $0 }.first?.base }), let dossierCode = try? DossierCode(code) else { return false }
            return (try? await outbox.knownToPortal([dossierCode]).isEmpty == false) ?? false
        }
        workers = Array(repeating: nil, count: plan.workers)
        do { try await startAll(Array(0..<plan.workers)) } catch {
            violate(.crashSafety, "", "the store could not be opened: \(error)")
            return report(counts: nil, dead: [])
        }
        // The timeline: enqueues (the plan's, then a trickle of good dossiers so that evidence keeps
        // coming), crashes and restarts, then the end.
        enum Event { case enqueue(SimulationPlan.Enqueue), crash(SimulationPlan.Crash) }
        var timeline: [(at: Double, order: Int, event: Event)] = []
        for (order, enqueue) in plan.enqueues.enumerated() { timeline.append((enqueue.at, order, .enqueue(enqueue))) }
        var trickle = 9_000
        var moment = plan.faultEnd
        while moment < plan.faultEnd + plan.settleTime - 1_800 {
            timeline.append((moment, 100_000 + trickle, .enqueue(.init(at: moment, dossier: trickle, content: 1, progress: 1))))
            trickle += 1
            moment += 120
        }
        for (order, crash) in plan.crashes.enumerated() { timeline.append((crash.at, 200_000 + order, .crash(crash))) }
        timeline.sort { ($0.at, $0.order) < ($1.at, $1.order) }
        var pending = timeline[...]
        while true {
            let nextRestart = restarts.min { $0.at < $1.at }
            let nextEvent = pending.first
            let at: Double, isRestart: Bool
            switch (nextEvent, nextRestart) {
            case (nil, nil): return await finishRun()
            case (let event?, nil): (at, isRestart) = (event.at, false)
            case (nil, let restart?): (at, isRestart) = (restart.at, true)
            case (let event?, let restart?): (at, isRestart) = restart.at <= event.at ? (restart.at, true) : (event.at, false)
            }
            try? await clock.sleep(for: .seconds(max(0, at - scheduler.seconds)))
            if isRestart, let restart = nextRestart {
                await perform(restart)
                continue
            }
            guard let event = pending.popFirst() else { continue }
            switch event.event {
            case .enqueue(let enqueue):
                await produce(enqueue)
            case .crash(let crash):
                let victims = store.sharedAcrossProcesses ? [crash.worker] : Array(0..<plan.workers)
                let alive = victims.filter { workers[$0] != nil }
                guard !alive.isEmpty else { continue }
                await kill(alive)
                restarts.append((scheduler.seconds + crash.downFor, alive))
            }
        }
    }

    /// Restarts waiting, as (when, which workers).
    private var restarts: [(at: Double, workers: [Int])] = []

    private func perform(_ restart: (at: Double, workers: [Int])) async {
        restarts.removeAll { $0.at == restart.at && $0.workers == restart.workers }
        do { try await startAll(restart.workers) } catch { violate(.crashSafety, "", "reopening after a crash failed: \(error)") }
    }

    /// A live worker's engine; when every worker is down, waits for the next restart and does it.
    private func liveEngine() async -> SyncEngine? {
        while true {
            if let engine = workers.compactMap({ $0 }).first?.engine { return engine }
            guard let restart = restarts.min(by: { $0.at < $1.at }) else { return nil }
            try? await clock.sleep(for: .seconds(max(0, restart.at - scheduler.seconds)))
            await perform(restart)
        }
    }

    /// Lets the run go on to its end, stops every worker and checks what the store and the portal hold.
    private func finishRun() async -> SyncSimulation.Report {
        try? await clock.sleep(for: .seconds(max(0, plan.faultEnd + plan.settleTime - scheduler.seconds)))
        await kill(Array(0..<plan.workers))
        guard let final = try? await store.open(now: clock.now) else {
            violate(.crashSafety, "", "the store could not be reopened at the end")
            return report(counts: nil, dead: [])
        }
        let counts = try? await final.counts()
        let dead = (try? await final.deadLetters(matching: .all)) ?? []
        check(counts: counts, dead: dead)
        await store.close(final)
        return report(counts: counts, dead: dead)
    }

    /// Enqueues one version through a live worker's engine, retrying after a crash until the
    /// engine answers (a retry of a version that did get in before the crash is "unchanged").
    private func produce(_ enqueue: SimulationPlan.Enqueue) async {
        let change: DossierChange
        do {
            var dossier = try Fixtures.dossier(enqueue.dossier)
            dossier.note = enqueue.label
            let progress = try (0..<enqueue.progress).map { index -> ProgressEntry in
                var entry = try Fixtures.progress(for: dossier, minute: index)
                entry.action = "\(enqueue.label).p\(index)"
                return entry
            }
            change = DossierChange(dossier, progress: progress)
        } catch {
            violate(.crashSafety, "", "the plan made an invalid dossier: \(error)")
            return
        }
        let code = change.dossier.code.rawValue
        while true {
            guard let engine = await liveEngine() else {
                violate(.crashSafety, code, "no worker left to enqueue \(enqueue.label)")
                return
            }
            let outcome: AppendOutcome
            do {
                guard let first = try await engine.enqueue(contentsOf: [change]).first else { return }
                outcome = first
            } catch {
                try? await clock.sleep(for: .seconds(5))
                continue
            }
            let history = lock.withLock { appended[code] ?? [] }
            if case .invalid = outcome {} else { lock.withLock { lastEnqueued[code] = enqueue.label } }
            switch outcome {
            case .appended(let sequence):
                if let latest = history.last, latest.label == enqueue.label {
                    // Right only if that latest version had been dead-lettered: checked at the end.
                    lock.withLock { appendedAgain.append((code, enqueue.label, latest.sequence, sequence)) }
                }
                let record = SimulationRun.Appended(sequence: sequence, label: enqueue.label, progress: change.progress.map { $0.action ?? "" })
                lock.withLock {
                    appended[code, default: []].append(record)
                    bySequence[sequence] = (code, record)
                }
            case .unchanged(let sequence):
                if history.last?.label != enqueue.label {
                    violate(.lastWriteWins, code, "\(enqueue.label) was answered unchanged (sequence \(sequence)) though the latest version is \(history.last?.label ?? "none")")
                }
            case .invalid(let issues):
                violate(.crashSafety, code, "the plan's version \(enqueue.label) was refused by validation: \(issues)")
            }
            return
        }
    }

    // MARK: Checks

    private func check(counts: [String: OutboxCounts]?, dead: [DeadLetter]) {
        let appended = lock.withLock { self.appended }
        let bySequence = lock.withLock { self.bySequence }
        let total = counts?.values.reduce(into: OutboxCounts()) { $0.add($1) }
        let deadSequences = Set(dead.map(\.entry.sequence))
        let versions = portal.versions, progress = portal.progress
        // I7 and I1.
        if let total {
            if total.received != bySequence.count {
                violate(.crashSafety, "", "the outbox holds \(total.received) entries; enqueue returned \(bySequence.count) appended versions")
            }
            if total.pending > 0 {
                let held = appended.flatMap { code, list in list.map { (code, $0) } }.filter { !deadSequences.contains($0.1.sequence) }
                    .filter { code, version in versions[code]?.last?.label != version.label || version.label != appended[code]?.last?.label }
                violate(.nothingStranded, "", "\(total.pending) entries still pending \(Int(plan.settleTime)) s after the faults ended"
                        + (held.isEmpty ? "" : "; e.g. " + held.prefix(3).map { "\($0.0) \($0.1.label)" }.joined(separator: ", ")))
            }
        } else {
            violate(.crashSafety, "", "the outbox could not be counted at the end")
        }
        // I8: a version equal to the latest is appended again only when that latest was dead-lettered.
        for (code, label, latest, sequence) in lock.withLock({ appendedAgain }) where !deadSequences.contains(latest) {
            violate(.lastWriteWins, code, "\(label) equals the latest version (sequence \(latest), not dead-lettered) but was appended again as \(sequence)")
        }
        // I6: only versions at fault are dead-lettered.
        let defective = plan.defective
        for letter in dead {
            let label = letter.entry.dossier.note ?? ""
            if !defective.contains(label) {
                violate(.isolation, letter.entry.dossier.code.rawValue, "\(label) dead-lettered though nothing is wrong with it: \(letter.reason)")
            }
        }
        // I2: order, and the final version.
        for (code, list) in appended {
            let received = versions[code]?.map(\.label) ?? []
            var position = 0
            for label in received {
                guard let next = list[position...].firstIndex(where: { $0.label == label }) else {
                    violate(.order, code, "received \(received.joined(separator: " → ")) for enqueued \(list.map(\.label).joined(separator: " → ")): \(label) came after a newer version")
                    break
                }
                position = next
            }
            let given = lock.withLock { lastEnqueued[code] } ?? list.last?.label
            if let given, let latest = list.last(where: { $0.label == given }), !deadSequences.contains(latest.sequence), received.last != given {
                violate(.order, code, "the portal ends on \(received.last ?? "nothing"), the latest version given is \(given) (received \(received.joined(separator: " → ")))")
            }
        }
        // I4: progress after its version, in order, once (twice where an answer was lost).
        let answersLost = portal.progressAnswersLost
        for (code, applied) in progress {
            let list = appended[code] ?? []
            let order = list.flatMap(\.progress)
            var counts: [String: Int] = [:]
            var last = -1
            for item in applied {
                counts[item.label, default: 0] += 1
                let limit = 1 + answersLost[item.label, default: 0]
                if counts[item.label, default: 0] > limit {
                    violate(.progress, code, "progress \(item.label) reached the portal \(counts[item.label, default: 0]) times")
                }
                guard let index = order.firstIndex(of: item.label) else { continue }
                if index < last && counts[item.label] == 1 {
                    violate(.progress, code, "progress \(item.label) arrived after a later entry")
                }
                last = max(last, index)
                let version = SyncSimulation.versionLabel(ofProgress: item.label)
                let versionIndex = list.firstIndex { $0.label == version } ?? 0
                let before = (versions[code] ?? []).filter { $0.at <= item.at }.map(\.label)
                if !before.contains(where: { label in list[versionIndex...].contains { $0.label == label } }) {
                    violate(.progress, code, "progress \(item.label) arrived before its dossier version \(version)")
                }
            }
        }
        // I5: what was acknowledged reached the portal, whole.
        for sequence in Set(lock.withLock { acknowledgedClaims }) {
            guard let (code, version) = bySequence[sequence] else { continue }
            if !(versions[code] ?? []).contains(where: { $0.label == version.label }) {
                violate(.truthful, code, "\(version.label) (sequence \(sequence)) acknowledged, never received")
            }
            let got = Set((progress[code] ?? []).map(\.label))
            for label in version.progress where !got.contains(label) {
                violate(.truthful, code, "\(version.label) (sequence \(sequence)) acknowledged without its progress \(label)")
            }
        }
        for violation in portal.violations { violate(violation.invariant, violation.dossier, violation.detail) }
    }

    private func report(counts: [String: OutboxCounts]?, dead: [DeadLetter]) -> SyncSimulation.Report {
        let total = counts?.values.reduce(into: OutboxCounts()) { $0.add($1) } ?? OutboxCounts()
        return SyncSimulation.Report(seed: seed, scenario: scenario, plan: plan.summary, seconds: scheduler.seconds, calls: portal.calls,
                                     acknowledged: total.acknowledged, deadLettered: total.deadLettered, pending: total.pending,
                                     violations: lock.withLock { violations })
    }
}
