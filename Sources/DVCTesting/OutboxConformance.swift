/// The outbox protocol and its types are DVCSync's.
public import DVCSync
import DVCCore
import Foundation

/// Storage an ``OutboxConformance`` check runs against: a fresh, empty outbox for each check, and
/// a way to close it and open the same storage again.
public protocol OutboxConformanceSubject: Sendable {
    /// A new, empty outbox (its own file, schema or table).
    func make() async throws -> any Outbox
    /// Closes `outbox` and opens the same storage again (as a restarted process would).
    func reopen(_ outbox: any Outbox) async throws -> any Outbox
    /// Removes what ``make()`` created.
    func cleanUp() async
}

/// Proves an ``Outbox`` keeps the protocol's contract (bộ kiểm thử tương thích): durability across
/// reopening, order per dossier, leases and their expiry, concurrent claimers never sharing an
/// entry, dead letters with requeue and purge, unchanged versions, counts. `FileOutbox`,
/// ``InMemoryOutbox`` and the database outboxes of `Integrations/` run it in their own suites:
///
/// ```swift
/// @Test(arguments: OutboxConformance.Check.allCases)
/// func conforms(_ check: OutboxConformance.Check) async throws {
///     try await OutboxConformance.run(check, on: MyOutboxSubject())
/// }
/// ```
public enum OutboxConformance: Sendable {
    /// One property of the contract.
    public enum Check: String, Sendable, CaseIterable, CustomStringConvertible {
        /// Claims hand out the oldest pending entries, one version per dossier, later versions
        /// only after the earlier one is settled, and never excluded ones or what follows them.
        case claimsOldestFirstOneVersionPerDossier = "claims oldest first, one version per dossier"
        /// Appending checks against the newest version; invalid and identical versions are not appended.
        case appendValidatesAndSkipsUnchanged = "append validates against the newest version and skips unchanged ones"
        /// Everything survives closing and reopening the storage.
        case durableAcrossReopen = "durable across reopening"
        /// A lease that is neither acknowledged nor released expires; a stale lease's release is ignored.
        case leasesExpire = "leases expire"
        /// Many concurrent claimers never share an entry, and keep each dossier's versions in order.
        case concurrentClaimersKeepOrder = "concurrent claimers never share an entry and keep order"
        /// A release counts attempts and keeps what was delivered.
        case releaseKeepsDeliveryState = "release keeps attempts and delivery state"
        /// Dead letters are listed, requeued (progress only when a newer version exists) and purged.
        case deadLettersRequeueAndPurge = "dead letters: list, requeue, purge"
        /// Counts per agency add up.
        case countsAddUp = "counts per agency add up"
        case settlementIsFenced = "a stale claim's acknowledgement, dead letter and release change nothing"
        case renewalKeepsTheLease = "renewing keeps a lease; a stale claim is not renewed"
        case lastWriteWins = "a revert to an earlier version is appended; only the latest version is unchanged"
        case requeueWithANewerDeadVersion = "requeueing an older dead letter whose newer version is dead sends it whole"

        /// The raw value.
        public var description: String { rawValue }
    }

    /// A broken promise: which check, and what was seen.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The check that failed.
        public let check: Check
        /// What was expected and what happened.
        public let message: String
        /// `check: message`.
        public var description: String { "\(check): \(message)" }
    }

    /// Runs every check on `subject`.
    /// - Throws: the first ``Failure``, or whatever the outbox threw.
    public static func runAll(on subject: any OutboxConformanceSubject) async throws {
        for check in Check.allCases { try await run(check, on: subject) }
    }

    /// Runs one check on a fresh outbox of `subject`.
    /// - Throws: a ``Failure``, or whatever the outbox threw.
    public static func run(_ check: Check, on subject: any OutboxConformanceSubject) async throws {
        let outbox = try await subject.make()
        let run = Run(check: check, subject: subject)
        do {
            switch check {
            case .claimsOldestFirstOneVersionPerDossier: try await run.claimsOldestFirst(outbox)
            case .appendValidatesAndSkipsUnchanged: try await run.appendValidates(outbox)
            case .durableAcrossReopen: try await run.durable(outbox)
            case .leasesExpire: try await run.leasesExpire(outbox)
            case .concurrentClaimersKeepOrder: try await run.concurrentClaimers(outbox)
            case .releaseKeepsDeliveryState: try await run.releaseKeepsState(outbox)
            case .deadLettersRequeueAndPurge: try await run.deadLetters(outbox)
            case .countsAddUp: try await run.counts(outbox)
            case .settlementIsFenced: try await run.settlementIsFenced(outbox)
            case .renewalKeepsTheLease: try await run.renewal(outbox)
            case .lastWriteWins: try await run.lastWriteWins(outbox)
            case .requeueWithANewerDeadVersion: try await run.requeueWithNewerDead(outbox)
            }
        } catch {
            await subject.cleanUp()
            throw error
        }
        await subject.cleanUp()
    }

    struct Run {
        let check: Check
        let subject: any OutboxConformanceSubject

        func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
            if !condition { throw Failure(check: check, message: message()) }
        }

        func change(_ number: Int, agency: String = "000.00.14.H20", status: DossierStatus = .received, progress: Int = 0) throws -> EncodedChange {
            let dossier = try Fixtures.dossier(number, agency: agency, status: status)
            return try DossierChange(dossier, progress: try (0..<progress).map { try Fixtures.progress(for: dossier, minute: $0) }).encoded()
        }

        @discardableResult
        func append(_ outbox: any Outbox, _ changes: [EncodedChange]) async throws -> [UInt64] {
            try await outbox.append(changes) { _, _ in [] }.map { outcome in
                guard case .appended(let sequence) = outcome else { throw Failure(check: check, message: "expected appended, got \(outcome)") }
                return sequence
            }
        }

        func codes(_ entries: [OutboxEntry]) -> [String] { entries.map { "\($0.dossier.code.rawValue)#\($0.dossier.status.wireValue)" } }

        func claimsOldestFirst(_ outbox: any Outbox) async throws {
            let a1 = try change(1), b1 = try change(2), a2 = try change(1, status: .processing), c1 = try change(3)
            let sequences = try await append(outbox, [a1, b1, a2, c1])
            try expect(sequences == sequences.sorted() && Set(sequences).count == 4, "sequence numbers increase: \(sequences)")
            let first = try await outbox.claim(limit: 10, lease: .seconds(60), excluding: [])
            try expect(first.map(\.sequence) == [sequences[0], sequences[1], sequences[3]],
                       "first claim is [A1, B1, C1] without A2 (its earlier version is pending): got \(codes(first))")
            try expect(try await outbox.claim(limit: 10, lease: .seconds(60), excluding: []).isEmpty, "leased entries are not handed out again")
            try await outbox.acknowledge([first[0].claim], known: [a1.code])
            let second = try await outbox.claim(limit: 10, lease: .seconds(60), excluding: [])
            try expect(second.map(\.sequence) == [sequences[2]], "after A1 is acknowledged, A2 is claimable: got \(codes(second))")
            try expect(second.first?.dossier.status == .processing, "an entry comes back as it was appended")
            try expect(try await outbox.knownToPortal([a1.code, b1.code]) == [a1.code], "acknowledging with known marks the dossier known")
            // Exclusion skips an entry and the later versions of its dossier.
            let other = try await append(outbox, [try change(4), try change(4, status: .processing), try change(5)])
            let excluded = try await outbox.claim(limit: 10, lease: .seconds(60), excluding: [other[0]])
            try expect(excluded.map(\.sequence) == [other[2]], "excluding D1 skips D1 and D2: got \(codes(excluded))")
        }

        func appendValidates(_ outbox: any Outbox) async throws {
            let first = try await append(outbox, [try change(1)])
            final class Seen: @unchecked Sendable {
                var latest: [LatestVersion?] = []
                let lock = NSLock()
            }
            let seen = Seen()
            let outcomes = try await outbox.append([try change(1, status: .processing), try change(1, status: .awaitingReturn), try change(2)]) { index, latest in
                seen.lock.withLock { seen.latest.append(latest) }
                return index == 1 ? [ValidationIssue(path: "TrangThaiHoSo", rule: .statusTransition, message: "refused by the test")] : []
            }
            try expect(seen.latest.first??.sequence == first[0] && seen.latest.first??.status == .received,
                       "validate sees the newest stored version (sequence \(first[0]), received): got \(String(describing: seen.latest.first))")
            guard outcomes.count == 3, case .appended(let processing) = outcomes[0], case .invalid = outcomes[1], case .appended = outcomes[2] else {
                throw Failure(check: check, message: "appended, invalid, appended: got \(outcomes)")
            }
            try expect(seen.latest.count == 3 && seen.latest[1]?.sequence == processing && seen.latest[1]?.status == .processing,
                       "validate sees earlier changes of the same call as the newest version")
            try expect(seen.latest[2] == nil, "validate gets nil for a dossier never appended")
            let again = try await outbox.append([try change(1, status: .processing)]) { _, _ in [] }
            try expect(again == [.unchanged(sequence: processing)], "the latest version given again is not appended: got \(again)")
            let dossier = try Fixtures.dossier(1)
            let forced = try await outbox.append([try DossierChange(dossier, resend: true).encoded()]) { _, _ in [] }
            guard case .appended? = forced.first else { throw Failure(check: check, message: "a change marked resend is appended: got \(forced)") }
        }

        func durable(_ outbox: any Outbox) async throws {
            let sequences = try await append(outbox, [try change(1, progress: 2), try change(2), try change(3, agency: "000.00.15.H20"), try change(4)])
            let claimed = try await outbox.claim(limit: 10, lease: .seconds(60), excluding: [])
            try expect(claimed.count == 4, "four claimable entries")
            try await outbox.acknowledge([claimed[0].claim], known: [claimed[0].dossier.code])
            try await outbox.release([Release(sequence: sequences[1], lease: claimed[1].lease, failures: 1, lastFailure: "HTTP 503",
                                              dossierDelivered: true, progressDelivered: 0)])
            try await outbox.deadLetter([DeadLetterRequest(claimed[2].claim, reason: DeadLetterReason(.refused, "error_code -1: bad"))])
            // (A lease may outlive a reopen — a database keeps it — so the last one is given back first.)
            try await outbox.release([Release(sequence: sequences[3], lease: claimed[3].lease)])
            let before = try await outbox.counts()
            let reopened = try await subject.reopen(outbox)
            let after = try await reopened.counts()
            try expect(equalIgnoringDates(after, before), "counts survive reopening: \(before) became \(after)")
            let dates = zip(before.sorted { $0.key < $1.key }, after.sorted { $0.key < $1.key }).map { ($0.value.oldestPendingSince, $1.value.oldestPendingSince) }
            try expect(dates.allSatisfy { a, b in a == nil && b == nil || abs((a ?? .distantPast).timeIntervalSince(b ?? .distantFuture)) < 1 },
                       "the oldest pending date survives reopening")
            let pending = try await reopened.claim(limit: 10, lease: .seconds(60), excluding: [])
            try expect(pending.map(\.sequence) == [sequences[1], sequences[3]], "pending entries survive, in order: got \(pending.map(\.sequence))")
            try expect(pending.first?.delivery.attempts == 1 && pending.first?.delivery.dossierDelivered == true,
                       "a release's attempts and delivery survive: got \(String(describing: pending.first?.delivery))")
            let dead = try await reopened.deadLetters(matching: .all)
            try expect(dead.map(\.entry.sequence) == [sequences[2]] && dead.first?.reason == DeadLetterReason(.refused, "error_code -1: bad"),
                       "dead letters survive with their reason")
            try expect(try await reopened.knownToPortal([claimed[0].dossier.code]).count == 1, "known dossiers survive")
            let next = try await append(reopened, [try change(5)])
            try expect(next[0] > sequences.max() ?? 0, "sequence numbers continue after the highest one (\(next[0]))")
        }

        func equalIgnoringDates(_ a: [String: OutboxCounts], _ b: [String: OutboxCounts]) -> Bool {
            func strip(_ counts: [String: OutboxCounts]) -> [String: OutboxCounts] {
                counts.mapValues { value in
                    var value = value
                    value.oldestPendingSince = nil
                    return value
                }
            }
            return strip(a) == strip(b)
        }

        func leasesExpire(_ outbox: any Outbox) async throws {
            try await append(outbox, [try change(1)])
            let first = try await outbox.claim(limit: 1, lease: .milliseconds(300), excluding: [])
            try expect(first.count == 1, "claimable at first")
            try expect(try await outbox.claim(limit: 1, lease: .milliseconds(300), excluding: []).isEmpty, "not while leased")
            try await Task.sleep(for: .milliseconds(700))
            let second = try await outbox.claim(limit: 1, lease: .seconds(60), excluding: [])
            try expect(second.map(\.sequence) == first.map(\.sequence), "claimable again once the lease expired")
            try expect(second.first?.lease != first.first?.lease, "a new claim has a new lease")
            // The first claimer's release is stale: it must not free the second claimer's lease.
            try await outbox.release([Release(sequence: first[0].sequence, lease: first[0].lease, failures: 1, lastFailure: "late")])
            try expect(try await outbox.claim(limit: 1, lease: .seconds(60), excluding: []).isEmpty, "a stale lease's release is ignored")
            try await outbox.release([Release(sequence: second[0].sequence, lease: second[0].lease)])
            let third = try await outbox.claim(limit: 1, lease: .seconds(60), excluding: [])
            try expect(third.first?.delivery.attempts == 0, "a release without failures counts no attempt")
        }

        func concurrentClaimers(_ outbox: any Outbox) async throws {
            var changes: [EncodedChange] = []
            for number in 1...40 { changes.append(try change(number)) }
            for number in 1...40 { changes.append(try change(number, status: .processing)) }
            for chunk in stride(from: 0, to: changes.count, by: 20) { try await append(outbox, Array(changes[chunk..<(chunk + 20)])) }
            actor Log {
                var events: [(claimed: UInt64?, acknowledged: UInt64?, code: String, status: DossierStatus)] = []
                func claimed(_ entry: OutboxEntry) { events.append((entry.sequence, nil, entry.dossier.code.rawValue, entry.dossier.status)) }
                func acknowledged(_ entry: OutboxEntry) { events.append((nil, entry.sequence, entry.dossier.code.rawValue, entry.dossier.status)) }
            }
            let log = Log()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        var idle = 0
                        while idle < 20 {
                            let entries = try await outbox.claim(limit: 3, lease: .seconds(60), excluding: [])
                            if entries.isEmpty {
                                idle += 1
                                try await Task.sleep(for: .milliseconds(5))
                                continue
                            }
                            idle = 0
                            for entry in entries { await log.claimed(entry) }
                            await Task.yield()
                            for entry in entries { await log.acknowledged(entry) }
                            try await outbox.acknowledge(entries.map(\.claim), known: entries.map(\.dossier.code))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let events = await log.events
            let claims = events.compactMap(\.claimed)
            try expect(claims.count == 80 && Set(claims).count == 80, "each of 80 entries claimed exactly once: \(claims.count) claims, \(Set(claims).count) distinct")
            for number in 1...40 {
                let code = try change(number).code.rawValue
                let firstAcknowledged = events.firstIndex { $0.acknowledged != nil && $0.code == code && $0.status == .received }
                let secondClaimed = events.firstIndex { $0.claimed != nil && $0.code == code && $0.status == .processing }
                guard let firstAcknowledged, let secondClaimed else { throw Failure(check: check, message: "\(code): both versions go out") }
                try expect(firstAcknowledged < secondClaimed, "\(code): the later version is claimed only after the earlier one was acknowledged")
            }
        }

        func releaseKeepsState(_ outbox: any Outbox) async throws {
            try await append(outbox, [try change(1, progress: 3)])
            let claimed = try await outbox.claim(limit: 1, lease: .seconds(60), excluding: [])
            guard let entry = claimed.first else { throw Failure(check: check, message: "claimable") }
            try await outbox.release([Release(sequence: entry.sequence, lease: entry.lease, failures: 2, lastFailure: "HTTP 500",
                                              dossierDelivered: true, progressDelivered: 2)])
            let again = try await outbox.claim(limit: 1, lease: .seconds(60), excluding: [])
            guard let back = again.first else { throw Failure(check: check, message: "claimable after release") }
            try expect(back.delivery.attempts == 2 && back.delivery.lastFailure == "HTTP 500" && back.delivery.firstFailureAt != nil,
                       "attempts and last failure kept: got \(back.delivery)")
            try expect(back.delivery.dossierDelivered && back.delivery.progressDelivered == 2 && back.progressToSend.count == 1,
                       "what was delivered is kept: got \(back.delivery)")
        }

        func deadLetters(_ outbox: any Outbox) async throws {
            let sequences = try await append(outbox, [try change(1, progress: 1), try change(2), try change(3)])
            let claimed = try await outbox.claim(limit: 10, lease: .seconds(60), excluding: [])
            try expect(claimed.map(\.sequence) == sequences, "three claimable entries")
            try await outbox.deadLetter([
                DeadLetterRequest(claimed[0].claim, reason: DeadLetterReason(.refused, "error_code -1: invalid status")),
                DeadLetterRequest(claimed[1].claim, reason: DeadLetterReason(.attemptsExhausted, "10 attempts failed")),
                DeadLetterRequest(claimed[2].claim, reason: DeadLetterReason(.refused, "error_code -1: invalid field")),
            ])
            try expect(try await outbox.deadLetters(matching: .all).map(\.entry.sequence) == sequences, "all three are dead letters, oldest first")
            try expect(try await outbox.deadLetters(matching: .init(kinds: [.refused])).map(\.entry.sequence) == [sequences[0], sequences[2]], "filter by kind")
            try expect(try await outbox.deadLetters(matching: .init(reasonContaining: "FIELD")).map(\.entry.sequence) == [sequences[2]],
                       "filter by reason text, case-insensitively")
            try expect(try await outbox.claim(limit: 10, lease: .seconds(60), excluding: []).isEmpty, "dead letters are never claimed")
            // Requeue dossier 2: it goes again, behind everything, with its attempts reset.
            let code2 = try change(2).code.rawValue
            try expect(try await outbox.requeue(matching: .init(dossierCodes: [code2])) == 1, "requeue by dossier code")
            let requeued = try await outbox.claim(limit: 10, lease: .seconds(60), excluding: [])
            try expect(requeued.count == 1 && requeued[0].dossier.code.rawValue == code2 && requeued[0].delivery.attempts == 0
                       && !requeued[0].delivery.dossierDelivered, "the requeued entry goes again whole, attempts reset: got \(codes(requeued))")
            try expect(requeued[0].sequence > sequences[2], "a requeued entry goes behind everything")
            try await outbox.acknowledge([requeued[0].claim], known: [requeued[0].dossier.code])
            // Dossier 1 has a newer version: requeueing its dead letter sends only its progress.
            let newer = try await append(outbox, [try change(1, status: .processing)])
            try expect(try await outbox.requeue(matching: .init(sequences: [sequences[0]])) == 1, "requeue by sequence")
            let next = try await outbox.claim(limit: 10, lease: .seconds(60), excluding: [])
            try expect(next.first?.sequence == newer[0], "the newer version comes first")
            try await outbox.acknowledge(next.map(\.claim), known: next.map(\.dossier.code))
            let progressOnly = try await outbox.claim(limit: 10, lease: .seconds(60), excluding: [])
            try expect(progressOnly.count == 1 && progressOnly[0].delivery.dossierDelivered && progressOnly[0].progressToSend.count == 1,
                       "with a newer version, a requeued entry carries only its progress: got \(progressOnly.map(\.delivery))")
            // Purge dossier 3: counted as purged; an identical version may then be appended again.
            try expect(try await outbox.purge(matching: .init(kinds: [.refused])) == 1, "purge by kind")
            try expect(try await outbox.deadLetters(matching: .all).isEmpty, "no dead letters left")
            let counts = try await outbox.counts()["000.00.14.H20"]
            try expect(counts?.purged == 1, "purged entries are counted: got \(String(describing: counts))")
            let outcome = try await outbox.append([try change(3)]) { _, _ in [] }
            guard case .appended? = outcome.first else {
                throw Failure(check: check, message: "a version identical to a purged one is appended again: got \(outcome)")
            }
        }

        func counts(_ outbox: any Outbox) async throws {
            let sequences = try await append(outbox, [try change(1), try change(2), try change(3), try change(4, agency: "000.00.15.H20")])
            let claimed = try await outbox.claim(limit: 10, lease: .seconds(60), excluding: [])
            try await outbox.acknowledge([claimed[0].claim], known: [])
            try await outbox.deadLetter([DeadLetterRequest(claimed[1].claim, reason: DeadLetterReason(.refused, "no"))])
            try await outbox.release(claimed.filter { $0.sequence > sequences[1] }.map { Release(sequence: $0.sequence, lease: $0.lease) })
            let counts = try await outbox.counts()
            let h14 = counts["000.00.14.H20"], h15 = counts["000.00.15.H20"]
            try expect(h14?.received == 3 && h14?.acknowledged == 1 && h14?.deadLettered == 1 && h14?.pending == 1,
                       "000.00.14.H20: received 3 = acknowledged 1 + dead 1 + pending 1: got \(String(describing: h14))")
            try expect(h15?.received == 1 && h15?.pending == 1 && h15?.oldestPendingSince != nil, "000.00.15.H20: one pending, dated")
            try expect(Set(counts.keys) == ["000.00.14.H20", "000.00.15.H20"], "one row per receiving agency")
        }
    }
}

/// The conformance subject of ``InMemoryOutbox``: reopening returns the same instance (nothing
/// is lost because nothing was closed).
public struct InMemoryOutboxSubject: OutboxConformanceSubject {
    /// Creates the subject.
    public init() {}
    /// A new outbox.
    public func make() async throws -> any Outbox { InMemoryOutbox() }
    /// The same outbox.
    public func reopen(_ outbox: any Outbox) async throws -> any Outbox { outbox }
    /// Nothing to remove.
    public func cleanUp() async {}
}
