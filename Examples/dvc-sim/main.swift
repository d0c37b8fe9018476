// dvc-sim: runs DVCKit's sync engine against a simulated portal in virtual time, seed after seed,
// and checks the delivery model's invariants I1–I8 after every run (DVCTesting's SyncSimulation).
//
//     dvc-sim [--seed N] [--runs K] [--outbox memory|file] [--steps N] [--workers N]
//             [--scenario NAME] [--list-scenarios] [--json] [--shrink]
//
// Exit status: 0 when no run broke an invariant, 1 when one did, 2 for a usage error.
import DVCTesting
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let usage = """
    usage: dvc-sim [--seed N] [--runs K] [--outbox memory|file] [--steps N] [--workers N]
                   [--scenario NAME|all] [--list-scenarios] [--json] [--shrink] [--quiet]

    Runs the real SyncEngine over an outbox against a simulated portal (latency, refusals,
    storms, outages, HTTP 413 and 500, lost answers, expired sessions, refused logins,
    skewed clocks, crashes), one seeded generator and a virtual clock per run, and checks
    the delivery model's invariants I1-I8. Run K uses seed N+K; a failing seed replays
    exactly with --seed S --runs 1. --shrink prints the smallest failing plan.
      --outbox    memory (default): an in-memory outbox shared by the workers;
                  file: a FileOutbox journal in a temporary directory
      --scenario  one of --list-scenarios, or all (each with K seeds)
      --json      {"runs":K,"violations":N,"byInvariant":{...},"failingSeeds":[...]}

    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("dvc-sim: \(message)\n\n\(usage)".utf8))
    exit(2)
}

var seed: UInt64 = 1
var runs = 1
var outboxKind = "memory"
var steps = 24
var workers = 1
var scenarioName: String?
var json = false
var shrink = false
var quiet = false
var arguments = Array(CommandLine.arguments.dropFirst())[...]
while let argument = arguments.popFirst() {
    func value() -> String {
        guard let next = arguments.popFirst() else { fail("\(argument) needs a value") }
        return next
    }
    switch argument {
    case "--seed": seed = UInt64(value()) ?? { fail("--seed takes a whole number") }()
    case "--runs": runs = Int(value()).flatMap { $0 > 0 ? $0 : nil } ?? { fail("--runs takes a positive number") }()
    case "--outbox":
        outboxKind = value()
        guard ["memory", "file"].contains(outboxKind) else { fail("--outbox is memory or file") }
    case "--steps": steps = Int(value()).flatMap { $0 > 1 ? $0 : nil } ?? { fail("--steps takes a number above 1") }()
    case "--workers": workers = Int(value()).flatMap { $0 > 0 ? $0 : nil } ?? { fail("--workers takes a positive number") }()
    case "--scenario": scenarioName = value()
    case "--json": json = true
    case "--shrink": shrink = true
    case "--quiet": quiet = true
    case "--list-scenarios":
        for scenario in SyncSimulation.Scenario.allCases { print("\(scenario.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)) \(scenario.summary)") }
        exit(0)
    case "--help", "-h":
        print(usage)
        exit(0)
    default: fail("unknown argument \(argument)")
    }
}

let scenarios: [SyncSimulation.Scenario?]
switch scenarioName {
case nil: scenarios = [nil]
case "all": scenarios = SyncSimulation.Scenario.allCases
case let name?:
    guard let scenario = SyncSimulation.Scenario(rawValue: name) else { fail("no scenario \(name); --list-scenarios lists them") }
    scenarios = [scenario]
}

let useFiles = outboxKind == "file"
@Sendable func makeStore() -> any SimulatedOutboxStore {
    useFiles
        ? SyncSimulation.file(in: FileManager.default.temporaryDirectory.appendingPathComponent("dvc-sim-\(getpid())-\(UUID().uuidString)"))
        : SyncSimulation.memory
}

let started = Date()
var total = 0
var byInvariant: [String: Int] = [:]
var failingSeeds: [UInt64] = []
var violations = 0
var calls = 0
var simulated = 0.0
for scenario in scenarios {
    for offset in 0..<runs {
        let runSeed = seed &+ UInt64(offset)
        let report: SyncSimulation.Report
        do {
            report = try await SyncSimulation.run(seed: runSeed, store: makeStore(), scenario: scenario, steps: steps, workers: workers)
        } catch {
            print("seed \(runSeed)\(scenario.map { " (\($0))" } ?? ""): the run could not finish: \(error)")
            failingSeeds.append(runSeed)
            byInvariant["stall", default: 0] += 1
            violations += 1
            total += 1
            continue
        }
        total += 1
        calls += report.calls
        simulated += report.seconds
        if !report.violations.isEmpty {
            violations += report.violations.count
            failingSeeds.append(runSeed)
            for violation in report.violations { byInvariant[violation.invariant.rawValue, default: 0] += 1 }
            if !json { print(report) }
            if shrink {
                let plan = scenario?.plan(seed: runSeed) ?? SimulationPlan.random(seed: runSeed, steps: steps, workers: workers)
                if let shrunk = try await SyncSimulation.shrink(plan, seed: runSeed, makeStore: makeStore) {
                    print("shortest failing plan for seed \(runSeed):")
                    for line in shrunk.plan.summary { print("  \(line)") }
                    for violation in shrunk.report.violations.prefix(5) { print("  \(violation)") }
                }
            }
        } else if !json && !quiet && runs * scenarios.count <= 20 {
            print(report)
        }
    }
}
let elapsed = Date().timeIntervalSince(started)
if json {
    let object: [String: Any] = ["runs": total, "violations": violations, "byInvariant": byInvariant, "failingSeeds": failingSeeds.map { Int(truncatingIfNeeded: $0) }]
    if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) { print(String(decoding: data, as: UTF8.self)) }
} else {
    print("\(total) runs, \(violations) violations in \(failingSeeds.count) runs; \(calls) portal calls, \(Int(simulated)) s simulated in \(String(format: "%.1f", elapsed)) s"
          + (failingSeeds.isEmpty ? "" : "; failing seeds: \(failingSeeds.prefix(20).map(String.init).joined(separator: " "))"))
}
exit(failingSeeds.isEmpty ? 0 : 1)
