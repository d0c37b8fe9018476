/// Feedback on administrative regulations (phản ánh, kiến nghị — PAKN) under Decree 20/2008/NĐ-CP
/// as amended by Decrees 48/2013 and 92/2017 (`spec/codes-and-rules.md` §9), tracked the way the
/// Decision 766 indicators 5.2–5.3 need it.
///
/// The portal exchange has no PAKN service in the reference system, so this model has no
/// Vietnamese wire keys; it encodes with its Swift names.
public struct CitizenFeedback: Sendable, Hashable, Codable {
    /// How the receiving agency classified the feedback (Decree 92/2017).
    public enum Classification: String, Sendable, Hashable, Codable, CaseIterable {
        /// (a) rejected: does not meet the content requirements (Decree 20/2008 Art. 7(4)).
        case rejected
        /// (b) about delays, harassment or wrong implementation by agencies or officials; forwarded
        /// to the competent agency (tracked, but scores no points in Decision 766).
        case aboutOfficials = "about-officials"
        /// (c) on regulations within the agency's own competence.
        case withinCompetence = "within-competence"
        /// (d) on regulations outside its competence: forwarded within 5 working days.
        case outsideCompetence = "outside-competence"
    }

    /// Whether handling met its deadline.
    public enum Timeliness: String, Sendable, Hashable, Codable {
        /// Resolved by the deadline (đúng hạn).
        case onTime = "on-time"
        /// Resolved after it, or not resolved and past it (quá hạn).
        case overdue
        /// Not resolved yet, still before the deadline (trong hạn).
        case withinTime = "within-time"
    }

    /// The citizen's response to the handling.
    public enum CitizenResponse: String, Sendable, Hashable, Codable {
        /// Hài lòng.
        case satisfied
        /// Không hài lòng.
        case dissatisfied
        /// Re-submitted the feedback (phản ánh tiếp).
        case resubmitted
    }

    /// The agency's id for it.
    public var id: String
    /// When it was received.
    public var receivedAt: PortalTimestamp
    /// What the citizen wrote.
    public var content: String
    /// The classification, once made.
    public var classification: Classification?
    /// When it was forwarded (classifications (b) and (d)).
    public var forwardedAt: PortalTimestamp?
    /// The handling deadline (the Decree sets none for resolution **[U]**; set your own).
    public var dueAt: PortalTimestamp?
    /// When it was resolved.
    public var resolvedAt: PortalTimestamp?
    /// The citizen's response.
    public var citizenResponse: CitizenResponse?

    /// Creates feedback as received.
    public init(id: String, receivedAt: PortalTimestamp, content: String) {
        self.id = id
        self.receivedAt = receivedAt
        self.content = content
    }

    /// The days allowed to forward feedback outside the agency's competence (Decree 92/2017): 5 working days.
    public static let forwardingLimit = ProcessingTime.workingDays(5)

    /// The forwarding deadline, for feedback outside the agency's competence.
    public func forwardingDeadline(in calendar: WorkingCalendar = WorkingCalendar()) -> PortalTimestamp? {
        guard classification == .outsideCompetence else { return nil }
        return calendar.dueDate(receivedAt: receivedAt, limit: Self.forwardingLimit)
    }

    /// Whether forwarding missed its 5-working-day deadline (`nil` when it does not apply or has not happened).
    public func wasForwardedLate(in calendar: WorkingCalendar = WorkingCalendar()) -> Bool? {
        guard let deadline = forwardingDeadline(in: calendar), let forwardedAt else { return nil }
        return forwardedAt > deadline
    }

    /// On time, overdue or still within time at `now` (`nil` without a deadline).
    public func timeliness(at now: PortalTimestamp) -> Timeliness? {
        guard let dueAt else { return nil }
        if let resolvedAt { return resolvedAt <= dueAt ? .onTime : .overdue }
        return now <= dueAt ? .withinTime : .overdue
    }
}
