import DVCClient
import DVCCore
import Foundation

/// The portal a ``SyncSimulation`` syncs to (cổng mô phỏng): a `Transport` that answers login,
/// `DongBoHoSoMC` and `CapNhatTienDoHoSoMC` in the reference dialect, in virtual time, with the
/// faults of a ``SimulationPlan`` — and records everything it applied, in order, for the
/// invariants to be checked against.
///
/// Its network model: a request reaches the portal after a delay and is applied then, or — when
/// that delay is longer than the client's timeout — never; the answer takes a second delay and
/// may be lost after the request was applied. A request still on its way when its sender crashes
/// is applied or not, by the seed's draw.
@available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *)
final class SimulatedPortal: Transport, @unchecked Sendable {
    /// One dossier version or progress entry the portal applied.
    struct Applied: Sendable {
        let at: Double
        let label: String
    }

    /// One write the portal answered: who, when, accepted or refused.
    struct Answer: Sendable {
        let at: Double
        let operation: String
        let codes: [String]
        let accepted: Bool
    }

    private let lock = NSLock()
    private let plan: SimulationPlan
    private let clock: SimulationClock
    private var random: SimulationRandom
    private let dialect = PortalDialect.reference
    private var sessionsIssued = 0
    private var sessionsValidFrom = 0
    private var expiriesDone = 0
    private(set) var versions: [String: [Applied]] = [:]
    private(set) var progress: [String: [Applied]] = [:]
    private(set) var answers: [Answer] = []
    /// Progress labels whose call was applied but whose answer was lost, and how often (each such
    /// loss allows one more arrival).
    private(set) var progressAnswersLost: [String: Int] = [:]
    private(set) var violations: [SyncSimulation.Violation] = []
    private(set) var calls = 0
    /// The latest version of each dossier (what a lookup answers).
    private var latest: [String: Dossier] = [:]
    /// Asked when a create arrives: whether the outbox already records the dossier as known (a
    /// create then breaks I3).
    var knownToOutbox: (@Sendable (String) async -> Bool)?

    init(plan: SimulationPlan, clock: SimulationClock, seed: UInt64) {
        self.plan = plan
        self.clock = clock
        random = SimulationRandom(seed: seed ^ 0x5052_4F54_414C)
    }

    private var seconds: Double { clock.scheduler.seconds }

    private func draw<T>(_ body: (inout SimulationRandom) -> T) -> T { lock.withLock { body(&random) } }

    func send(_ request: PortalRequest) async throws -> PortalResponse {
        lock.withLock { calls += 1 }
        let timeout = request.timeout?.inSeconds ?? plan.clientTimeout
        let (there, back) = draw { random in (plan.latency(&random), plan.latency(&random)) }
        let lost = draw { $0.chance(plan.lostAnswerChance) }
        // On its way: applied on arrival, or never if the sender gave up first.
        do {
            try await clock.sleep(for: .seconds(min(there, timeout)))
        } catch {
            // The sender died with the request in flight: it may still arrive.
            if draw({ $0.chance(0.5) }) {
                _ = await apply(request)
                noteLost(request)
            }
            throw error
        }
        if there > timeout { throw SandboxTransportError.timedOut }
        let response = await apply(request)
        if there + back > timeout {
            try await clock.sleep(for: .seconds(max(0, timeout - there)))
            noteLost(request)
            throw SandboxTransportError.timedOut
        }
        do {
            try await clock.sleep(for: .seconds(back))
        } catch {
            noteLost(request)
            throw error
        }
        if lost {
            noteLost(request)
            throw SandboxTransportError.connectionClosed
        }
        return response
    }

    private func noteLost(_ request: PortalRequest) {
        guard request.operation == PortalService.updateProgress.rawValue,
              let call = dialect.recognise(method: request.method.rawValue, target: Self.target(request.url), headers: request.headers, body: request.body),
              let entries = try? call.payload([ProgressEntry].self) else { return }
        lock.withLock { for entry in entries { progressAnswersLost[entry.action ?? "", default: 0] += 1 } }
    }

    /// A worker died: progress the portal applied for entries not yet acknowledged may come
    /// again (the process took the answer with it), once more for each such death.
    func workerDied(acknowledged: Set<String>) {
        lock.withLock {
            for applied in progress.values.joined() where !acknowledged.contains(applied.label) {
                progressAnswersLost[applied.label, default: 0] += 1
            }
        }
    }

    static func target(_ url: URL) -> String {
        url.path + (url.query.map { "?" + $0 } ?? "")
    }

    // MARK: - Applying a request

    private func reply(_ verdict: PortalReplyVerdict, _ message: String, status: Int = 200) -> PortalResponse {
        PortalResponse(status: status, headers: ["Content-Type": "application/json"], body: dialect.replyBody(verdict, message: message))
    }

    private func window(_ windows: [SimulationPlan.Window], _ operation: String) -> SimulationPlan.Window? {
        let now = seconds
        return windows.first { $0.contains(now) && ($0.operation == nil || $0.operation == operation) }
    }

    private static let tracing = ProcessInfo.processInfo.environment["DVC_SIM_TRACE"] == "1"

    func apply(_ request: PortalRequest) async -> PortalResponse {
        let response = await answer(request)
        if Self.tracing {
            let labels = (try? PortalJSON.decode(AnyLabels.self, from: request.body))?.labels ?? []
            FileHandle.standardError.write(Data(String(format: "%9.3f portal %@ %@ -> %d %@\n", seconds, request.operation, labels.joined(separator: ","),
                                                       response.status, String(decoding: response.body.prefix(90), as: UTF8.self)).utf8))
        }
        return response
    }

    /// The labels of a request's dossiers or progress entries, for the trace.
    private struct AnyLabels: Decodable {
        let labels: [String]
        init(from decoder: any Decoder) throws {
            struct Item: Decodable {
                let GhiChu: String?
                let NoiDungXuLy: String?
            }
            struct Envelope: Decodable { let data: [Item]? }
            let items = (try? decoder.singleValueContainer().decode(Envelope.self).data) ?? (try? decoder.singleValueContainer().decode([Item].self)) ?? []
            labels = items.compactMap { $0.GhiChu ?? $0.NoiDungXuLy }
        }
    }

    private func answer(_ request: PortalRequest) async -> PortalResponse {
        let target = Self.target(request.url)
        if request.url.path == dialect.authentication.path {
            return login(request)
        }
        guard let call = dialect.recognise(method: request.method.rawValue, target: target, headers: request.headers, body: request.body) else {
            return PortalResponse(status: 404, body: Data(#"{"error_code":"-1","message":"no such endpoint"}"#.utf8))
        }
        let operation = call.service.rawValue
        // Faults of the infrastructure in front of the portal first.
        if window(plan.proxy413, operation) != nil { return PortalResponse(status: 413, body: Data("Request Entity Too Large".utf8)) }
        if window(plan.outages, operation) != nil { return PortalResponse(status: 503, headers: ["Retry-After": "1"], body: Data()) }
        guard sessionIsValid(call.credential) else {
            return reply(.refused, "Phiên làm việc đã hết hạn hoặc không hợp lệ (session expired or invalid)")
        }
        if let storm = window(plan.storms, operation) {
            let id = storm.perRequestID ? " mã tra cứu " + draw { $0.hex(16) } : ""
            record(Answer(at: seconds, operation: operation, codes: [], accepted: false))
            return reply(.refused, "Hệ thống đang bận, vui lòng thử lại sau\(id)")
        }
        switch call.service {
        case .syncDossiers: return await syncDossiers(call)
        case .updateProgress: return updateProgress(call)
        case .lookUpDossier:
            let code = call.parameters["mahoso"] ?? ""
            let held = lock.withLock { latest[code] }
            let result = (try? PortalJSON.encode(held.map { [$0] } ?? [])) ?? Data("[]".utf8)
            return PortalResponse(status: 200, headers: ["Content-Type": "application/json"], body: dialect.replyBody(.success, message: "Thành công", result: result))
        default: return reply(.refused, "Dịch vụ \(operation) không có trong mô phỏng")
        }
    }

    private func login(_ request: PortalRequest) -> PortalResponse {
        struct Login: Decodable { let username: String?; let password: String? }
        let body = try? JSONDecoder().decode(Login.self, from: request.body)
        if window(plan.wrongPassword, "login") != nil || body?.password != SyncSimulation.password {
            return PortalResponse(status: 200, body: Data(#"{"error_code":"-1","message":"Sai tên đăng nhập hoặc mật khẩu (invalid credentials)"}"#.utf8))
        }
        let token = lock.withLock { () -> Int in
            sessionsIssued += 1
            return sessionsIssued
        }
        return PortalResponse(status: 200, body: Data(#"{"error_code":0,"session":"sim-\#(token)","message":"Thành công"}"#.utf8))
    }

    private func sessionIsValid(_ credential: String?) -> Bool {
        guard let credential, credential.hasPrefix("sim-"), let number = Int(credential.dropFirst(4)) else { return false }
        return lock.withLock {
            while expiriesDone < plan.sessionExpiries.count && plan.sessionExpiries[expiriesDone] <= seconds {
                expiriesDone += 1
                sessionsValidFrom = sessionsIssued + 1
            }
            return number >= sessionsValidFrom
        }
    }

    private func record(_ answer: Answer) { lock.withLock { answers.append(answer) } }

    private func syncDossiers(_ call: DialectCall) async -> PortalResponse {
        let operation = call.service.rawValue
        guard let dossiers = try? call.payload([Dossier].self) else { return reply(.refused, "Dữ liệu không hợp lệ (unreadable)") }
        let codes = dossiers.map(\.code.rawValue)
        if dossiers.contains(where: { plan.poison5xx.contains($0.note ?? "") }) {
            return PortalResponse(status: 500, body: Data("internal error".utf8))
        }
        if let bad = dossiers.first(where: { plan.refused.contains($0.note ?? "") }) {
            record(Answer(at: seconds, operation: operation, codes: codes, accepted: false))
            let message = plan.refusalsShareAMessage ? "Mã thủ tục không tồn tại trên Cổng DVCQG"
                                                     : "Hồ sơ \(bad.code.rawValue): mã thủ tục không tồn tại trên Cổng DVCQG"
            return reply(.refused, message)
        }
        let isUpdating = call.isUpdating ?? false
        let now = seconds
        let (exists, missing) = lock.withLock {
            (codes.first { versions[$0] != nil }, codes.first { versions[$0] == nil })
        }
        if !isUpdating, let exists {
            if let knownToOutbox, await knownToOutbox(exists) {
                lock.withLock { violations.append(.init(invariant: .noDuplicateCreate, dossier: exists, detail: "a create was sent for a dossier the outbox records as known to the portal")) }
            }
            record(Answer(at: now, operation: operation, codes: codes, accepted: false))
            return reply(.alreadyExists, "Hồ sơ \(exists) đã tồn tại (already exists)")
        }
        if isUpdating, let missing {
            record(Answer(at: now, operation: operation, codes: codes, accepted: false))
            return reply(.refused, "Hồ sơ \(missing) không tồn tại (not found; create it first)")
        }
        lock.withLock {
            for dossier in dossiers {
                versions[dossier.code.rawValue, default: []].append(Applied(at: now, label: dossier.note ?? ""))
                latest[dossier.code.rawValue] = dossier
            }
            answers.append(Answer(at: now, operation: operation, codes: codes, accepted: true))
        }
        return reply(.success, "Thành công")
    }

    private func updateProgress(_ call: DialectCall) -> PortalResponse {
        let operation = call.service.rawValue
        guard let entries = try? call.payload([ProgressEntry].self) else { return reply(.refused, "Dữ liệu không hợp lệ (unreadable)") }
        let codes = entries.map(\.dossierCode.rawValue)
        if entries.contains(where: { plan.poisonProgress.contains(SyncSimulation.versionLabel(ofProgress: $0.action ?? "")) }) {
            return PortalResponse(status: 500, body: Data("internal error".utf8))
        }
        let now = seconds
        return lock.withLock {
            if let unknown = codes.first(where: { versions[$0] == nil }) {
                answers.append(Answer(at: now, operation: operation, codes: codes, accepted: false))
                return reply(.refused, "Hồ sơ \(unknown) không tồn tại (unknown dossier)")
            }
            for entry in entries {
                let code = entry.dossierCode.rawValue
                progress[code, default: []].append(Applied(at: now, label: entry.action ?? ""))
            }
            answers.append(Answer(at: now, operation: operation, codes: codes, accepted: true))
            return PortalResponse(status: 200, body: dialect.replyBody(.success, message: "Cập nhật thành công", plainText: true))
        }
    }
}
