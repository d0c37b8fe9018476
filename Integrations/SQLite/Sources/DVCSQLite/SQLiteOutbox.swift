/// The outbox protocol and its types are DVCSync's.
public import DVCSync
/// The outbox holds DVCCore's models.
public import DVCCore
/// `URL` and `Date` appear in this file's public API.
public import Foundation

/// An ``DVCSync/Outbox`` in a SQLite database (hàng đợi trong SQLite) — for one node that wants the
/// outbox in an embedded database next to its own data: WAL journal, `synchronous=FULL` (every
/// commit is on disk when the call returns), one writer connection, a transaction per call.
///
/// Entries are rows of `dvc_outbox` (the canonical payload the engine encoded, its fingerprint,
/// state, delivery state and lease); `dvc_latest` keeps each dossier's newest version and
/// `dvc_known` the dossiers the portal has. The schema is created by an idempotent migration on
/// open. It passes DVCTesting's `OutboxConformance`, as `FileOutbox` does.
///
/// ```swift
/// let outbox = try SQLiteOutbox(url: URL(fileURLWithPath: "/var/lib/motcua/outbox.sqlite"))
/// let engine = SyncEngine(client: client, outbox: outbox)
/// ```
public final class SQLiteOutbox: Outbox {
    private let store: Store

    /// Opens (creating) the database at `url`; `now` is the clock leases expire by.
    /// - Throws: ``SQLiteError`` when the file cannot be opened or migrated.
    public init(url: URL, now: @escaping @Sendable () -> Date = { Date() }) throws {
        store = Store(connection: try SQLiteOutboxSchema.open(url.path), now: now)
    }

    /// Closes the connection; later calls fail.
    public func close() async { await store.close() }

    /// Appends changes atomically (see ``DVCSync/Outbox/append(_:validate:)``).
    public func append(_ changes: [EncodedChange], validate: @Sendable (Int, LatestVersion?) -> [ValidationIssue]) async throws -> [AppendOutcome] {
        try await store.append(changes, validate: validate)
    }

    /// Leases claimable entries, oldest first, one version per dossier.
    public func claim(limit: Int, lease: Duration, excluding: Set<UInt64>) async throws -> [OutboxEntry] {
        try await store.claim(limit: limit, lease: lease, excluding: excluding)
    }

    /// Acknowledges entries and remembers the dossiers the portal has.
    /// Acknowledges entries still held under their claims, and remembers the dossiers the portal has.
    public func acknowledge(_ claims: [Claim], known: [DossierCode]) async throws { try await store.acknowledge(claims, known: known) }

    /// Extends the leases of claims still current.
    public func renew(_ claims: [Claim], lease: Duration) async throws -> Set<UInt64> { try await store.renew(claims, lease: lease) }

    /// Gives leased entries back with their delivery state.
    public func release(_ releases: [Release]) async throws { try await store.release(releases) }

    /// Dead-letters entries.
    public func deadLetter(_ letters: [DeadLetterRequest]) async throws { try await store.deadLetter(letters) }

    /// The matching dead letters, oldest first.
    public func deadLetters(matching filter: DeadLetterFilter) async throws -> [DeadLetter] { try await store.deadLetters(matching: filter) }

    /// Requeues matching dead letters (each goes out again, after any newer version of its dossier).
    public func requeue(matching filter: DeadLetterFilter) async throws -> Int { try await store.requeue(matching: filter) }

    /// Purges matching dead letters (counted, never sent).
    public func purge(matching filter: DeadLetterFilter) async throws -> Int { try await store.purge(matching: filter) }

    /// Which of `codes` the portal is known to have.
    public func knownToPortal(_ codes: [DossierCode]) async throws -> Set<DossierCode> { try await store.knownToPortal(codes) }

    /// Counts per receiving agency.
    public func counts() async throws -> [String: OutboxCounts] { try await store.counts() }
}

extension SQLiteOutbox {
    /// The connection's owner: every statement runs here, one at a time.
    actor Store {
        private var connection: SQLiteConnection?
        private let now: @Sendable () -> Date

        init(connection: SQLiteConnection, now: @escaping @Sendable () -> Date) {
            self.connection = connection
            self.now = now
        }

        func close() {
            connection?.close()
            connection = nil
        }

        private func open() throws -> SQLiteConnection {
            guard let connection else { throw OutboxError(.invalidRequest, "the SQLite outbox is closed") }
            return connection
        }

        func append(_ changes: [EncodedChange], validate: @Sendable (Int, LatestVersion?) -> [ValidationIssue]) throws -> [AppendOutcome] {
            let db = try open()
            let moment = now().timeIntervalSince1970
            return try db.transaction {
                // Last write wins: only the dossier's latest version, pending or acknowledged, is unchanged.
                let held = try db.prepare("""
                    SELECT o.sequence FROM dvc_latest l JOIN dvc_outbox o ON o.sequence = l.sequence
                    WHERE l.dossier_code = ?1 AND o.fingerprint = ?2 AND o.state IN ('pending', 'acknowledged')
                    """)
                let heldAny = try db.prepare("SELECT sequence FROM dvc_outbox WHERE dossier_code = ?1 AND fingerprint = ?2 AND state IN ('pending', 'acknowledged') ORDER BY sequence LIMIT 1")
                let latest = try db.prepare("SELECT l.sequence, o.status FROM dvc_latest l JOIN dvc_outbox o ON o.sequence = l.sequence WHERE l.dossier_code = ?1")
                let insert = try db.prepare("INSERT INTO dvc_outbox (dossier_code, agency, status, fingerprint, payload, enqueued_at, delivery) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                let fresh = try Self.json(DeliveryState())
                let setLatest = try db.prepare("INSERT INTO dvc_latest (dossier_code, sequence) VALUES (?1, ?2) ON CONFLICT (dossier_code) DO UPDATE SET sequence = excluded.sequence")
                var outcomes: [AppendOutcome] = []
                // A dossier whose last version in this call is already its latest gains nothing from it.
                var lastInCall: [String: Int] = [:]
                for (index, change) in changes.enumerated() { lastInCall[change.code.rawValue] = index }
                var settledByLast: [String: UInt64] = [:]
                for (code, index) in lastInCall where !changes[index].resend {
                    if try held.bind([.text(code), .text(changes[index].fingerprint)]).step() { settledByLast[code] = UInt64(held.int(0)) }
                }
                for (index, change) in changes.enumerated() {
                    let code = change.code.rawValue
                    if !change.resend, let settled = settledByLast[code] {
                        outcomes.append(.unchanged(sequence: settled))
                        continue
                    }
                    if change.replay, try heldAny.bind([.text(code), .text(change.fingerprint)]).step() {
                        outcomes.append(.unchanged(sequence: UInt64(heldAny.int(0))))
                        continue
                    }
                    if !change.resend, try held.bind([.text(code), .text(change.fingerprint)]).step() {
                        outcomes.append(.unchanged(sequence: UInt64(held.int(0))))
                        continue
                    }
                    var previous: LatestVersion?
                    if try latest.bind([.text(code)]).step(), let status = latest.text(1).flatMap(DossierStatus.init(wireValue:)) {
                        previous = LatestVersion(sequence: UInt64(latest.int(0)), status: status)
                    }
                    let issues = validate(index, previous)
                    guard issues.isEmpty else {
                        outcomes.append(.invalid(issues))
                        continue
                    }
                    try insert.bind([.text(code), .text(change.agency), .text(change.status.wireValue), .text(change.fingerprint), .blob(change.payload), .real(moment), .text(fresh)]).run()
                    let sequence = try Self.lastSequence(db)
                    try setLatest.bind([.text(code), .integer(sequence)]).run()
                    outcomes.append(.appended(sequence: UInt64(sequence)))
                }
                return outcomes
            }
        }

        private static func lastSequence(_ db: SQLiteConnection) throws -> Int64 {
            let statement = try db.prepare("SELECT last_insert_rowid()")
            guard try statement.step() else { throw OutboxError(.io, "SQLite gave no row id") }
            return statement.int(0)
        }

        func claim(limit: Int, lease: Duration, excluding: Set<UInt64>) throws -> [OutboxEntry] {
            guard limit > 0 else { return [] }
            let db = try open()
            let moment = now().timeIntervalSince1970
            let until = moment + Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18
            return try db.transaction {
                // The oldest pending version of each dossier, unless it is leased: a later version
                // never goes while an earlier one is pending or leased.
                let heads = try db.prepare("""
                    SELECT o.sequence, o.payload, o.delivery, o.enqueued_at FROM dvc_outbox o
                    WHERE o.state = 'pending'
                      AND o.sequence = (SELECT MIN(p.sequence) FROM dvc_outbox p WHERE p.dossier_code = o.dossier_code AND p.state = 'pending')
                      AND (o.lease_until IS NULL OR o.lease_until <= ?1)
                    ORDER BY o.sequence LIMIT ?2
                    """)
                let rows = try heads.bind([.real(moment), .integer(Int64(limit + excluding.count))]).rows { row in
                    (UInt64(row.int(0)), row.blob(1), row.text(2) ?? "{}", row.double(3))
                }
                let take = try db.prepare("UPDATE dvc_outbox SET lease = ?1, lease_until = ?2 WHERE sequence = ?3")
                var claimed: [OutboxEntry] = []
                for (sequence, payload, delivery, enqueuedAt) in rows where !excluding.contains(sequence) && claimed.count < limit {
                    let token = try Self.nextLease(db)
                    try take.bind([.integer(token), .real(until), .integer(Int64(sequence))]).run()
                    claimed.append(OutboxEntry(sequence: sequence, change: try EncodedChange.decode(payload), delivery: try Self.delivery(delivery),
                                               enqueuedAt: Date(timeIntervalSince1970: enqueuedAt), lease: UInt64(token)))
                }
                return claimed
            }
        }

        private static func nextLease(_ db: SQLiteConnection) throws -> Int64 {
            try db.prepare("UPDATE dvc_meta SET value = value + 1 WHERE key = 'lease'").run()
            let read = try db.prepare("SELECT value FROM dvc_meta WHERE key = 'lease'")
            guard try read.step() else { throw OutboxError(.damaged, "dvc_meta has no lease counter") }
            return read.int(0)
        }

        static func delivery(_ json: String) throws -> DeliveryState {
            try JSONDecoder().decode(DeliveryState.self, from: Data(json.utf8))
        }

        static func json(_ delivery: DeliveryState) throws -> String {
            String(decoding: try JSONEncoder().encode(delivery), as: UTF8.self)
        }

        func acknowledge(_ claims: [Claim], known: [DossierCode]) throws {
            let db = try open()
            try db.transaction {
                let update = try db.prepare("UPDATE dvc_outbox SET state = 'acknowledged', lease = NULL, lease_until = NULL WHERE sequence = ?1 AND state = 'pending' AND lease = ?2")
                for claim in claims { try update.bind([.integer(Int64(claim.sequence)), .integer(Int64(claim.lease))]).run() }
                let remember = try db.prepare("INSERT OR IGNORE INTO dvc_known (dossier_code) VALUES (?1)")
                for code in known { try remember.bind([.text(code.rawValue)]).run() }
            }
        }

        func renew(_ claims: [Claim], lease: Duration) throws -> Set<UInt64> {
            let db = try open()
            let until = now().timeIntervalSince1970 + Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18
            return try db.transaction {
                let read = try db.prepare("SELECT 1 FROM dvc_outbox WHERE sequence = ?1 AND state = 'pending' AND lease = ?2")
                let write = try db.prepare("UPDATE dvc_outbox SET lease_until = MAX(COALESCE(lease_until, 0), ?1) WHERE sequence = ?2")
                var renewed = Set<UInt64>()
                for claim in claims {
                    guard try read.bind([.integer(Int64(claim.sequence)), .integer(Int64(claim.lease))]).step() else { continue }
                    try write.bind([.real(until), .integer(Int64(claim.sequence))]).run()
                    renewed.insert(claim.sequence)
                }
                return renewed
            }
        }

        func release(_ releases: [Release]) throws {
            let db = try open()
            let moment = now()
            try db.transaction {
                let read = try db.prepare("SELECT delivery FROM dvc_outbox WHERE sequence = ?1 AND state = 'pending' AND lease = ?2")
                let write = try db.prepare("UPDATE dvc_outbox SET delivery = ?1, lease = NULL, lease_until = NULL WHERE sequence = ?2")
                for release in releases {
                    guard try read.bind([.integer(Int64(release.sequence)), .integer(Int64(release.lease))]).step() else { continue }
                    let next = try Self.delivery(read.text(0) ?? "{}").applying(release, at: moment)
                    try write.bind([.text(try Self.json(next)), .integer(Int64(release.sequence))]).run()
                }
            }
        }

        func deadLetter(_ letters: [DeadLetterRequest]) throws {
            let db = try open()
            let moment = now().timeIntervalSince1970
            try db.transaction {
                let read = try db.prepare("SELECT delivery FROM dvc_outbox WHERE sequence = ?1 AND state = 'pending' AND lease = ?2")
                let write = try db.prepare("""
                    UPDATE dvc_outbox SET state = 'dead', delivery = ?1, dead_kind = ?2, dead_message = ?3, dead_at = ?4, lease = NULL, lease_until = NULL
                    WHERE sequence = ?5
                    """)
                for letter in letters {
                    guard try read.bind([.integer(Int64(letter.sequence)), .integer(Int64(letter.lease))]).step() else { continue }
                    let delivery = try Self.delivery(read.text(0) ?? "{}").merging(letter.delivery)
                    try write.bind([.text(try Self.json(delivery)), .text(letter.reason.kind.rawValue), .text(letter.reason.message), .real(moment),
                                    .integer(Int64(letter.sequence))]).run()
                }
            }
        }

        private struct DeadRow {
            let sequence: UInt64, code: String, agency: String, fingerprint: String, payload: Data, delivery: String, enqueuedAt: Double
            let reason: DeadLetterReason, at: Double
        }

        private func dead(_ db: SQLiteConnection, matching filter: DeadLetterFilter) throws -> [DeadRow] {
            let select = try db.prepare("""
                SELECT sequence, dossier_code, agency, fingerprint, payload, delivery, enqueued_at, dead_kind, dead_message, dead_at
                FROM dvc_outbox WHERE state = 'dead' ORDER BY sequence
                """)
            return try select.bind([]).rows { row in
                DeadRow(sequence: UInt64(row.int(0)), code: row.text(1) ?? "", agency: row.text(2) ?? "", fingerprint: row.text(3) ?? "",
                        payload: row.blob(4), delivery: row.text(5) ?? "{}", enqueuedAt: row.double(6),
                        reason: DeadLetterReason(DeadLetterReason.Kind(rawValue: row.text(7) ?? ""), row.text(8) ?? ""), at: row.double(9))
            }.filter { filter.matches(sequence: $0.sequence, dossierCode: $0.code, reason: $0.reason) }
        }

        func deadLetters(matching filter: DeadLetterFilter) throws -> [DeadLetter] {
            try dead(try open(), matching: filter).map { row in
                DeadLetter(entry: OutboxEntry(sequence: row.sequence, change: try EncodedChange.decode(row.payload), delivery: try Self.delivery(row.delivery),
                                              enqueuedAt: Date(timeIntervalSince1970: row.enqueuedAt)),
                           reason: row.reason, at: Date(timeIntervalSince1970: row.at))
            }
        }

        func requeue(matching filter: DeadLetterFilter) throws -> Int {
            let db = try open()
            let moment = now().timeIntervalSince1970
            return try db.transaction {
                let rows = try dead(db, matching: filter)
                // A newer version pending or acknowledged carries the dossier (and goes first): then
                // only progress goes again. A newer version that is itself dead does not count.
                let newerLive = try db.prepare("SELECT 1 FROM dvc_outbox WHERE dossier_code = ?1 AND sequence > ?2 AND state IN ('pending', 'acknowledged') LIMIT 1")
                let insert = try db.prepare("""
                    INSERT INTO dvc_outbox (dossier_code, agency, status, fingerprint, payload, enqueued_at, delivery)
                    SELECT dossier_code, agency, status, fingerprint, payload, ?1, ?2 FROM dvc_outbox WHERE sequence = ?3
                    """)
                let setLatest = try db.prepare("UPDATE dvc_latest SET sequence = ?1 WHERE dossier_code = ?2")
                let remove = try db.prepare("DELETE FROM dvc_outbox WHERE sequence = ?1")
                for row in rows {
                    let newer = try newerLive.bind([.text(row.code), .integer(Int64(row.sequence))]).step()
                    let old = try Self.delivery(row.delivery)
                    let delivery = DeliveryState(dossierDelivered: newer || old.dossierDelivered, progressDelivered: old.progressDelivered)
                    try insert.bind([.real(moment), .text(try Self.json(delivery)), .integer(Int64(row.sequence))]).run()
                    let sequence = try Self.lastSequence(db)
                    if !newer { try setLatest.bind([.integer(sequence), .text(row.code)]).run() }
                    try remove.bind([.integer(Int64(row.sequence))]).run()
                }
                return rows.count
            }
        }

        func purge(matching filter: DeadLetterFilter) throws -> Int {
            let db = try open()
            return try db.transaction {
                let rows = try dead(db, matching: filter)
                // The payload (personal data) leaves with the purge; the row stays to be counted.
                let update = try db.prepare("UPDATE dvc_outbox SET state = 'purged', payload = X'' WHERE sequence = ?1")
                for row in rows { try update.bind([.integer(Int64(row.sequence))]).run() }
                return rows.count
            }
        }

        func knownToPortal(_ codes: [DossierCode]) throws -> Set<DossierCode> {
            let select = try open().prepare("SELECT 1 FROM dvc_known WHERE dossier_code = ?1")
            return Set(try codes.filter { try select.bind([.text($0.rawValue)]).step() })
        }

        func counts() throws -> [String: OutboxCounts] {
            let select = try open().prepare("SELECT agency, state, COUNT(*), MIN(enqueued_at) FROM dvc_outbox GROUP BY agency, state")
            var counts: [String: OutboxCounts] = [:]
            for (agency, state, count, oldest) in try select.bind([]).rows({ ($0.text(0) ?? "", $0.text(1) ?? "", Int($0.int(2)), $0.double(3)) }) {
                var value = counts[agency] ?? OutboxCounts()
                switch state {
                case "pending":
                    value.pending += count
                    value.oldestPendingSince = Date(timeIntervalSince1970: oldest)
                case "acknowledged": value.acknowledged += count
                case "dead": value.deadLettered += count
                case "purged": value.purged += count
                default: throw OutboxError(.damaged, "dvc_outbox holds an unknown state \(state)")
                }
                value.received = value.acknowledged + value.pending + value.deadLettered + value.purged
                counts[agency] = value
            }
            return counts
        }
    }
}
