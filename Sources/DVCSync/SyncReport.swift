/// What happened to the dossiers handed to a ``SyncEngine``, per receiving agency (báo cáo đồng bộ):
/// every outbox entry (one version of a dossier) is in exactly one of synced, pending or rejected,
/// so `received == synced + pending + rejected` always holds (design.md, "How a dossier flows", step 6).
///
/// The audits that motivate DVCKit counted provinces that synced 110 of 6,411 dossiers; this report
/// is the number an operator checks so that it never happens silently.
public struct SyncReport: Sendable, Hashable, CustomStringConvertible {
    /// One receiving agency's counts (cơ quan tiếp nhận), keyed by the agency part of `MaHoSo`.
    public struct AgencyCounts: Sendable, Hashable {
        /// The agency code as it appears in the dossier codes.
        public let agency: String
        /// Entries accepted into the outbox.
        public var received = 0
        /// Entries the portal acknowledged (dossier and progress).
        public var synced = 0
        /// Entries waiting: not yet sent, or failed transiently and to be retried.
        public var pending = 0
        /// Entries the portal refused for good (dead letters).
        public var rejected = 0
        /// Each rejection with the portal's reason, oldest first.
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
        /// The portal's reason, or the error that made the refusal permanent.
        public let reason: String

        /// Creates a rejection.
        public init(sequence: UInt64, dossierCode: String, reason: String) {
            self.sequence = sequence
            self.dossierCode = dossierCode
            self.reason = reason
        }
    }

    /// Counts per agency, ordered by agency code.
    public let agencies: [AgencyCounts]

    /// Creates a report.
    public init(agencies: [AgencyCounts]) { self.agencies = agencies }

    /// All agencies together (with every rejection).
    public var total: AgencyCounts {
        agencies.reduce(into: AgencyCounts(agency: "*")) { sum, counts in
            sum.received += counts.received
            sum.synced += counts.synced
            sum.pending += counts.pending
            sum.rejected += counts.rejected
            sum.rejections += counts.rejections
        }
    }

    /// One line per agency: `000.00.14.H20  received 12  synced 10  pending 1  rejected 1`.
    public var description: String {
        (agencies + (agencies.count > 1 ? [total] : [])).map { counts in
            "\(counts.agency)  received \(counts.received)  synced \(counts.synced)  pending \(counts.pending)  rejected \(counts.rejected)"
        }.joined(separator: "\n")
    }
}
