import DVCCore
import DVCSync
import Foundation

/// The statements an append runs and the row helpers, shared by the outbox's own transactions and
/// the caller's (``PostgresOutbox/append(_:validate:on:)``).
enum PostgresOutboxRows {
    /// Appends `changes` on `db`, inside a transaction the caller opened. Each dossier is locked
    /// (an advisory lock on its code) while its newest version is read and the new one written, so
    /// two workers appending versions of one dossier keep them in order.
    static func append(_ changes: [EncodedChange], validate: (Int, LatestVersion?) -> [ValidationIssue], on db: PostgresConnection,
                       at moment: Double, schema: String) throws -> [AppendOutcome] {
        var outcomes: [AppendOutcome] = []
        let fresh = try json(DeliveryState())
        // Every dossier of the call is locked first, in one order, so that two transactions
        // appending [X, Y] and [Y, X] cannot deadlock.
        try lock(changes.map(\.code.rawValue), on: db)
        // A dossier whose last version in this call is already its latest gains nothing from it.
        var lastInCall: [String: Int] = [:]
        for (index, change) in changes.enumerated() { lastInCall[change.code.rawValue] = index }
        var settledByLast: [String: UInt64] = [:]
        for (code, index) in lastInCall where !changes[index].resend {
            if let row = try db.query("""
                SELECT o.sequence FROM dvc_latest l JOIN dvc_outbox o ON o.sequence = l.sequence
                WHERE l.dossier_code = $1 AND o.fingerprint = $2 AND o.state IN ('pending', 'acknowledged')
                """, [code, changes[index].fingerprint]).first {
                settledByLast[code] = UInt64(try int(row[0]))
            }
        }
        for (index, change) in changes.enumerated() {
            let code = change.code.rawValue
            if !change.resend, let settled = settledByLast[code] {
                outcomes.append(.unchanged(sequence: settled))
                continue
            }
            if change.replay, let held = try db.query("""
                SELECT sequence FROM dvc_outbox WHERE dossier_code = $1 AND fingerprint = $2 AND state IN ('pending', 'acknowledged')
                ORDER BY sequence LIMIT 1
                """, [code, change.fingerprint]).first {
                outcomes.append(.unchanged(sequence: UInt64(try int(held[0]))))
                continue
            }
            // Last write wins: only the dossier's latest version, pending or acknowledged, is unchanged.
            if !change.resend, let held = try db.query("""
                SELECT o.sequence FROM dvc_latest l JOIN dvc_outbox o ON o.sequence = l.sequence
                WHERE l.dossier_code = $1 AND o.fingerprint = $2 AND o.state IN ('pending', 'acknowledged')
                """, [code, change.fingerprint]).first {
                outcomes.append(.unchanged(sequence: UInt64(try int(held[0]))))
                continue
            }
            var previous: LatestVersion?
            if let row = try db.query("SELECT l.sequence, o.status FROM dvc_latest l JOIN dvc_outbox o ON o.sequence = l.sequence WHERE l.dossier_code = $1",
                                      [code]).first, let status = row[1].flatMap(DossierStatus.init(wireValue:)) {
                previous = LatestVersion(sequence: UInt64(try int(row[0])), status: status)
            }
            let issues = validate(index, previous)
            guard issues.isEmpty else {
                outcomes.append(.invalid(issues))
                continue
            }
            let inserted = try db.query("""
                INSERT INTO dvc_outbox (dossier_code, agency, status, fingerprint, payload, enqueued_at, delivery)
                VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING sequence
                """, [code, change.agency, change.status.wireValue, change.fingerprint, String(decoding: change.payload, as: UTF8.self), String(moment), fresh])
            let sequence = try int(inserted.first?[0] ?? nil)
            try db.query("INSERT INTO dvc_latest (dossier_code, sequence) VALUES ($1, $2) ON CONFLICT (dossier_code) DO UPDATE SET sequence = excluded.sequence",
                         [code, String(sequence)])
            outcomes.append(.appended(sequence: UInt64(sequence)))
        }
        if outcomes.contains(where: { if case .appended = $0 { true } else { false } }) {
            try db.query("SELECT pg_notify($1, '')", [PostgresOutboxSchema.channel(schema)])
        }
        return outcomes
    }

    /// DVCKit's class of advisory locks (the two-key form, so that no lock of the application's own
    /// single-key space is ever taken): "DVCK" in ASCII.
    static let lockClass: Int32 = 0x4456_434B

    /// Takes the transaction-scoped advisory lock of each dossier, in sorted order.
    static func lock(_ codes: [String], on db: PostgresConnection) throws {
        for code in Set(codes).sorted() {
            try db.query("SELECT pg_advisory_xact_lock($1::int4, hashtext($2))", [String(lockClass), code])
        }
    }

    struct DeadRow {
        let sequence: UInt64, code: String, payload: String, delivery: String?, enqueuedAt: Double, reason: DeadLetterReason, at: Double
    }

    static func dead(_ db: PostgresConnection, matching filter: DeadLetterFilter, locking: Bool = false) throws -> [DeadRow] {
        try db.query("""
            SELECT sequence, dossier_code, payload, delivery, enqueued_at, dead_kind, dead_message, dead_at
            FROM dvc_outbox WHERE state = 'dead' ORDER BY sequence
            """ + (locking ? " FOR UPDATE" : "")).map { row in
            DeadRow(sequence: UInt64(try int(row[0])), code: row[1] ?? "", payload: row[2] ?? "", delivery: row[3], enqueuedAt: Double(row[4] ?? "") ?? 0,
                    reason: DeadLetterReason(DeadLetterReason.Kind(rawValue: row[5] ?? ""), row[6] ?? ""), at: Double(row[7] ?? "") ?? 0)
        }.filter { filter.matches(sequence: $0.sequence, dossierCode: $0.code, reason: $0.reason) }
    }

    static func int(_ text: String?) throws -> Int64 {
        guard let text, let value = Int64(text) else { throw OutboxError(.damaged, "a number column held \(text == nil ? "NULL" : "text")") }
        return value
    }

    static func delivery(_ json: String?) throws -> DeliveryState {
        try JSONDecoder().decode(DeliveryState.self, from: Data((json ?? "").utf8))
    }

    static func json(_ delivery: DeliveryState) throws -> String {
        String(decoding: try JSONEncoder().encode(delivery), as: UTF8.self)
    }
}
