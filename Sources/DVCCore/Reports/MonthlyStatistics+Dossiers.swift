extension MonthlyStatistics {
    /// Builds the `DongBoThongKeHoSo` record of one unit and month from its dossiers
    /// (`spec/portal-protocol.md` §11.3), at the end of the month (23:59:59, the portal's clock):
    ///
    /// - received: received in the month;
    /// - carried over: received before the month and not resolved before it started;
    /// - resolved on time / late: resolved in the month, by ``Dossier/timeliness(at:)`` (early
    ///   counts as on time);
    /// - pending within time / overdue: not resolved by the month's end.
    ///
    /// Dossiers closed without a result (not accepted, withdrawn, refused), dossiers without a due
    /// date, and dossiers resolved without a resolution time cannot be placed and are left out;
    /// `leftOut` counts them. The record always passes ``consistencyIssues(path:)``.
    public struct Builder: Sendable {
        /// The month and unit.
        public let year: Int, month: Int, unitCode: String, unitName: String?
        private let start: PortalTimestamp, end: PortalTimestamp
        private var received = 0, carriedOver = 0, onTime = 0, late = 0, withinTime = 0, overdue = 0
        /// Dossiers that could not be placed (see above).
        public private(set) var leftOut = 0

        /// A builder for `unitCode` in `month`/`year`; `nil` for a month that does not exist.
        public init?(year: Int, month: Int, unitCode: String, unitName: String? = nil) {
            guard let first = CalendarDate(year: year, month: month, day: 1),
                  let last = CalendarDate(year: year, month: month, day: CalendarDate.daysInMonth(year: year, month: month)),
                  let start = PortalTimestamp(date: first, hour: 0, minute: 0),
                  let end = PortalTimestamp(date: last, hour: 23, minute: 59, second: 59) else { return nil }
            (self.year, self.month, self.unitCode, self.unitName, self.start, self.end) = (year, month, unitCode, unitName, start, end)
        }

        /// Counts one of the unit's dossiers (dossiers received after the month are ignored).
        public mutating func add(_ dossier: Dossier) {
            guard dossier.receivedAt <= end else { return }
            if let resolvedAt = dossier.resolvedAt, resolvedAt < start { return }  // done before the month
            switch dossier.timeliness(at: end) {
            case .closedWithoutResult, .withoutDeadline:
                leftOut += 1
                return
            case .early, .onTime: onTime += 1
            case .late: late += 1
            case .withinTime: withinTime += 1
            case .overdue: overdue += 1
            }
            if dossier.receivedAt < start { carriedOver += 1 } else { received += 1 }
        }

        /// The record.
        public func statistics() -> MonthlyStatistics {
            MonthlyStatistics(year: year, month: month, unitCode: unitCode, unitName: unitName, received: received, carriedOver: carriedOver,
                              resolvedOnTime: onTime, resolvedLate: late, pendingWithinTime: withinTime, pendingOverdue: overdue)
        }
    }
}
