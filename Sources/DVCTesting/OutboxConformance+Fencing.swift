import DVCCore
import DVCSync
import Foundation

/// The checks of the contract's fencing and of last write wins (``OutboxConformance/Check``).
extension OutboxConformance.Run {
        func settlementIsFenced(_ outbox: any Outbox) async throws {
            let sequences = try await append(outbox, [try change(1), try change(2), try change(1, status: .processing)])
            let stale = try await outbox.claim(limit: 2, lease: .milliseconds(300), excluding: [])
            try expect(stale.map(\.sequence) == [sequences[0], sequences[1]], "A1 and B1 claimable")
            try await Task.sleep(for: .milliseconds(700))
            let current = try await outbox.claim(limit: 2, lease: .seconds(60), excluding: [])
            try expect(current.map(\.sequence) == [sequences[0], sequences[1]], "claimed again once the lease expired")
            // The first holder outlived its lease: what it settles now must change nothing.
            try await outbox.acknowledge([stale[0].claim], known: [])
            try await outbox.deadLetter([DeadLetterRequest(stale[1].claim, reason: DeadLetterReason(.refused, "stale"))])
            try await outbox.release([Release(sequence: stale[0].sequence, lease: stale[0].lease, failures: 3)])
            try expect(try await outbox.deadLetters(matching: .all).isEmpty, "a stale claim's dead letter is ignored")
            try expect(try await outbox.claim(limit: 10, lease: .seconds(60), excluding: []).isEmpty,
                       "a stale acknowledgement does not hand out A2 while the current holder still sends A1")
            let counts = try await outbox.counts()["000.00.14.H20"]
            try expect(counts?.pending == 3 && counts?.acknowledged == 0, "nothing was settled by the stale claim: got \(String(describing: counts))")
            try await outbox.acknowledge(current.map(\.claim), known: [])
            let next = try await outbox.claim(limit: 10, lease: .seconds(60), excluding: [])
            try expect(next.map(\.sequence) == [sequences[2]] && next.first?.delivery.attempts == 0,
                       "the current claim settles; the stale release counted no attempt: got \(next.map(\.delivery))")
        }

        func renewal(_ outbox: any Outbox) async throws {
            try await append(outbox, [try change(1), try change(2)])
            let claimed = try await outbox.claim(limit: 2, lease: .milliseconds(300), excluding: [])
            try expect(claimed.count == 2, "two claimable entries")
            let renewed = try await outbox.renew([claimed[0].claim], lease: .seconds(60))
            try expect(renewed == [claimed[0].sequence], "a current claim is renewed: got \(renewed)")
            try await Task.sleep(for: .milliseconds(700))
            let again = try await outbox.claim(limit: 10, lease: .seconds(60), excluding: [])
            try expect(again.map(\.sequence) == [claimed[1].sequence], "the renewed lease holds; the other expired: got \(again.map(\.sequence))")
            let stale = try await outbox.renew([claimed[1].claim], lease: .seconds(60))
            try expect(stale.isEmpty, "a claim taken over by another holder is not renewed: got \(stale)")
            try await outbox.acknowledge([claimed[0].claim], known: [])
            try expect(try await outbox.renew([claimed[0].claim], lease: .seconds(60)).isEmpty, "a settled claim is not renewed")
        }

        func lastWriteWins(_ outbox: any Outbox) async throws {
            // A correction and its undoing (A → B → A): the portal must end on A.
            let a = try change(1), b = try change(1, status: .processing)
            let first = try await append(outbox, [a, b])
            let revert = try await outbox.append([a]) { _, _ in [] }
            guard case .appended(let third)? = revert.first else {
                throw OutboxConformance.Failure(check: check, message: "a revert to an earlier version is appended: got \(revert)")
            }
            try expect(third > first[1], "the revert goes behind the version it undoes")
            try expect(try await outbox.append([a]) { _, _ in [] } == [.unchanged(sequence: third)], "the latest version again is unchanged")
            // The same within one call: [C, D, C] appends all three; [D, D] appends one.
            let c = try change(2), d = try change(2, status: .processing)
            let inCall = try await outbox.append([c, d, c, c]) { _, _ in [] }
            guard inCall.count == 4, case .appended = inCall[0], case .appended = inCall[1], case .appended(let last) = inCall[2] else {
                throw OutboxConformance.Failure(check: check, message: "[C, D, C] within one call appends three versions: got \(inCall)")
            }
            try expect(inCall[3] == .unchanged(sequence: last), "C right after C in one call is unchanged: got \(inCall[3])")
            // Acknowledged: still the latest, still unchanged.
            var acknowledged = 0
            while true {
                let entries = try await outbox.claim(limit: 10, lease: .seconds(60), excluding: [])
                if entries.isEmpty { break }
                acknowledged += entries.count
                try await outbox.acknowledge(entries.map(\.claim), known: entries.map(\.dossier.code))
            }
            try expect(acknowledged == 6, "six versions delivered in turn: got \(acknowledged)")
            try expect(try await outbox.append([a]) { _, _ in [] } == [.unchanged(sequence: third)], "the acknowledged latest version is unchanged")
            // The same versions given again in one call (a file synced twice): its last one is the
            // latest, so nothing of the dossier is appended.
            try expect(try await outbox.append([b, a]) { _, _ in [] } == [.unchanged(sequence: third), .unchanged(sequence: third)],
                       "[B, A] in one call, A being the latest, appends nothing")
            guard case .appended? = try await outbox.append([b]) { _, _ in [] }.first else {
                throw OutboxConformance.Failure(check: check, message: "an older acknowledged version given again is new")
            }
        }

        func requeueWithNewerDead(_ outbox: any Outbox) async throws {
            try await append(outbox, [try change(1, progress: 1)])
            let first = try await outbox.claim(limit: 1, lease: .seconds(60), excluding: [])
            try await outbox.deadLetter([DeadLetterRequest(first[0].claim, reason: DeadLetterReason(.refused, "first refused"))])
            try await append(outbox, [try change(1, status: .processing)])
            let second = try await outbox.claim(limit: 1, lease: .seconds(60), excluding: [])
            try await outbox.deadLetter([DeadLetterRequest(second[0].claim, reason: DeadLetterReason(.refused, "second refused"))])
            try expect(try await outbox.requeue(matching: .init(sequences: [first[0].sequence])) == 1, "requeue the older dead letter")
            let again = try await outbox.claim(limit: 1, lease: .seconds(60), excluding: [])
            try expect(again.count == 1 && !again[0].delivery.dossierDelivered && again[0].progressToSend.count == 1,
                       "the portal has no newer version, so the older one goes whole: got \(again.map(\.delivery))")
        }
}
