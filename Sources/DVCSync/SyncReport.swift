/// `Date` and `Duration` appear in this file's public API.
public import Foundation

/// Where the dossiers handed to a ``SyncEngine`` stand, per receiving agency (tình trạng đồng bộ):
/// every entry is acknowledged, pending, dead-lettered or purged, so `received` is their sum —
/// and how long the oldest pending entry has waited, the figure to alert on.
///
/// The audits that motivate DVCKit counted provinces that synced 110 of 6,411 dossiers; this is the
/// number an operator watches so that it never happens silently.
public struct SyncStatus: Sendable, Hashable, Codable, CustomStringConvertible {
    /// One receiving agency (cơ quan tiếp nhận), keyed by the agency part of `MaHoSo`.
    public struct Agency: Sendable, Hashable, Codable {
        /// The agency code as it appears in the dossier codes.
        public let agency: String
        /// Its counts.
        public let counts: OutboxCounts
        /// How long its oldest pending entry has waited, in seconds.
        public let oldestPendingAge: Double?
    }

    /// Per agency, ordered by agency code.
    public let agencies: [Agency]
    /// When the status was taken.
    public let at: Date

    /// Builds a status from an outbox's counts, ages taken at `at`.
    public init(counts: [String: OutboxCounts], at: Date) {
        self.at = at
        agencies = counts.sorted { $0.key < $1.key }.map { agency, counts in
            Agency(agency: agency, counts: counts, oldestPendingAge: counts.oldestPendingSince.map { max(0, at.timeIntervalSince($0)) })
        }
    }

    /// All agencies together.
    public var total: OutboxCounts {
        agencies.reduce(into: OutboxCounts()) { $0.add($1.counts) }
    }

    /// The age of the oldest pending entry of any agency, in seconds.
    public var oldestPendingAge: Double? { agencies.compactMap(\.oldestPendingAge).max() }

    /// A table: agency, received, acknowledged, pending, dead-lettered, oldest pending age.
    public var description: String {
        var rows = agencies.map { ($0.agency, $0.counts, $0.oldestPendingAge) }
        if agencies.count > 1 { rows.append(("total", total, oldestPendingAge)) }
        let width = max(13, rows.map(\.0.count).max() ?? 0)
        var text = "agency".padding(toLength: width, withPad: " ", startingAt: 0) + "  received  acknowledged  pending  dead-lettered  oldest pending\n"
        for (agency, counts, age) in rows {
            text += agency.padding(toLength: width, withPad: " ", startingAt: 0)
                + Self.column(counts.received, 10) + Self.column(counts.acknowledged, 14) + Self.column(counts.pending, 9)
                + Self.column(counts.deadLettered, 15) + "  " + (age.map(Self.age) ?? "-") + "\n"
        }
        return text
    }

    private static func column(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: " ", count: max(1, width - text.count)) + text
    }

    /// A duration in seconds as a person reads it: `45 s`, `12 min`, `3 h`, `2 d`.
    public static func age(_ seconds: Double) -> String {
        switch seconds {
        case ..<120: "\(Int(seconds)) s"
        case ..<7_200: "\(Int(seconds / 60)) min"
        case ..<172_800: "\(Int(seconds / 3_600)) h"
        default: "\(Int(seconds / 86_400)) d"
        }
    }
}

/// What happened to the dossiers handed to a ``SyncEngine`` (báo cáo đồng bộ): the
/// ``SyncStatus`` counts per agency, with every rejection and the portal's reason.
public struct SyncReport: Sendable, Hashable, CustomStringConvertible {
    /// One receiving agency's counts and rejections.
    public struct AgencyCounts: Sendable, Hashable {
        /// The agency code as it appears in the dossier codes.
        public let agency: String
        /// Entries accepted into the outbox.
        public var received = 0
        /// Entries the portal acknowledged (dossier and progress).
        public var synced = 0
        /// Entries waiting: not yet sent, or failed transiently and to be retried.
        public var pending = 0
        /// Entries refused for good and still held (dead letters).
        public var rejected = 0
        /// Dead letters an operator deleted.
        public var purged = 0
        /// When the oldest pending entry was appended.
        public var oldestPendingSince: Date?
        /// Each rejection with its reason, oldest first.
        public var rejections: [Rejection] = []

        /// Empty counts for an agency.
        public init(agency: String) { self.agency = agency }
    }

    /// One refused entry.
    public struct Rejection: Sendable, Hashable {
        /// The outbox sequence number.
        public let sequence: UInt64
        /// The dossier's `MaHoSo`.
        public let dossierCode: String
        /// Why.
        public let reason: DeadLetterReason

        /// Creates a rejection.
        public init(sequence: UInt64, dossierCode: String, reason: DeadLetterReason) {
            self.sequence = sequence
            self.dossierCode = dossierCode
            self.reason = reason
        }
    }

    /// Counts per agency, ordered by agency code.
    public let agencies: [AgencyCounts]

    /// Creates a report.
    public init(agencies: [AgencyCounts]) { self.agencies = agencies }

    /// Combines a status with the dead letters it counts.
    public init(status: SyncStatus, deadLetters: [DeadLetter]) {
        var byAgency: [String: [Rejection]] = [:]
        for letter in deadLetters {
            byAgency[letter.entry.dossier.code.agencyText, default: []].append(
                Rejection(sequence: letter.entry.sequence, dossierCode: letter.entry.dossier.code.rawValue, reason: letter.reason))
        }
        agencies = status.agencies.map { agency in
            var counts = AgencyCounts(agency: agency.agency)
            counts.received = agency.counts.received
            counts.synced = agency.counts.acknowledged
            counts.pending = agency.counts.pending
            counts.rejected = agency.counts.deadLettered
            counts.purged = agency.counts.purged
            counts.oldestPendingSince = agency.counts.oldestPendingSince
            counts.rejections = byAgency[agency.agency] ?? []
            return counts
        }
    }

    /// All agencies together (with every rejection).
    public var total: AgencyCounts {
        agencies.reduce(into: AgencyCounts(agency: "*")) { sum, counts in
            sum.received += counts.received
            sum.synced += counts.synced
            sum.pending += counts.pending
            sum.rejected += counts.rejected
            sum.purged += counts.purged
            sum.rejections += counts.rejections
            if let date = counts.oldestPendingSince { sum.oldestPendingSince = min(sum.oldestPendingSince ?? date, date) }
        }
    }

    /// One line per agency: `000.00.14.H20  received 12  synced 10  pending 1  rejected 1`.
    public var description: String {
        (agencies + (agencies.count > 1 ? [total] : [])).map { counts in
            "\(counts.agency)  received \(counts.received)  synced \(counts.synced)  pending \(counts.pending)  rejected \(counts.rejected)"
                + (counts.purged > 0 ? "  purged \(counts.purged)" : "")
        }.joined(separator: "\n")
    }
}
