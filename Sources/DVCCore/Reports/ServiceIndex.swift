/// The service-quality index of Decision 766/QĐ-TTg (23/06/2022), "Bộ chỉ số 766": 100 points in
/// six groups, each indicator a ratio scored against its maximum.
///
/// The indicators, maxima and targets are the public reconstruction of the portal's formula
/// workbook (the Decision's appendix is not published in machine-readable form) **[P]**: an
/// indicator with a target T scores its maximum at R ≥ T and R × maximum ÷ T below; one without
/// a target scores R × maximum. An indicator whose data was not supplied is *not computed* — never
/// zero, never full — and its group's score says how many points it covers.
///
/// ```swift
/// var inputs = ServiceIndex.Inputs()
/// inputs[.handledInTime] = report.total.handledInTime       // from dossiers
/// inputs[.synchronised] = Ratio(6_200, of: 6_411)            // from the sync engine
/// let index = ServiceIndex(inputs)
/// index.points        // the points of what was computed
/// ```
public struct ServiceIndex: Sendable, Hashable, Codable {
    /// The six groups and their maxima (18 / 20 / 12 / 10 / 22 / 18).
    public enum Group: String, Sendable, Hashable, Codable, CaseIterable {
        /// Công khai, minh bạch (transparency), 18 points.
        case transparency
        /// Tiến độ, kết quả giải quyết (progress and results), 20 points.
        case progress
        /// Dịch vụ công trực tuyến (online services), 12 points.
        case onlineServices = "online-services"
        /// Thanh toán trực tuyến (online payment), 10 points.
        case onlinePayment = "online-payment"
        /// Số hóa hồ sơ (digitisation), 22 points.
        case digitisation
        /// Mức độ hài lòng (satisfaction), 18 points.
        case satisfaction

        /// The group's maximum.
        public var maximum: Double { ServiceIndex.Indicator.allCases.filter { $0.group == self }.reduce(0) { $0 + $1.maximum } }
        /// The Vietnamese name.
        public var name: String {
            switch self {
            case .transparency: "Công khai, minh bạch"
            case .progress: "Tiến độ, kết quả giải quyết"
            case .onlineServices: "Dịch vụ công trực tuyến"
            case .onlinePayment: "Thanh toán trực tuyến"
            case .digitisation: "Số hóa hồ sơ"
            case .satisfaction: "Mức độ hài lòng"
            }
        }
    }

    /// The indicators that carry points.
    public enum Indicator: String, Sendable, Hashable, Codable, CodingKeyRepresentable, CaseIterable {
        /// 1.1 Procedures published on time.
        case publishedOnTime = "1.1"
        /// 1.2 Procedures updated and made public on time in the national database.
        case updatedOnTime = "1.2"
        /// 1.3 Procedures with complete components.
        case completeComponents = "1.3"
        /// 1.4 Dossiers synchronised to the portal.
        case synchronised = "1.4"
        /// 2.1 Dossiers handled early, on time or still within time.
        case handledInTime = "2.1"
        /// 3 Dossiers processed fully online, among those of procedures eligible for it.
        case fullyOnline = "3"
        /// 3.5a Procedures with fee data on the portal, among those with fees (target 80 %).
        case feeDataPublished = "3.5a"
        /// 3.5b Procedures with online-payment transactions, among those with fees (target 80 %).
        case paymentTransactions = "3.5b"
        /// 3.6 Dossiers paid online, among those with fees.
        case paidOnline = "3.6"
        /// 4.1 Dossiers with an electronic result, among those whose result is a document.
        case electronicResult = "4.1"
        /// 4.2 Dossiers digitised with an electronic result (target 80 %).
        case digitised = "4.2"
        /// Electronic certified copies from originals offered.
        case certifiedCopies = "4.2b"
        /// 4.3 Dossiers reusing digitised data (target 80 %).
        case reusedData = "4.3"
        /// 4.4 Digitised results shared to the personal data store.
        case sharedResults = "4.4"
        /// 4.5a Procedures connected to the national population database.
        case populationConnected = "4.5a"
        /// 4.5b Dossiers that used the population database.
        case populationUsed = "4.5b"
        /// 5.2 Feedback (PAKN) handled on time.
        case feedbackOnTime = "5.2"
        /// 5.3 Satisfaction with feedback handling.
        case feedbackSatisfaction = "5.3"
        /// 5.4 Satisfaction with receiving and resolving procedures (target 90 %).
        case resolutionSatisfaction = "5.4"

        /// The group it belongs to.
        public var group: Group {
            switch self {
            case .publishedOnTime, .updatedOnTime, .completeComponents, .synchronised: .transparency
            case .handledInTime: .progress
            case .fullyOnline: .onlineServices
            case .feeDataPublished, .paymentTransactions, .paidOnline: .onlinePayment
            case .electronicResult, .digitised, .certifiedCopies, .reusedData, .sharedResults, .populationConnected, .populationUsed: .digitisation
            case .feedbackOnTime, .feedbackSatisfaction, .resolutionSatisfaction: .satisfaction
            }
        }

        /// Its maximum points.
        public var maximum: Double {
            switch self {
            case .publishedOnTime, .synchronised, .paidOnline, .electronicResult, .feedbackOnTime, .feedbackSatisfaction, .resolutionSatisfaction: 6
            case .updatedOnTime, .digitised, .sharedResults: 4
            case .completeComponents, .feeDataPublished, .paymentTransactions, .certifiedCopies, .reusedData, .populationConnected, .populationUsed: 2
            case .handledInTime: 20
            case .fullyOnline: 12
            }
        }

        /// Its target share (0…1), when it has one.
        public var target: Double? {
            switch self {
            case .feeDataPublished, .paymentTransactions, .digitised, .reusedData: 0.80
            case .resolutionSatisfaction: 0.90
            default: nil
            }
        }

        /// Points for `ratio`: the maximum at or above the target, proportional below it.
        public func points(for ratio: Ratio) -> Double? {
            guard let share = ratio.fraction else { return nil }
            let bounded = min(max(share, 0), 1)
            guard let target else { return Self.round(bounded * maximum) }
            return Self.round(bounded >= target ? maximum : bounded * maximum / target)
        }

        static func round(_ value: Double) -> Double { (value * 100).rounded(.toNearestOrAwayFromZero) / 100 }
    }

    /// The data for each indicator; what is not set is not computed.
    public struct Inputs: Sendable, Hashable, Codable {
        /// The ratios by indicator.
        public var ratios: [Indicator: Ratio] = [:]
        /// No data yet.
        public init() {}
        /// The ratio of one indicator.
        public subscript(_ indicator: Indicator) -> Ratio? {
            get { ratios[indicator] }
            set { ratios[indicator] = newValue }
        }

        /// The indicators a dossier report can supply: 2.1, 3 (fully online among all dossiers
        /// unless the caller narrows it), 3.6, 4.1, and — over the dossiers that carry the flags
        /// they need (`DuocSoHoa`, `CSDLLienThong`), else not computed — 4.2 and 4.5b.
        public mutating func fill(from figures: DossierFigures) {
            ratios[.handledInTime] = figures.handledInTime
            ratios[.fullyOnline] = figures.fullyOnlineShare
            ratios[.paidOnline] = figures.paidOnlineShare
            ratios[.electronicResult] = Ratio(figures.electronicResult, of: figures.resolved)
            ratios[.digitised] = Ratio(figures.digitisedWithElectronicResult, of: figures.digitisationReported)
            ratios[.populationUsed] = Ratio(figures.populationDatabase, of: figures.databasesReported)
        }

        /// Indicators 5.2 and 5.3 from feedback (PAKN) records at `moment`
        /// (``ServiceIndex/feedbackRatios(_:at:)``).
        public mutating func fill(feedback: [CitizenFeedback], at moment: PortalTimestamp) {
            let ratios = ServiceIndex.feedbackRatios(feedback, at: moment)
            self.ratios[.feedbackOnTime] = ratios.handledOnTime
            self.ratios[.feedbackSatisfaction] = ratios.satisfaction
        }
    }

    /// The feedback (PAKN) indicators 5.2 and 5.3 from feedback records, at `moment`:
    /// - 5.2: handled on time or still within time, among the feedback with a deadline;
    /// - 5.3: the feedback received that is neither dissatisfied, re-submitted nor overdue, among
    ///   all feedback received (the formula's "first received").
    /// Feedback classified as about officials is tracked but scores no points, so it is left out.
    public static func feedbackRatios(_ feedback: [CitizenFeedback], at moment: PortalTimestamp) -> (handledOnTime: Ratio, satisfaction: Ratio) {
        var judged = 0, inTime = 0, counted = 0, good = 0
        for item in feedback where item.classification != .aboutOfficials && item.classification != .rejected {
            counted += 1
            let timeliness = item.timeliness(at: moment)
            if let timeliness {
                judged += 1
                if timeliness != .overdue { inTime += 1 }
            }
            if timeliness != .overdue, item.citizenResponse != .dissatisfied, item.citizenResponse != .resubmitted { good += 1 }
        }
        return (Ratio(inTime, of: judged), Ratio(good, of: counted))
    }

    /// One indicator's result.
    public struct Score: Sendable, Hashable, Codable {
        /// The indicator.
        public var indicator: Indicator
        /// Its data, when supplied.
        public var ratio: Ratio?
        /// Its points; `nil` when not computed (no data, or nothing to count).
        public var points: Double?
    }

    /// One group's result.
    public struct GroupScore: Sendable, Hashable, Codable {
        /// The group.
        public var group: Group
        /// Points of the computed indicators.
        public var points: Double
        /// The maximum of the computed indicators (the group's own maximum when all are computed).
        public var computedMaximum: Double
        /// The group's maximum.
        public var maximum: Double
    }

    /// Every indicator's score, in the Decision's order.
    public let scores: [Score]

    /// Scores `inputs`.
    public init(_ inputs: Inputs) {
        scores = Indicator.allCases.map { indicator in
            let ratio = inputs[indicator]
            return Score(indicator: indicator, ratio: ratio, points: ratio.flatMap(indicator.points(for:)))
        }
    }

    /// The groups' scores, in order.
    public var groups: [GroupScore] {
        Group.allCases.map { group in
            let mine = scores.filter { $0.indicator.group == group }
            let computed = mine.filter { $0.points != nil }
            return GroupScore(group: group, points: Indicator.round(computed.reduce(0) { $0 + ($1.points ?? 0) }),
                              computedMaximum: computed.reduce(0) { $0 + $1.indicator.maximum }, maximum: group.maximum)
        }
    }

    /// Points of the computed indicators.
    public var points: Double { Indicator.round(scores.reduce(0) { $0 + ($1.points ?? 0) }) }
    /// The points the computed indicators could reach (100 when everything was computed).
    public var computedMaximum: Double { scores.filter { $0.points != nil }.reduce(0) { $0 + $1.indicator.maximum } }
}
