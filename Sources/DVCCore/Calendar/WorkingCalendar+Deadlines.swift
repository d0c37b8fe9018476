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

    /// The promised return time for a dossier received at `receivedAt` with time limit `limit`,
    /// with the clock stopped during `pauses` (ngày hẹn trả).
    ///
    /// - Working days: counting starts on the first working day after the reception day (the
    ///   clock-start rule of Decree 118/2025 was not available **[U]**); the result is the closing
    ///   time of the last counted day. A working day touched by a pause is not counted.
    ///   Fractions round up to whole days.
    /// - Calendar days: the reception day plus the limit, plus every day touched by a pause, at
    ///   closing time.
    /// - Working hours: office-hour minutes from `receivedAt` on, skipping non-working days and
    ///   paused spans.
    public func dueDate(receivedAt: PortalTimestamp, limit: ProcessingTime, pauses: [ClockPause] = [],
                        officeHours: OfficeHours = .standard) -> PortalTimestamp {
        let closing = officeHours.closing
        func atClosing(_ day: CalendarDate) -> PortalTimestamp {
            PortalTimestamp(date: day, hour: closing / 60, minute: closing % 60) ?? receivedAt
        }
        func paused(_ day: CalendarDate) -> Bool {
            pauses.contains { $0.start.date <= day && day <= $0.end.date }
        }
        switch limit.unit {
        case .workingDays:
            var remaining = Int(limit.value.rounded(.up))
            var day = receivedAt.date
            if remaining <= 0 { return atClosing(day) }
            while remaining > 0 {
                day = day.adding(days: 1)
                if isWorkingDay(day) && !paused(day) { remaining -= 1 }
            }
            return atClosing(day)
        case .calendarDays:
            var day = receivedAt.date.adding(days: Int(limit.value.rounded(.up)))
            var pausedDays = Set<CalendarDate>()
            for pause in pauses {
                var d = pause.start.date
                while d <= pause.end.date { pausedDays.insert(d); d = d.adding(days: 1) }
            }
            day = day.adding(days: pausedDays.count)
            return atClosing(day)
        case .workingHours:
            var remaining = Int((limit.value * 60).rounded(.up))
            var day = receivedAt.date
            let receivedMinute = receivedAt.hour * 60 + receivedAt.minute
            while true {
                if isWorkingDay(day) {
                    for session in officeHours.sessions {
                        var minute = day == receivedAt.date ? max(session.lowerBound, receivedMinute) : session.lowerBound
                        while minute < session.upperBound {
                            let moment = PortalTimestamp(date: day, hour: minute / 60, minute: minute % 60) ?? receivedAt
                            if !pauses.contains(where: { $0.start <= moment && moment < $0.end }) {
                                remaining -= 1
                                if remaining <= 0 {
                                    let end = minute + 1
                                    return PortalTimestamp(date: day, hour: end / 60, minute: end % 60) ?? moment
                                }
                            }
                            minute += 1
                        }
                    }
                }
                if remaining <= 0 { return atClosing(day) }
                day = day.adding(days: 1)
            }
        }
    }
}
