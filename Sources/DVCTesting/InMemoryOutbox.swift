/// The outbox protocol and its types are DVCSync's.
public import DVCSync
/// The outbox holds DVCCore's models.
public import DVCCore
/// `Date` and `Duration` appear in this file's public API.
public import Foundation

/// An ``Outbox`` in memory (hàng đợi trong bộ nhớ): the reference implementation of the protocol's
/// contract — what `OutboxConformance` checks every other outbox against — and a fast outbox for
/// tests of code that drives a `SyncEngine`. Nothing survives the process.
///
/// ```swift
/// let engine = SyncEngine(client: client, outbox: InMemoryOutbox())
/// ```
public final class InMemoryOutbox: Outbox {
    private let store: Store

    /// Creates an empty outbox; `now` is the clock leases expire by (injectable for tests).
    public init(now: @escaping @Sendable () -> Date = { Date() }) { store = Store(now: now) }

    /// When set, every change fails as a full disk would (to test how the engine copes).
    public func setFailing(_ failing: Bool) async { await store.setFailing(failing) }

    /// Appends changes (see ``Outbox/append(_:validate:)``).
    public func append(_ changes: [EncodedChange], validate: @Sendable (Int, LatestVersion?) -> [ValidationIssue]) async throws -> [AppendOutcome] {
        try await store.append(changes, validate: validate)
    }

    /// Leases claimable entries.
    public func claim(limit: Int, lease: Duration, excluding: Set<UInt64>) async throws -> [OutboxEntry] {
        try await store.claim(limit: limit, lease: lease, excluding: excluding)
    }

    /// Acknowledges entries.
    public func acknowledge(_ claims: [Claim], known: [DossierCode]) async throws { try await store.acknowledge(claims, known: known) }

    /// Extends the leases of claims still current.
    public func renew(_ claims: [Claim], lease: Duration) async throws -> Set<UInt64> { try await store.renew(claims, lease: lease) }

    /// Gives leased entries back.
    public func release(_ releases: [Release]) async throws { try await store.release(releases) }

    /// Dead-letters entries.
    public func deadLetter(_ letters: [DeadLetterRequest]) async throws { try await store.deadLetter(letters) }

    /// The matching dead letters, oldest first.
    public func deadLetters(matching filter: DeadLetterFilter) async throws -> [DeadLetter] { await store.deadLetters(matching: filter) }

    /// Requeues matching dead letters.
    public func requeue(matching filter: DeadLetterFilter) async throws -> Int { try await store.requeue(matching: filter) }

    /// Purges matching dead letters.
    public func purge(matching filter: DeadLetterFilter) async throws -> Int { try await store.purge(matching: filter) }

    /// Which of `codes` the portal is known to have.
    public func knownToPortal(_ codes: [DossierCode]) async throws -> Set<DossierCode> { await store.knownToPortal(codes) }

    /// Counts per receiving agency.
    public func counts() async throws -> [String: OutboxCounts] { await store.counts() }

    private actor Store {
        enum State { case pending, acknowledged, dead(DeadLetterReason, Date), purged }

        struct Row {
            let sequence: UInt64
            var change: DossierChange
            let fingerprint: String
            let agency: String
            var enqueuedAt: Date
            var delivery = DeliveryState()
            var state = State.pending
            var lease: (token: UInt64, until: Date)?
        }

        private var rows: [UInt64: Row] = [:]
        private var order: [UInt64] = []
        private var latest: [String: UInt64] = [:]
        private var known: Set<String> = []
        private var acknowledgedUpTo: [String: UInt64] = [:]
        private var next: UInt64 = 0
        private var leases: UInt64 = 0
        private var failing = false
        private let now: @Sendable () -> Date

        init(now: @escaping @Sendable () -> Date) { self.now = now }

        func setFailing(_ value: Bool) { failing = value }

        private func check() throws {
            if failing { throw OutboxError(.io, "the in-memory outbox was told to fail") }
        }

        func append(_ changes: [EncodedChange], validate: @Sendable (Int, LatestVersion?) -> [ValidationIssue]) throws -> [AppendOutcome] {
            try check()
            var outcomes: [AppendOutcome] = []
            // A dossier whose last version in this call is already its latest gains nothing from it.
            var lastInCall: [String: Int] = [:]
            for (index, change) in changes.enumerated() { lastInCall[change.code.rawValue] = index }
            var settledByLast: [String: UInt64] = [:]
            for (code, index) in lastInCall where !changes[index].resend {
                if let held = latest[code], rows[held]?.fingerprint == changes[index].fingerprint, isHeld(held) { settledByLast[code] = held }
            }
            for (index, change) in changes.enumerated() {
                let code = change.code.rawValue
                if !change.resend, let held = settledByLast[code] {
                    outcomes.append(.unchanged(sequence: held))
                    continue
                }
                if change.replay, let held = order.first(where: { rows[$0]?.change.dossier.code.rawValue == code && rows[$0]?.fingerprint == change.fingerprint && isHeld($0) }) {
                    outcomes.append(.unchanged(sequence: held))
                    continue
                }
                // Last write wins: only the latest version, pending or acknowledged, is unchanged.
                if !change.resend, let held = latest[code], rows[held]?.fingerprint == change.fingerprint, isHeld(held) {
                    outcomes.append(.unchanged(sequence: held))
                    continue
                }
                let previous = latest[code].flatMap { rows[$0] }.map { LatestVersion(sequence: $0.sequence, status: $0.change.dossier.status) }
                let issues = validate(index, previous)
                guard issues.isEmpty else {
                    outcomes.append(.invalid(issues))
                    continue
                }
                next += 1
                rows[next] = Row(sequence: next, change: change.change, fingerprint: change.fingerprint, agency: change.agency, enqueuedAt: now())
                order.append(next)
                latest[code] = next
                outcomes.append(.appended(sequence: next))
            }
            return outcomes
        }

        private func isHeld(_ sequence: UInt64) -> Bool {
            switch rows[sequence]?.state {
            case .pending?, .acknowledged?: true
            default: false
            }
        }

        func claim(limit: Int, lease: Duration, excluding: Set<UInt64>) throws -> [OutboxEntry] {
            try check()
            let moment = now()
            var seen = Set<String>()
            var claimed: [OutboxEntry] = []
            for sequence in order where claimed.count < limit {
                guard var row = rows[sequence], case .pending = row.state else { continue }
                guard seen.insert(row.change.dossier.code.rawValue).inserted else { continue }
                if let held = row.lease, held.until > moment { continue }
                if excluding.contains(sequence) { continue }
                leases += 1
                row.lease = (leases, self.lease(lease, from: moment))
                rows[sequence] = row
                claimed.append(OutboxEntry(sequence: sequence, change: row.change, delivery: row.delivery, enqueuedAt: row.enqueuedAt, lease: leases))
            }
            return claimed
        }

        private func lease(_ duration: Duration, from moment: Date) -> Date {
            moment.addingTimeInterval(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        }

        private func holds(_ claim: Claim) -> Bool {
            guard let row = rows[claim.sequence], case .pending = row.state else { return false }
            return row.lease?.token == claim.lease
        }

        func renew(_ claims: [Claim], lease duration: Duration) throws -> Set<UInt64> {
            try check()
            let until = lease(duration, from: now())
            var renewed = Set<UInt64>()
            for claim in claims where holds(claim) {
                guard let held = rows[claim.sequence]?.lease else { continue }
                rows[claim.sequence]?.lease = (held.token, max(held.until, until))
                renewed.insert(claim.sequence)
            }
            return renewed
        }

        func acknowledge(_ claims: [Claim], known codes: [DossierCode]) throws {
            try check()
            for claim in claims where holds(claim) {
                let sequence = claim.sequence
                guard var row = rows[sequence] else { continue }
                let code = row.change.dossier.code.rawValue
                acknowledgedUpTo[code] = max(acknowledgedUpTo[code] ?? 0, sequence)
                row.state = .acknowledged
                row.lease = nil
                rows[sequence] = row
            }
            known.formUnion(codes.map(\.rawValue))
        }

        func release(_ releases: [Release]) throws {
            try check()
            for release in releases {
                guard var row = rows[release.sequence], case .pending = row.state, row.lease?.token == release.lease else { continue }
                row.lease = nil
                row.delivery = row.delivery.applying(release, at: now())
                rows[release.sequence] = row
            }
        }

        func deadLetter(_ letters: [DeadLetterRequest]) throws {
            try check()
            for letter in letters where holds(Claim(sequence: letter.sequence, lease: letter.lease)) {
                guard var row = rows[letter.sequence] else { continue }
                row.state = .dead(letter.reason, now())
                row.lease = nil
                row.delivery = row.delivery.merging(letter.delivery)
                rows[letter.sequence] = row
            }
        }

        private func dead(matching filter: DeadLetterFilter) -> [(Row, DeadLetterReason, Date)] {
            order.compactMap { sequence in
                guard let row = rows[sequence], case .dead(let reason, let at) = row.state,
                      filter.matches(sequence: sequence, dossierCode: row.change.dossier.code.rawValue, reason: reason) else { return nil }
                return (row, reason, at)
            }
        }

        func deadLetters(matching filter: DeadLetterFilter) -> [DeadLetter] {
            dead(matching: filter).map { row, reason, at in
                DeadLetter(entry: OutboxEntry(sequence: row.sequence, change: row.change, delivery: row.delivery, enqueuedAt: row.enqueuedAt),
                           reason: reason, at: at)
            }
        }

        func requeue(matching filter: DeadLetterFilter) throws -> Int {
            try check()
            let matching = dead(matching: filter)
            for (row, _, _) in matching {
                let code = row.change.dossier.code.rawValue
                // Progress only when a newer version was acknowledged or is pending (it carries the
                // dossier and goes first); a newer version that is itself dead does not count.
                let newer = (acknowledgedUpTo[code] ?? 0) > row.sequence
                    || rows.values.contains { $0.sequence > row.sequence && $0.change.dossier.code.rawValue == code && { if case .pending = $0.state { true } else { false } }($0) }
                next += 1
                var copy = Row(sequence: next, change: row.change, fingerprint: row.fingerprint, agency: row.agency, enqueuedAt: now())
                copy.delivery = DeliveryState(dossierDelivered: newer || row.delivery.dossierDelivered, progressDelivered: row.delivery.progressDelivered)
                rows[next] = copy
                order.append(next)
                if !newer, latest[code] == row.sequence { latest[code] = next }
                rows[row.sequence] = nil
                order.removeAll { $0 == row.sequence }
            }
            return matching.count
        }

        private var purgedCounts: [String: Int] = [:]

        func purge(matching filter: DeadLetterFilter) throws -> Int {
            try check()
            let matching = dead(matching: filter)
            for (row, _, _) in matching {
                rows[row.sequence]?.state = .purged
                purgedCounts[row.agency, default: 0] += 1
            }
            return matching.count
        }

        func knownToPortal(_ codes: [DossierCode]) -> Set<DossierCode> { Set(codes.filter { known.contains($0.rawValue) }) }

        func counts() -> [String: OutboxCounts] {
            var counts: [String: OutboxCounts] = [:]
            for sequence in order {
                guard let row = rows[sequence] else { continue }
                var agency = counts[row.agency] ?? OutboxCounts()
                switch row.state {
                case .pending:
                    agency.pending += 1
                    agency.oldestPendingSince = min(agency.oldestPendingSince ?? row.enqueuedAt, row.enqueuedAt)
                case .acknowledged: agency.acknowledged += 1
                case .dead: agency.deadLettered += 1
                case .purged: break
                }
                counts[row.agency] = agency
            }
            for (agency, purged) in purgedCounts { counts[agency, default: OutboxCounts()].purged = purged }
            for (agency, value) in counts {
                var value = value
                value.received = value.acknowledged + value.pending + value.deadLettered + value.purged
                counts[agency] = value
            }
            return counts
        }
    }
}
