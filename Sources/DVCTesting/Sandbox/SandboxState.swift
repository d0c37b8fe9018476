import DVCClient
import DVCCore
import Foundation

/// Everything the sandbox remembers, behind one actor.
actor SandboxState {
    struct DossierRecord {
        /// The latest version received.
        var latest: Dossier?
        var creates = 0
        var updates = 0
        /// Every `TrangThaiHoSo` received with the dossier, in arrival order.
        var statuses: [DossierStatus] = []
        var progress = 0
        var status: DossierStatus?
        var flagged: [ValidationIssue] = []
    }

    struct SandboxPayment {
        var amount: Int
        var state: PaymentTransactionState
        var confirmed = false
    }

    let configuration: PortalSandbox.Configuration
    /// The faults in force (``PortalSandbox/setFaults(_:)`` changes them while serving).
    private(set) var faultSettings: SandboxFaults
    private var random: SeededRandom
    private var sessions: [String: Date] = [:]
    private var sessionCounter = 0
    private var calls = 0
    private(set) var dossiers: [String: DossierRecord] = [:]
    private(set) var payments: [String: SandboxPayment] = [:]
    private(set) var logins = 0
    private(set) var loginAttempts = 0
    private(set) var faults: [String: Int] = [:]
    private(set) var received: [String: Int] = [:]
    private var codes: [String: (nonce: String, challenge: String, redirect: String, account: String)] = [:]
    private var accessTokens: [String: String] = [:]

    init(configuration: PortalSandbox.Configuration) {
        self.configuration = configuration
        self.faultSettings = configuration.faults
        self.random = SeededRandom(seed: configuration.seed)
    }

    // MARK: Sessions and faults

    func login(username: String, password: String) -> String? {
        loginAttempts += 1
        guard let expected = configuration.accounts[username], constantTimeEquals(Array(expected.utf8), Array(password.utf8)) else { return nil }
        sessionCounter += 1
        logins += 1
        let token = "sbx-\(sessionCounter)-\(UInt64(random.next() * 1e15))"
        sessions[token] = Date().addingTimeInterval(configuration.sessionLifetime.inSeconds)
        return token
    }

    func setFaults(_ faults: SandboxFaults) { faultSettings = faults }

    /// Counts an operational call; expires every session every N calls when asked to.
    func countCall() {
        calls += 1
        if faultSettings.expireEvery > 0 && calls % faultSettings.expireEvery == 0 {
            sessions.removeAll()
            faults["expire", default: 0] += 1
        }
    }

    func isValid(session: String?) -> Bool {
        guard let session, let expiry = sessions[session] else { return false }
        if expiry < Date() { sessions[session] = nil; return false }
        return true
    }

    /// The faults that replace the answer, drawn with one roll; `slow` and `duplicate` are drawn apart.
    static let exclusiveFaults = ["error", "timeout", "drop", "malformed", "refuse", "applied-then-drop", "applied-then-timeout"]

    /// The fault (by name) this call suffers, if any.
    func drawFault() -> String? {
        let roll = random.next()
        var edge = 0.0
        for name in Self.exclusiveFaults {
            guard let fault = SandboxFaults.probabilities.first(where: { $0.name == name }) else { continue }
            edge += fault.get(faultSettings)
            if roll < edge {
                faults[name, default: 0] += 1
                return name
            }
        }
        return nil
    }

    /// Whether an answer is slow (drawn apart from the exclusive faults, so slow answers still succeed).
    func drawSlow() -> Bool {
        guard faultSettings.slow > 0, random.next() < faultSettings.slow else { return false }
        faults["slow", default: 0] += 1
        return true
    }

    func drawDuplicate() -> Bool {
        guard faultSettings.duplicate > 0, random.next() < faultSettings.duplicate else { return false }
        faults["duplicate", default: 0] += 1
        return true
    }

    func coin() -> Double { random.next() }

    func countFault(_ name: String) { faults[name, default: 0] += 1 }

    func note(_ service: String, count: Int = 1) { received[service, default: 0] += count }

    // MARK: Dossiers

    func status(of code: String) -> DossierStatus? { dossiers[code]?.status }
    func knows(_ code: String) -> Bool { dossiers[code]?.latest != nil }
    func latest(_ code: String) -> Dossier? { dossiers[code]?.latest }

    enum SyncOutcome { case stored, exists(String), missing(String), invalid([ValidationIssue]) }

    /// A `DongBoHoSoMC` batch, all or nothing: a create of a known dossier or an update of an
    /// unknown one refuses the batch, as invalid data does (unless accepted and flagged).
    func sync(_ batch: [Dossier], isUpdating: Bool, unit: AgencyCode?, acceptsInvalid: Bool) -> SyncOutcome {
        var checked: [(Dossier, [ValidationIssue])] = []
        var problems: [ValidationIssue] = []
        for (index, dossier) in batch.enumerated() {
            let code = dossier.code.rawValue
            if !isUpdating && knows(code) { return .exists(code) }
            if isUpdating && !knows(code) { return .missing(code) }
            let context = DossierValidationContext(syncingUnit: unit, previousStatus: status(of: code),
                                                   statusTransitionSeverity: configuration.statusTransitionSeverity)
            let issues = dossier.validate(against: context, path: "data[\(index)]").filter { $0.severity == .error }
            problems += issues
            checked.append((dossier, issues))
        }
        if !problems.isEmpty && !acceptsInvalid { return .invalid(problems) }
        for (dossier, issues) in checked { store(dossier, isUpdate: isUpdating, flagged: issues) }
        return .stored
    }

    func store(_ dossier: Dossier, isUpdate: Bool, flagged: [ValidationIssue]) {
        var record = dossiers[dossier.code.rawValue] ?? DossierRecord()
        record.latest = dossier
        if isUpdate { record.updates += 1 } else { record.creates += 1 }
        record.status = dossier.status
        record.statuses.append(dossier.status)
        record.flagged += flagged
        dossiers[dossier.code.rawValue] = record
    }

    func appendProgress(_ entry: ProgressEntry) {
        var record = dossiers[entry.dossierCode.rawValue] ?? DossierRecord()
        record.progress += 1
        dossiers[entry.dossierCode.rawValue] = record
    }

    // MARK: Payments

    /// Starts a payment; `false` when the reference is already used by a settled payment or by
    /// one of another amount (the real platform refuses a reused reference).
    func initiatePayment(_ reference: String, amount: Int) -> Bool {
        if let existing = payments[reference] { return existing.state == .pending && !existing.confirmed && existing.amount == amount }
        payments[reference] = SandboxPayment(amount: amount, state: .pending)
        return true
    }
    func payment(_ reference: String) -> SandboxPayment? { payments[reference] }
    func settle(_ reference: String, paid: Bool) -> SandboxPayment? {
        guard var record = payments[reference] else { return nil }
        record.state = paid ? .succeeded : .failed
        record.confirmed = true
        payments[reference] = record
        return record
    }

    // MARK: Identity

    func issueCode(nonce: String, challenge: String, redirect: String, account: String) -> String {
        let code = "code-\(UInt64(random.next() * 1e15))"
        codes[code] = (nonce, challenge, redirect, account)
        return code
    }

    func redeem(code: String) -> (nonce: String, challenge: String, redirect: String, account: String)? { codes.removeValue(forKey: code) }
    func issueAccessToken(account: String) -> String {
        let token = "at-\(UInt64(random.next() * 1e15))"
        accessTokens[token] = account
        return token
    }
    func account(for token: String) -> String? { accessTokens[token] }
    func revoke(_ token: String) { accessTokens[token] = nil }

    // MARK: State document

    func records() -> [String: SandboxDossierRecord] {
        dossiers.mapValues { record in
            SandboxDossierRecord(creates: record.creates, updates: record.updates, progress: record.progress, status: record.status,
                                 statuses: record.statuses, flagged: record.flagged.map { "\($0.path): \($0.rule.rawValue)" })
        }
    }

    func snapshot(after: String?, limit: Int?) -> Data {
        let keys = dossiers.keys.sorted().filter { key in after.map { key > $0 } ?? true }
        let limit = limit.map { max(0, $0) }
        let page = limit.map { Array(keys.prefix($0)) } ?? keys
        var dossierObjects: [String: Any] = [:]
        for key in page {
            guard let record = dossiers[key] else { continue }
            var object: [String: Any] = ["creates": record.creates, "updates": record.updates, "progress": record.progress,
                                         "status": record.status?.wireValue ?? "", "statuses": record.statuses.map(\.wireValue)]
            if !record.flagged.isEmpty { object["flagged"] = record.flagged.map { "\($0.path): \($0.rule.rawValue)" } }
            dossierObjects[key] = object
        }
        let totals: [String: Any] = [
            "dossiers": dossiers.count, "creates": dossiers.values.reduce(0) { $0 + $1.creates }, "updates": dossiers.values.reduce(0) { $0 + $1.updates },
            "progress": dossiers.values.reduce(0) { $0 + $1.progress }, "flagged": dossiers.values.filter { !$0.flagged.isEmpty }.count,
            "logins": logins, "calls": calls, "payments": payments.count, "paymentsConfirmed": payments.values.filter(\.confirmed).count,
            "received": received,
        ]
        var document: [String: Any] = ["dossiers": dossierObjects, "totals": totals, "faults": faults]
        if let limit, page.count == limit, page.count < keys.count, let last = page.last { document["next"] = last }
        return (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data("{}".utf8)
    }
}
