/// A span during which the processing clock stops (tạm dừng tính thời hạn): while the applicant
/// supplements the dossier (status 5) or meets a financial obligation (status 6).
public struct ClockPause: Sendable, Hashable, Codable {
    /// When the clock stopped.
    public var start: PortalTimestamp
    /// When it started again.
    public var end: PortalTimestamp

    /// Creates a pause; `end` before `start` is read as an empty pause.
    public init(start: PortalTimestamp, end: PortalTimestamp) {
        self.start = start
        self.end = max(start, end)
    }
}

extension WorkingCalendar {
    /// The office hours of a working day, as minutes after midnight on the portal's clock.
    /// The default 07:30–11:30 and 13:00–17:00 is the common civil-service schedule **[U]**:
    /// provinces set their own; pass yours.
    public struct OfficeHours: Sendable, Hashable {
        /// Half-open sessions `[start, end)` in minutes after midnight, in order.
        public var sessions: [Range<Int>]

        /// Creates office hours from sessions.
        public init(sessions: [Range<Int>]) { self.sessions = sessions }

        /// 07:30–11:30, 13:00–17:00.
        public static let standard = OfficeHours(sessions: [450..<690, 780..<1020])

        /// The closing time, minutes after midnight.
        public var closing: Int { sessions.last?.upperBound ?? 1_020 }
    }

    /// A deadline, and whether it rests on announced days (hạn xử lý).
    public struct Deadline: Sendable, Hashable, CustomStringConvertible {
        /// The promised return time (`NgayHenTra`).
        public let due: PortalTimestamp
        /// The years between reception and the deadline whose days the calendar does not know from
        /// an announcement (``WorkingCalendar/hasAnnouncedDays(for:)``): there the deadline follows
        /// the statutory rule, which the yearly notices often change — check it again once they are out.
        public let yearsWithoutAnnouncedDays: [Int]

        /// Whether every year the deadline spans is backed by announced days.
        public var restsOnAnnouncedDays: Bool { yearsWithoutAnnouncedDays.isEmpty }

        /// `20260225170000`, with a note when a year is not covered.
        public var description: String {
            due.description + (restsOnAnnouncedDays ? "" : " (computed from the statutory rule for \(yearsWithoutAnnouncedDays.map(String.init).joined(separator: ", ")))")
        }
    }

    /// The longest limit counted, in days (100 years); a longer one (or one that is not a finite,
    /// non-negative number) is taken as this, so a malformed procedure can never hang or crash.
    public static let longestLimit = 36_500.0

    /// The promised return time for a dossier received at `receivedAt` with time limit `limit`,
    /// with the clock stopped during `pauses` (ngày hẹn trả), and the years it spans that no
    /// announcement covers.
    ///
    /// - Working days: counting starts on the first working day after the reception day (the
    ///   clock-start rule of Decree 118/2025 was not available **[U]**); the result is the closing
    ///   time of the last counted day. A working day touched by a pause is not counted.
    ///   Fractions round up to whole days.
    /// - Calendar days: the days after the reception day, less the days touched by a pause, at
    ///   closing time; a deadline that falls on a day off moves to the next working day when
    ///   ``calendarDaysEndOnAWorkingDay`` (Civil Code 2015, Art. 148(5)).
    /// - Working hours: office-hour minutes from `receivedAt` on, skipping non-working days and
    ///   paused spans.
    public func deadline(receivedAt: PortalTimestamp, limit: ProcessingTime, pauses: [ClockPause] = [],
                         officeHours: OfficeHours = .standard) -> Deadline {
        let due = computeDueDate(receivedAt: receivedAt, limit: limit, pauses: pauses, officeHours: officeHours)
        let years = Array(Set(receivedAt.date.year...max(receivedAt.date.year, due.date.year)).filter { !hasAnnouncedDays(for: $0) }).sorted()
        return Deadline(due: due, yearsWithoutAnnouncedDays: years)
    }

    /// The promised return time (see ``deadline(receivedAt:limit:pauses:officeHours:)``, which also
    /// says whether it rests on announced days).
    public func dueDate(receivedAt: PortalTimestamp, limit: ProcessingTime, pauses: [ClockPause] = [],
                        officeHours: OfficeHours = .standard) -> PortalTimestamp {
        computeDueDate(receivedAt: receivedAt, limit: limit, pauses: pauses, officeHours: officeHours)
    }

    private func computeDueDate(receivedAt: PortalTimestamp, limit: ProcessingTime, pauses: [ClockPause], officeHours: OfficeHours) -> PortalTimestamp {
        let closing = min(officeHours.closing, 23 * 60 + 59)
        func atClosing(_ day: CalendarDate) -> PortalTimestamp {
            PortalTimestamp(date: day, hour: closing / 60, minute: closing % 60) ?? receivedAt
        }
        func paused(_ day: CalendarDate) -> Bool {
            pauses.contains { $0.start.date <= day && day <= $0.end.date }
        }
        let value = limit.value.isFinite ? min(max(limit.value, 0), Self.longestLimit * (limit.unit == .workingHours ? 24 : 1)) : 0
        /// The day on which the `days`-th counted day after receipt falls (bounded search).
        func dayAfter(counting days: Int, _ counts: (CalendarDate) -> Bool) -> CalendarDate {
            var remaining = days
            var day = receivedAt.date
            var steps = 0
            while remaining > 0 && steps < Self.searchLimit {
                day = day.adding(days: 1)
                steps += 1
                if counts(day) { remaining -= 1 }
            }
            return day
        }
        switch limit.unit {
        case .workingDays:
            return atClosing(dayAfter(counting: Int(value.rounded(.up))) { isWorkingDay($0) && !paused($0) })
        case .calendarDays:
            // Only the days a pause takes out of the window extend it.
            var day = dayAfter(counting: Int(value.rounded(.up))) { !paused($0) }
            if calendarDaysEndOnAWorkingDay && !isWorkingDay(day) { day = nextWorkingDay(after: day) }
            return atClosing(day)
        case .workingHours:
            return workingHoursDue(receivedAt: receivedAt, minutes: Int((value * 60).rounded(.up)), pauses: pauses, officeHours: officeHours,
                                   fallback: atClosing)
        }
    }

    /// Office-hour minutes counted from `receivedAt`, a whole session at a time when no pause
    /// touches it.
    private func workingHoursDue(receivedAt: PortalTimestamp, minutes: Int, pauses: [ClockPause], officeHours: OfficeHours,
                                 fallback atClosing: (CalendarDate) -> PortalTimestamp) -> PortalTimestamp {
        var remaining = minutes
        var day = receivedAt.date
        let receivedMinute = receivedAt.hour * 60 + receivedAt.minute
        guard remaining > 0 else { return receivedAt }
        for _ in 0..<Self.searchLimit {
            if isWorkingDay(day) {
                for session in officeHours.sessions where !session.isEmpty {
                    let from = day == receivedAt.date ? max(session.lowerBound, receivedMinute) : session.lowerBound
                    guard from < session.upperBound else { continue }
                    let start = PortalTimestamp(date: day, hour: from / 60, minute: from % 60) ?? receivedAt
                    let end = PortalTimestamp(date: day, hour: min(session.upperBound, 1_439) / 60, minute: min(session.upperBound, 1_439) % 60) ?? receivedAt
                    if !pauses.contains(where: { $0.start < end && start < $0.end }) && session.upperBound - from < remaining {
                        remaining -= session.upperBound - from
                        continue
                    }
                    var minute = from
                    while minute < session.upperBound {
                        let moment = PortalTimestamp(date: day, hour: minute / 60, minute: minute % 60) ?? receivedAt
                        if !pauses.contains(where: { $0.start <= moment && moment < $0.end }) {
                            remaining -= 1
                            if remaining == 0 {
                                let after = minute + 1
                                return PortalTimestamp(date: day, hour: after / 60, minute: after % 60) ?? moment
                            }
                        }
                        minute += 1
                    }
                }
            }
            day = day.adding(days: 1)
        }
        return atClosing(day)
    }
}
