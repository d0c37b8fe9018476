import Foundation
import DVCCore

/// What the journal's records add up to. Memory holds only what is still needed: pending and
/// dead entries in full, acknowledged ones as a count per agency, and each dossier's last status.
struct JournalIndex {
    var sequence: UInt64 = 0
    var pending: [UInt64: OutboxEntry] = [:]
    var dead: [UInt64: DeadLetter] = [:]
    var synced: [String: Int] = [:]
    var known: Set<String> = []
    var statuses: [String: DossierStatus] = [:]
    /// Records (lines) in the journal file.
    var records = 0

    /// An `enqueue` record's payload, in the portal's wire form.
    struct Item: Codable {
        let dossier: Dossier
        let progress: [ProgressEntry]
    }

    mutating func add(_ entry: OutboxEntry) {
        pending[entry.sequence] = entry
        statuses[entry.dossier.code.rawValue] = entry.dossier.status
        sequence = max(sequence, entry.sequence)
    }

    mutating func acknowledge(_ sequences: [UInt64]) {
        for sequence in sequences {
            guard let entry = pending.removeValue(forKey: sequence) else { continue }
            synced[entry.dossier.code.agencyText, default: 0] += 1
        }
    }

    mutating func kill(_ sequence: UInt64, reason: String) {
        guard let entry = pending.removeValue(forKey: sequence) else { return }
        dead[sequence] = DeadLetter(entry: entry, reason: reason)
    }

    /// Replays one journal record.
    mutating func apply(_ line: Data) throws {
        struct Head: Decodable { let op: String; let seq: UInt64?; let seqs: [UInt64]?; let reason: String? }
        struct Codes: Decodable { let codes: [String] }
        struct Statuses: Decodable { let codes: [String: Int] }
        struct State: Decodable { let seq: UInt64; let synced: [String: Int] }
        struct Enqueue: Decodable { let item: Item }
        let decoder = JSONDecoder()
        let head = try decoder.decode(Head.self, from: line)
        records += 1
        switch head.op {
        case "enqueue":
            guard let seq = head.seq else { throw OutboxError(message: "an enqueue record without seq") }
            let item = try PortalJSON.decode(Enqueue.self, from: line).item
            add(OutboxEntry(sequence: seq, dossier: item.dossier, progress: item.progress))
        case "ack":
            acknowledge(head.seqs ?? [])
        case "known":
            known.formUnion(try decoder.decode(Codes.self, from: line).codes)
        case "state":
            let state = try decoder.decode(State.self, from: line)
            sequence = max(sequence, state.seq)
            synced.merge(state.synced, uniquingKeysWith: +)
        case "statuses":
            for (code, raw) in try decoder.decode(Statuses.self, from: line).codes {
                guard let status = DossierStatus(rawValue: raw) else { throw OutboxError(message: "unknown status \(raw) for \(code)") }
                statuses[code] = status
            }
        case "dead":
            guard let seq = head.seq else { throw OutboxError(message: "a dead record without seq") }
            kill(seq, reason: head.reason ?? "")
        default:
            throw OutboxError(message: "unknown journal record \"\(head.op)\"")
        }
    }

    func report() -> SyncReport {
        var agencies: [String: SyncReport.AgencyCounts] = [:]
        func update(_ agency: String, _ change: (inout SyncReport.AgencyCounts) -> Void) {
            var counts = agencies[agency] ?? SyncReport.AgencyCounts(agency: agency)
            change(&counts)
            agencies[agency] = counts
        }
        for (agency, count) in synced { update(agency) { $0.synced += count } }
        for entry in pending.values { update(entry.dossier.code.agencyText) { $0.pending += 1 } }
        for letter in dead.values.sorted(by: { $0.entry.sequence < $1.entry.sequence }) {
            update(letter.entry.dossier.code.agencyText) {
                $0.rejected += 1
                $0.rejections.append(.init(sequence: letter.entry.sequence, dossierCode: letter.entry.dossier.code.rawValue, reason: letter.reason))
            }
        }
        return SyncReport(agencies: agencies.values.map { counts in
            var counts = counts
            counts.received = counts.synced + counts.pending + counts.rejected
            return counts
        }.sorted { $0.agency < $1.agency })
    }
}
