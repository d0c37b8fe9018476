import DVCClient
import DVCCore
import Foundation

/// Everything the sandbox remembers, behind one actor.
actor SandboxState {
    struct DossierRecord {
        var versions: [Dossier] = []
        var creates = 0
        var updates = 0
        var progress: [ProgressEntry] = []
        var status: DossierStatus?
        var flagged: [ValidationIssue] = []
    }

    struct PaymentRecord {
        var amount: Int
        var state: PaymentTransactionState
        var confirmed = false
    }

    let configuration: PortalSandbox.Configuration
    private var random: SeededRandom
    private var sessions: [String: Date] = [:]
    private var sessionCounter = 0
    private var calls = 0
    private(set) var dossiers: [String: DossierRecord] = [:]
    private(set) var payments: [String: PaymentRecord] = [:]
    private(set) var logins = 0
    private(set) var faults: [String: Int] = [:]
    private(set) var received: [String: Int] = [:]
    private var codes: [String: (nonce: String, challenge: String, redirect: String, account: String)] = [:]
    private var accessTokens: [String: String] = [:]

    init(configuration: PortalSandbox.Configuration) {
        self.configuration = configuration
        self.random = SeededRandom(seed: configuration.seed)
    }

    // MARK: Sessions and faults

    func login(username: String, password: String) -> String? {
        guard let expected = configuration.accounts[username], constantTimeEquals(Array(expected.utf8), Array(password.utf8)) else { return nil }
        sessionCounter += 1
        logins += 1
        let token = "sbx-\(sessionCounter)-\(UInt64(random.next() * 1e15))"
        sessions[token] = Date().addingTimeInterval(configuration.sessionLifetime.inSeconds)
        return token
    }

    /// Counts an operational call; expires every session every N calls when asked to.
    func countCall() {
        calls += 1
        if configuration.faults.expireEvery > 0 && calls % configuration.faults.expireEvery == 0 {
            sessions.removeAll()
            faults["expire", default: 0] += 1
        }
    }

    func isValid(session: String?) -> Bool {
        guard let session, let expiry = sessions[session] else { return false }
        if expiry < Date() { sessions[session] = nil; return false }
        return true
    }

    enum Fault: String { case error, timeout, drop, slow, malformed }

    func drawFault() -> Fault? {
        let f = configuration.faults
        let roll = random.next()
        var edge = 0.0
        for (fault, p) in [(Fault.error, f.error), (.timeout, f.timeout), (.drop, f.drop), (.malformed, f.malformed)] {
            edge += p
            if roll < edge {
                faults[fault.rawValue, default: 0] += 1
                return fault
            }
        }
        return nil
    }

    func drawDuplicate() -> Bool {
        guard configuration.faults.duplicate > 0, random.next() < configuration.faults.duplicate else { return false }
        faults["duplicate", default: 0] += 1
        return true
    }

    func coin() -> Double { random.next() }

    func countFault(_ name: String) { faults[name, default: 0] += 1 }

    func note(_ service: String, count: Int = 1) { received[service, default: 0] += count }

    // MARK: Dossiers

    func status(of code: String) -> DossierStatus? { dossiers[code]?.status }
    func knows(_ code: String) -> Bool { dossiers[code] != nil }

    func store(_ dossier: Dossier, isUpdate: Bool, flagged: [ValidationIssue]) {
        var record = dossiers[dossier.code.rawValue] ?? DossierRecord()
        record.versions.append(dossier)
        if isUpdate { record.updates += 1 } else { record.creates += 1 }
        record.status = dossier.status
        record.flagged += flagged
        dossiers[dossier.code.rawValue] = record
    }

    func appendProgress(_ entry: ProgressEntry) {
        var record = dossiers[entry.dossierCode.rawValue] ?? DossierRecord()
        record.progress.append(entry)
        record.status = entry.status
        dossiers[entry.dossierCode.rawValue] = record
    }

    // MARK: Payments

    func initiatePayment(_ reference: String, amount: Int) { payments[reference] = PaymentRecord(amount: amount, state: .pending) }
    func payment(_ reference: String) -> PaymentRecord? { payments[reference] }
    func settle(_ reference: String, paid: Bool) -> PaymentRecord? {
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

    func snapshot(after: String?, limit: Int?) -> Data {
        let keys = dossiers.keys.sorted().filter { key in after.map { key > $0 } ?? true }
        let page = limit.map { Array(keys.prefix($0)) } ?? keys
        var dossierObjects: [String: Any] = [:]
        for key in page {
            guard let record = dossiers[key] else { continue }
            var object: [String: Any] = ["creates": record.creates, "updates": record.updates, "progress": record.progress.count,
                                         "status": record.status?.wireValue ?? ""]
            if !record.flagged.isEmpty { object["flagged"] = record.flagged.map { "\($0.path): \($0.rule.rawValue)" } }
            dossierObjects[key] = object
        }
        let totals: [String: Any] = [
            "dossiers": dossiers.count, "creates": dossiers.values.reduce(0) { $0 + $1.creates }, "updates": dossiers.values.reduce(0) { $0 + $1.updates },
            "progress": dossiers.values.reduce(0) { $0 + $1.progress.count }, "flagged": dossiers.values.filter { !$0.flagged.isEmpty }.count,
            "logins": logins, "calls": calls, "payments": payments.count, "paymentsConfirmed": payments.values.filter(\.confirmed).count,
            "received": received,
        ]
        var document: [String: Any] = ["dossiers": dossierObjects, "totals": totals, "faults": faults]
        if let limit, page.count == limit, let last = page.last { document["next"] = last }
        return (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data("{}".utf8)
    }
}
