import DVCCore
import Foundation

extension JournalIndex {
    /// Applies one record — read back while opening, or just written. `line` is where it is in the
    /// file (for records that carry a payload).
    mutating func apply(_ record: JournalRecord, line: LineRef?) throws {
        switch record {
        case .journal:
            break
        case .enqueue(let enqueue):
            guard let line, line.payloadStart > 0 else { throw OutboxError(.damaged, "an enqueue record without its dossier") }
            let key = Self.key(enqueue.code)
            if let status = DossierStatus(wireValue: enqueue.status) {
                recordVersion(key, sequence: enqueue.seq, fingerprint: Self.fingerprint(enqueue.fp), status: status)
            }
            addPending(Pending(sequence: enqueue.seq, key: key, line: line, enqueuedAt: enqueue.at, agency: agencyID(enqueue.agency)))
            if let delivery = enqueue.delivery, delivery != DeliveryState() { deliveries[enqueue.seq] = delivery }
        case .acknowledge(let sequences, let known):
            for sequence in sequences {
                guard let entry = removePending(sequence) else { continue }
                acknowledged[Int(entry.agency)] += 1
                noteAcknowledged(entry.key, sequence: sequence)
            }
            for code in known { markKnown(Self.key(code)) }
        case .release(let at, let items):
            let moment = Date(millisecondsSince1970: at)
            for item in items where pendingEntry(item.seq) != nil {
                let before = deliveries[item.seq] ?? DeliveryState()
                let release = Release(sequence: item.seq, lease: 0, failures: item.failures ?? 0, lastFailure: item.error,
                                      dossierDelivered: item.delivered ?? false, progressDelivered: item.progress ?? 0, isolatedFailures: item.isolated ?? 0,
                                      unansweredFailures: item.unanswered ?? 0)
                deliveries[item.seq] = before.applying(release, at: moment)
            }
        case .dead(let record):
            guard let entry = pendingEntry(record.seq) else { return }
            var delivery = deliveries[record.seq] ?? DeliveryState()
            if let stored = record.delivery { delivery = delivery.merging(stored) }
            removePending(record.seq)
            dead[record.seq] = Dead(sequence: record.seq, key: entry.key, code: record.code, agency: entry.agency, line: entry.line,
                                    enqueuedAt: entry.enqueuedAt, reason: DeadLetterReason(.init(rawValue: record.kind), record.reason),
                                    at: record.at, delivery: delivery)
        case .requeue(let from, let sequence, let progressOnly, let at):
            guard let letter = dead.removeValue(forKey: from) else { return }
            addPending(Pending(sequence: sequence, key: letter.key, line: letter.line, enqueuedAt: at, agency: letter.agency))
            let delivery = DeliveryState(dossierDelivered: progressOnly || letter.delivery.dossierDelivered,
                                         progressDelivered: letter.delivery.progressDelivered)
            if delivery != DeliveryState() { deliveries[sequence] = delivery }
            if !progressOnly, var state = dossiers[letter.key], state.latest == from {
                state.latest = sequence
                dossiers[letter.key] = state
            }
        case .purge(let sequences):
            for sequence in sequences {
                guard let letter = dead.removeValue(forKey: sequence) else { continue }
                purged[Int(letter.agency)] += 1
                forgetVersion(letter.key, sequence: sequence)
            }
        case .state(let last, let agencies):
            sequence = max(sequence, last)
            for (agency, settled) in agencies {
                let id = Int(agencyID(agency))
                acknowledged[id] += settled.acknowledged
                purged[id] += settled.purged
            }
        case .dossiers(let lines):
            for line in lines {
                guard let key = DossierKey(line.k, radix: 16) else { throw OutboxError(.damaged, "a dossier summary with a malformed key") }
                dossiers[key] = DossierState(latest: line.q, fingerprint: UInt64(line.f, radix: 16) ?? 0,
                                             status: line.s.flatMap { DossierStatus(wireValue: $0) }, known: line.n, acknowledgedUpTo: line.a ?? 0)
                if let older = line.h, !older.isEmpty {
                    history[key] = older.map { (UInt64($0.f, radix: 16) ?? 0, $0.q) }
                }
            }
        }
    }
}
