// dvc-demo: a short tour of DVCKit. Run it with `swift run dvc-demo`.
//
// It replays, on a small scale, what the national portal's audits found in real batches —
// dossiers without the receiving agency's code, malformed dossier codes, wrong procedure codes —
// and shows DVCKit catching each before anything is sent, then syncs dossiers through a portal
// sandbox that fails a third of its calls, and loses none; reports on a province's month the way
// the portal will judge it; pays a fee online; and logs a citizen in through single sign-on.
import DVCKit
import DVCTesting
import Foundation

@main
enum Demo {
    static func main() async throws {
        heading("1. Validate a batch before it leaves (the audits' three defects)")
        let batch: [(dossier: String, agency: String, procedure: String)] = [
            ("000.00.14.H20-250703-0002", "000.00.14.H20", "1.001193"),
            ("000.00.14.H20-250703-0003", "", "1.000894.000.00.00.H20"),            // agency missing
            ("000.00.14.H20-25073-0004", "000.00.14.H20", "2.000815"),             // dossier code malformed
            ("000.00.14.H20-250230-0005", "000.00.14.H20", "2.000815"),            // 30 February
            ("000.00.14.H20-250703-0006", "000.00.14.h20", "1.001193"),            // lower-case level-1 letter
            ("000.00.14.H20-250703-0007", "000.00.14.H20", "1.1193"),              // procedure code malformed
            ("H55.242-250801-0001", "H55.242", "2.000815.000.00.00.H55.02"),       // Circular 03/2025 form
        ]
        for (index, row) in batch.enumerated() {
            var problems: [String] = []
            if row.agency.isEmpty {
                problems.append("receiving agency: missing")
            } else if case .failure(let error) = Result(catching: { () throws(CodeError) in try AgencyCode(row.agency) }) {
                problems.append("receiving agency: \(error.rule.rawValue) at \(error.offset)")
            }
            do { _ = try DossierCode(row.dossier) } catch { problems.append("dossier code: \(error.rule.rawValue) at \(error.offset)") }
            do { _ = try ProcedureCode(row.procedure) } catch { problems.append("procedure code: \(error.rule.rawValue) at \(error.offset)") }
            let verdict = problems.isEmpty ? "ok" : problems.joined(separator: "; ")
            print("  data[\(index)] \(row.dossier.padding(toLength: 27, withPad: " ", startingAt: 0)) \(verdict)")
        }

        heading("2. Agency codes in both legal forms")
        for text in ["000.00.14.H20", "H55.242", "000.701.18.G12"] {
            let code = try AgencyCode(text)
            print("  \(text): \(code.form.rawValue), level \(code.level), levels \(code.levels), parent \(code.parent?.rawValue ?? "—")"
                  + (code.isDeployedVariant ? " (deployed variant)" : ""))
        }
        let unit = try AgencyCode("000.00.14.H20")
        print("  000.00.14.H20 belongs to the province of 000.00.00.H20: \(unit.isWithin(try AgencyCode("000.00.00.H20")))")

        heading("3. Issue dossier codes (thread-safe, resumable)")
        let day = CalendarDate(year: 2026, month: 3, day: 2) ?? .today
        let generator = try DossierCodeGenerator(agency: unit, lastIssued: [day: 41])
        for _ in 0..<3 { print("  \(try generator.next(on: day))") }

        heading("4. Administrative units across the 2025 reform")
        let before = CalendarDate(year: 2025, month: 6, day: 30) ?? .today
        let after = CalendarDate(year: 2025, month: 7, day: 1) ?? .today
        let ward = try WardCode("00004")
        print("  00004 on \(before): \(try ward.ward(on: before))")
        print("  00004 on \(after): \(try ward.ward(on: after))")
        for succession in AdministrativeUnits.successors(ofLegacyWard: try WardCode("00001")) {
            let target = try succession.successor.ward(on: after)
            print("  legacy 00001 Phường Phúc Xá → \(target.code) \(target.name) (\(succession.relation.rawValue))")
        }
        let found = AdministrativeUnits.wards(named: "hoàn kiếm", on: after).map(\.description)
        print("  search \"hoàn kiếm\": \(found)")
        print("  provinces: \(AdministrativeUnits.provinces(in: .legacy).count) until 2025-06-30, "
              + "\(AdministrativeUnits.provinces(in: .reform2025).count) from 2025-07-01")

        heading("5. Personal identifiers are validated and never printed in full")
        let citizen = try CitizenID("079203000001")
        print("  citizen ID \(citizen): born \(citizen.birthYear), \(citizen.sex.rawValue), registered in \(citizen.birthRegistrationProvince.name)")
        for text in ["0312 68 78 78 - 001", "0100233480"] {
            do {
                let tax = try TaxCode(text)
                print("  tax code \"\(text)\" → \(tax) (\(tax.kind.rawValue))")
            } catch {
                print("  tax code \"\(text)\" → \(error)")
            }
        }
        let phone = try PhoneNumber("0912 345 678")
        print("  phone 0912 345 678 → \(phone) (\(phone.carrier?.rawValue ?? "unknown carrier"))")
        heading("6. A DongBoHoSoMC batch checked before it is sent")
        let received = try PortalTimestamp("20260302083000")
        var dossier = Dossier(
            code: try generator.next(on: received.date), procedureCode: try ProcedureCode("1.001193"),
            procedureName: "Đăng ký khai sinh", fieldCode: try FieldCode("G15-HT01"), fieldName: "Hộ tịch",
            applicantType: .citizen, summary: "Đăng ký khai sinh", receivedAt: received, status: .received,
            resultDelivery: .atOffice, processingAgencyName: "UBND xã Mỹ Hiệp")
        dossier.dueAt = WorkingCalendar().dueDate(receivedAt: received, limit: .workingDays(3))
        dossier.submittedFiles = [SubmittedFile(name: "to-khai.pdf", url: "http://motcua.example/to-khai.pdf")]
        let request = DossierSyncRequest(unitCode: "000.00.00.H21", isUpdating: false, dossiers: [dossier], session: "not-printed")
        print("  \(request)")
        print("  NgayHenTra for 3 working days: \(dossier.dueAt?.description ?? "-")")
        var validator = DossierBatchValidator()
        try PortalJSON.encode(request).withUnsafeBytes { try validator.feed($0) }
        let report = try validator.finish()
        print("  \(report.total) dossier(s), \(report.invalid) invalid:")
        for entry in report.issues { print("    \(entry.path): \(entry.message) [\(entry.rule.rawValue)]") }

        try await syncThroughAFlakyPortal(dossier)
        try reportOnAMonth()
        try await payAndLogIn()

        print("\nNext: swift run dvc-validate --help, swift run dvc-report --help")
    }

    /// Section 7: the sync engine against the sandbox with faults, in process (no network needed).
    static func syncThroughAFlakyPortal(_ template: Dossier) async throws {
        heading("7. Sync 60 dossiers through a portal that fails 30% of calls")
        let sandbox = PortalSandbox(configuration: .init(faults: try SandboxFaults("error=0.3,drop=0.05"), seed: 3))
        let client = PortalClient(
            configuration: .init(adapterURL: PortalSandbox.inProcessURL, credentials: .init(username: "sandbox", password: "sandbox"),
                                 unitCode: "000.00.00.H21", retryPolicy: .exponentialJitter(maximumAttempts: 2, base: .milliseconds(5), cap: .milliseconds(20))),
            transport: sandbox.transport)
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("dvc-demo-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: journal) }
        let engine = SyncEngine(client: client, outbox: try FileOutbox(url: journal), configuration: .init(dossierBatchSize: 10, maximumConsecutiveFailures: 100))
        let generator = try DossierCodeGenerator(agency: try AgencyCode("000.00.14.H21"))
        for _ in 0..<60 {
            var dossier = template
            dossier.code = try generator.next(on: template.receivedAt.date)
            dossier.submittedFiles = []
            try await engine.enqueue(dossier, progress: [ProgressEntry(dossierCode: dossier.code, actor: "Một cửa", actedAt: template.receivedAt, status: .received)])
        }
        print("  enqueued 60 (each fsync'd to \(journal.lastPathComponent) before enqueue returned)")
        for number in 1...20 {
            let round = await engine.sync()
            print("  round \(number): \(round)")
            if round.remaining == 0 { break }
        }
        print("  " + (try await engine.report()).description.replacingOccurrences(of: "\n", with: "\n  "))
    }

    /// Section 8: a province's month reported the way the portal will judge it (DossierReportBuilder).
    static func reportOnAMonth() throws {
        heading("8. A province's month, judged before the portal judges it")
        let month = Fixtures.provinceMonth(year: 2026, month: 3, count: 4_000)
        let end = PortalTimestamp(date: CalendarDate(year: 2026, month: 3, day: 31) ?? .today, hour: 23, minute: 59, second: 59) ?? .now
        var builder = DossierReportBuilder(grouping: .agency, asOf: end)
        for dossier in month { builder.add(dossier) }
        let report = builder.report()
        print("  \(Ratio.grouped(report.total.dossiers)) dossiers over \(report.levelUpgrades.count) procedures and \(report.groups.count) agencies (Fixtures.provinceMonth)")
        print("  received online            \(report.total.online)")
        print("  resolved on time           \(report.total.resolvedOnTime)")
        print("  handled in time (766, 2.1) \(report.total.handledInTime)")
        print("  processed fully online     \(report.total.fullyOnlineShare)   (Decree 307/2025)")
        let qualifying = report.levelUpgrades.filter(\.qualifies)
        print("  level-4 upgrade: \(qualifying.count) of \(report.levelUpgrades.count) procedures have ≥ 30 % received and resolved online")
        var inputs = ServiceIndex.Inputs()
        inputs.fill(from: report.total)
        let index = ServiceIndex(inputs)
        print("  Decision 766 index: \(String(format: "%.2f", index.points)) of the \(String(format: "%.0f", index.computedMaximum)) points "
              + "the dossiers can show (ServiceIndex)")
        var statistics = MonthlyStatistics.Builder(year: 2026, month: 3, unitCode: "000.00.14.H20")
        for dossier in month where dossier.code.receivingAgency?.rawValue == "000.00.14.H20" { statistics?.add(dossier) }
        if let record = statistics?.statistics() {
            print("  DongBoThongKeHoSo for 000.00.14.H20: received \(record.received), on time \(record.resolvedOnTime) (\(record.resolvedOnTimePercent) %), "
                  + "overdue \(record.pendingOverdue); adds up: \(record.consistencyIssues().isEmpty)")
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dvc-demo-month.json")
        try PortalJSON.encode(DossierSyncRequest(unitCode: "000.00.00.H20", isUpdating: false, dossiers: month)).write(to: file)
        print("  wrote the month to \(file.path); as a page with charts:")
        print("  swift run dvc-report --dossiers \(file.path) --as-of 20260331235959 --html report.html")
    }

    /// Sections 9 and 10: an online payment through the sandbox's payment platform, its callback
    /// verified, and a citizen's login through the portal's single sign-on with PKCE.
    static func payAndLogIn() async throws {
        heading("9. Pay a fee online through the national payment platform (sandbox)")
        let sandbox = PortalSandbox()
        let payments = PaymentPlatformClient(
            configuration: .init(endpoint: PortalSandbox.inProcessURL.appendingPathComponent("payment"), partnerCode: "SANDBOX",
                                 secret: "sandbox-secret", ipAddress: "127.0.0.1"), transport: sandbox.transport)
        let (reply, payment) = try await payments.initiate(reference: "DEMO-000.00.14.H20-0042", amount: 75_000, description: "Lệ phí khai sinh",
                                                           receipt: PaymentReceipt(service: .fees))
        print("  INIT accepted; the citizen pays at \(reply.paymentURL ?? "-")   (PaymentPlatformClient.initiate)")
        guard let callback = await sandbox.completePayment(reference: payment.reference) else { return }
        let verified = try payments.verify(callback) { $0 == payment.reference ? payment : nil }
        print("  callback verified: \(verified.amount.formatted()) đồng, paid \(verified.isPaid)   (checksum over the text received)")
        var record = PaymentRecord(reference: payment.reference, amount: payment.amount)
        let first = record.record(verified.evidence), again = record.record(verified.evidence)
        print("  PaymentRecord: \(first == .moved(from: .initiated, to: .paid) ? "initiated → paid" : "\(first)"), "
              + "the same callback again: \(again == .replay ? "a replay, ignored" : "\(again)")   (paid is final)")

        heading("10. A citizen logs in through the portal's single sign-on (OIDC + PKCE, sandbox)")
        let sso = SingleSignOn(configuration: .init(server: PortalSandbox.inProcessURL, clientID: "sandbox-client", clientSecret: "sandbox-client-secret",
                                                    redirectURI: URL(string: "https://motcua.example.vn/callback") ?? PortalSandbox.inProcessURL,
                                                    issuer: PortalSandbox.defaultIssuer), transport: sandbox.transport)
        let request = sso.makeAuthorizationRequest()
        print("  redirect the browser to the portal with state, nonce and an S256 code challenge   (makeAuthorizationRequest)")
        let redirect = try await sandbox.transport.send(PortalRequest(method: .get, url: request.url, operation: "authorize"))
        let items = Dictionary((URLComponents(string: redirect.header("Location") ?? "")?.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { $1 }
        let tokens = try await sso.completeLogin(code: items["code"] ?? "", state: items["state"] ?? "", request: request)
        let identity = try await sso.identity(accessToken: tokens.accessToken)
        print("  ID token checked (iss, aud, exp, nonce); signed in: \(identity.techID ?? "-"), citizen ID \(identity.personalID.map { "\($0)" } ?? "-")")
    }

    static func heading(_ text: String) { print("\n" + text) }
}
