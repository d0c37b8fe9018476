import DVCCore
import Foundation

/// A dossier's key in the index: the high 64 bits of the 128-bit hash of its code. A collision of
/// two keys (about one chance in 10¹⁰ for a million dossiers) could only misjudge whether the portal
/// has a dossier or hold one dossier behind another — both corrected on the next call; losing a
/// version would take a key and a 56-bit fingerprint collision at once.
typealias DossierKey = UInt64

/// What a journal's records add up to, kept small: dossiers by the hash of their code (status,
/// known to the portal, fingerprints of their versions) in 16 bytes each, pending entries as places
/// in the file in 40 bytes each (their payload is read when they are claimed), dead letters,
/// counters per agency. A million dossiers with a pending entry each take about 100 MB.
struct JournalIndex {
    /// The key of the dossier with `code`.
    static func key(_ code: String) -> DossierKey { Hash128(code).high }

    /// The part of a fingerprint (32 hex digits) the index keeps: 56 bits.
    static func fingerprint(_ hex: String) -> UInt64 { (Hash128(hex: hex)?.high ?? 0) & DossierState.fingerprintMask }

    /// A dossier in 16 bytes: its latest version's sequence, and its fingerprint (56 bits), status
    /// (4 bits) and whether the portal knows it (1 bit) packed in one word.
    struct DossierState {
        static let fingerprintMask: UInt64 = (1 << 56) - 1
        var latest: UInt64
        /// The newest acknowledged version's sequence (0: none known to be).
        var acknowledgedUpTo: UInt64 = 0
        private var packed: UInt64

        init(latest: UInt64, fingerprint: UInt64, status: DossierStatus?, known: Bool, acknowledgedUpTo: UInt64 = 0) {
            self.latest = latest
            self.acknowledgedUpTo = acknowledgedUpTo
            packed = 0
            self.fingerprint = fingerprint
            self.status = status
            self.known = known
        }

        /// The latest version's fingerprint (56 bits); 0 when it was purged.
        var fingerprint: UInt64 {
            get { packed & Self.fingerprintMask }
            set { packed = packed & ~Self.fingerprintMask | newValue & Self.fingerprintMask }
        }

        var status: DossierStatus? {
            get { DossierStatus(rawValue: Int(packed >> 56 & 0xF) - 1) }
            set { packed = packed & ~(0xF << 56) | UInt64((newValue?.rawValue ?? -1) + 1 & 0xF) << 56 }
        }

        var known: Bool {
            get { packed >> 60 & 1 == 1 }
            set { packed = packed & ~(1 << 60) | (newValue ? 1 << 60 : 0) }
        }
    }

    /// Where a record is in the file: the line (without its newline) and where its payload starts in it.
    struct LineRef: Equatable {
        let offset: Int64
        let length: Int32
        let payloadStart: Int32

        var payloadOffset: Int64 { offset + Int64(payloadStart) }
        var payloadLength: Int { Int(length - payloadStart) }
    }

    /// A pending entry in 40 bytes: where its record is, and what it is counted under.
    struct Pending {
        let sequence: UInt64
        let key: DossierKey
        let line: LineRef
        /// When it was appended, in whole seconds since 1970.
        let enqueuedSeconds: UInt32
        let agency: UInt16
        var live = true

        init(sequence: UInt64, key: DossierKey, line: LineRef, enqueuedAt milliseconds: Int64, agency: UInt16) {
            self.sequence = sequence
            self.key = key
            self.line = line
            enqueuedSeconds = UInt32(clamping: milliseconds / 1000)
            self.agency = agency
        }

        var enqueuedAt: Int64 { Int64(enqueuedSeconds) * 1000 }
    }

    struct Dead {
        let sequence: UInt64
        let key: DossierKey
        let code: String
        let agency: UInt16
        let line: LineRef
        let enqueuedAt: Int64
        let reason: DeadLetterReason
        let at: Int64
        let delivery: DeliveryState
    }

    struct Lease {
        let token: UInt64
        let until: Date
        let code: String
    }

    var sequence: UInt64 = 0
    var dossiers: [DossierKey: DossierState] = [:]
    /// Older versions' fingerprints, for ``EncodedChange/replay`` (a loader replaying history).
    var history: [DossierKey: [(fingerprint: UInt64, sequence: UInt64)]] = [:]
    /// Fingerprints (high words) and sequences of versions older than the latest, for dossiers
    /// with several versions.
    /// Pending entries in sequence order; acknowledged and dead-lettered ones are marked, not removed.
    private(set) var pending: [Pending] = []
    private var firstLive = 0
    private(set) var liveCount = 0
    var deliveries: [UInt64: DeliveryState] = [:]
    var dead: [UInt64: Dead] = [:]
    var leases: [UInt64: Lease] = [:]
    private(set) var agencies: [String] = []
    private var agencyIDs: [String: UInt16] = [:]
    var acknowledged: [Int] = []
    var purged: [Int] = []
    private var pendingPerAgency: [Int] = []
    /// Records (lines) in the file.
    var records = 0

    // MARK: Agencies

    mutating func agencyID(_ agency: String) -> UInt16 {
        if let id = agencyIDs[agency] { return id }
        // More than 65,535 receiving agencies in one journal do not exist; the last id is shared.
        let id = UInt16(clamping: agencies.count)
        guard Int(id) == agencies.count else { return id - 1 }
        agencies.append(agency)
        agencyIDs[agency] = id
        acknowledged.append(0)
        purged.append(0)
        pendingPerAgency.append(0)
        return id
    }

    // MARK: Dossier versions

    func latestVersion(of key: DossierKey) -> LatestVersion? {
        guard let state = dossiers[key], let status = state.status else { return nil }
        return LatestVersion(sequence: state.latest, status: status)
    }

    /// The dossier's latest version, when it has this fingerprint and is pending or acknowledged
    /// (last write wins: an older version given again is new). A latest version that is neither —
    /// dead, purged, or quarantined by a repair after a compaction kept its fingerprint — is not
    /// held, so the same version can be appended again.
    func heldVersion(of key: DossierKey, fingerprint: UInt64) -> UInt64? {
        guard let state = dossiers[key], state.fingerprint == fingerprint, state.latest > 0 else { return nil }
        guard pendingEntry(state.latest) != nil || state.acknowledgedUpTo == state.latest else { return nil }
        return state.latest
    }

    /// Whether a version newer than `sequence` was acknowledged or is still pending: then a
    /// requeued dead letter sends only its progress (the newer version carries the dossier, and
    /// goes first). A newer version that is itself dead does not count.
    func hasNewerLiveVersion(_ key: DossierKey, than sequence: UInt64) -> Bool {
        guard let state = dossiers[key] else { return false }
        return state.acknowledgedUpTo > sequence || (state.latest > sequence && pendingEntry(state.latest) != nil)
    }

    /// Any version of the dossier with this fingerprint that is not dead (a replay of history
    /// skips what it already gave).
    func anyHeldVersion(of key: DossierKey, fingerprint: UInt64) -> UInt64? {
        if let latest = heldVersion(of: key, fingerprint: fingerprint) { return latest }
        guard let state = dossiers[key] else { return nil }
        if state.fingerprint == fingerprint, state.latest > 0, dead[state.latest] == nil { return state.latest }
        return history[key]?.first { $0.fingerprint == fingerprint && dead[$0.sequence] == nil }?.sequence
    }

    /// Records that a version was acknowledged.
    mutating func noteAcknowledged(_ key: DossierKey, sequence: UInt64) {
        guard var state = dossiers[key], sequence > state.acknowledgedUpTo else { return }
        state.acknowledgedUpTo = sequence
        dossiers[key] = state
    }

    /// Records a new version of a dossier (its fingerprint's high word and status).
    mutating func recordVersion(_ key: DossierKey, sequence: UInt64, fingerprint: UInt64, status: DossierStatus) {
        guard var state = dossiers[key] else {
            dossiers[key] = DossierState(latest: sequence, fingerprint: fingerprint, status: status, known: false)
            return
        }
        guard sequence > state.latest else { return }
        if state.fingerprint != 0 { history[key, default: []].append((state.fingerprint, state.latest)) }
        state.latest = sequence
        state.fingerprint = fingerprint
        state.status = status
        dossiers[key] = state
    }

    mutating func markKnown(_ key: DossierKey) {
        if var state = dossiers[key] {
            state.known = true
            dossiers[key] = state
        } else {
            dossiers[key] = DossierState(latest: 0, fingerprint: 0, status: nil, known: true)
        }
    }

    /// Forgets a version's fingerprint (it was purged: an identical version may be appended again).
    mutating func forgetVersion(_ key: DossierKey, sequence: UInt64) {
        if var state = dossiers[key], state.latest == sequence {
            state.fingerprint = 0
            dossiers[key] = state
        }
        history[key]?.removeAll { $0.sequence == sequence }
        if history[key]?.isEmpty == true { history[key] = nil }
    }

    // MARK: Pending entries

    mutating func addPending(_ entry: Pending) {
        if let last = pending.last, last.sequence >= entry.sequence {
            // Out of order (never written so, but replay stays correct if it is).
            let index = pending.partitioningIndex { $0.sequence >= entry.sequence }
            if index < pending.count, pending[index].sequence == entry.sequence {
                if pending[index].live { pendingPerAgency[Int(pending[index].agency)] -= 1; liveCount -= 1 }
                pending[index] = entry
            } else {
                pending.insert(entry, at: index)
            }
            firstLive = min(firstLive, index)
        } else {
            pending.append(entry)
        }
        pendingPerAgency[Int(entry.agency)] += 1
        liveCount += 1
        sequence = max(sequence, entry.sequence)
    }

    func pendingEntry(_ sequence: UInt64) -> Pending? {
        guard let index = position(of: sequence) else { return nil }
        return pending[index]
    }

    /// Takes a pending entry out of the queue (acknowledged, dead-lettered); returns it.
    @discardableResult
    mutating func removePending(_ sequence: UInt64) -> Pending? {
        guard let index = position(of: sequence) else { return nil }
        let entry = pending[index]
        pending[index].live = false
        liveCount -= 1
        pendingPerAgency[Int(entry.agency)] -= 1
        deliveries[sequence] = nil
        leases[sequence] = nil
        while firstLive < pending.count, !pending[firstLive].live { firstLive += 1 }
        if pending.count - liveCount > 4_096 && pending.count - liveCount > liveCount { squeeze() }
        return entry
    }

    private func position(of sequence: UInt64) -> Int? {
        let index = pending.partitioningIndex { $0.sequence >= sequence }
        guard index < pending.count, pending[index].sequence == sequence, pending[index].live else { return nil }
        return index
    }

    private mutating func squeeze() {
        pending.removeAll { !$0.live }
        firstLive = 0
    }

    /// Claimable entries, oldest first: the head version of each dossier, not leased (or its
    /// lease expired) and not excluded.
    func claimable(limit: Int, excluding: Set<UInt64>, now: Date) -> [Pending] {
        var seen = Set<DossierKey>()
        var result: [Pending] = []
        var index = firstLive
        while index < pending.count && result.count < limit {
            let entry = pending[index]
            index += 1
            guard entry.live, seen.insert(entry.key).inserted else { continue }
            if let lease = leases[entry.sequence], lease.until > now { continue }
            if excluding.contains(entry.sequence) { continue }
            result.append(entry)
        }
        return result
    }

    /// Live pending entries in sequence order (for compaction), without copying them.
    var livePending: some Sequence<Pending> { pending[firstLive...].lazy.filter(\.live) }

    // MARK: Counts

    func counts() -> [String: OutboxCounts] {
        var result: [String: OutboxCounts] = [:]
        var oldest: [UInt16: Int64] = [:]
        let waiting = pendingPerAgency.enumerated().filter { $0.element > 0 }.count
        var index = firstLive
        while index < pending.count && oldest.count < waiting {
            let entry = pending[index]
            if entry.live, oldest[entry.agency] == nil { oldest[entry.agency] = entry.enqueuedAt }
            index += 1
        }
        var deadPerAgency: [UInt16: Int] = [:]
        for letter in dead.values { deadPerAgency[letter.agency, default: 0] += 1 }
        for (id, agency) in agencies.enumerated() {
            var counts = OutboxCounts()
            counts.acknowledged = acknowledged[id]
            counts.purged = purged[id]
            counts.pending = pendingPerAgency[id]
            counts.deadLettered = deadPerAgency[UInt16(id)] ?? 0
            counts.received = counts.acknowledged + counts.purged + counts.pending + counts.deadLettered
            counts.oldestPendingSince = oldest[UInt16(id)].map { Date(millisecondsSince1970: $0) }
            if counts.received > 0 { result[agency] = counts }
        }
        return result
    }

    /// Records that only history needs: what compaction would drop.
    var reclaimableRecords: Int {
        let summary = 2 + (dossiers.count + 9_999) / 10_000
        return max(0, records - summary - liveCount - deliveries.count - 2 * dead.count)
    }
}

extension Date {
    init(millisecondsSince1970 milliseconds: Int64) { self.init(timeIntervalSince1970: Double(milliseconds) / 1000) }
    var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}

extension RandomAccessCollection {
    /// The first index whose element satisfies `belongs` (which must be false then true along the collection).
    func partitioningIndex(where belongs: (Element) -> Bool) -> Index {
        var low = startIndex, count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if belongs(self[middle]) {
                count = half
            } else {
                low = index(after: middle)
                count -= half + 1
            }
        }
        return low
    }
}
