import DVCClient
import DVCCore
import Foundation

/// What the sandbox answers a call, before its dialect writes it.
enum SandboxAnswer {
    /// Done; `result` is the reply's data, JSON already encoded.
    case success(Data?)
    /// A create of a dossier the sandbox already has.
    case alreadyExists(String)
    /// Any other refusal, with its reason.
    case refused(String)
}

extension PortalSandbox {
    /// The operational and shared services, after credential and unit checks, dispatched on the
    /// same ``PortalService`` values the client sends.
    func perform(_ call: DialectCall, unit: String) async -> SandboxAnswer {
        await state.note(call.service.rawValue)
        switch call.service {
        case .syncDossiers:
            return await syncDossiers(call, unit: unit)
        case .updateProgress:
            do {
                let entries = try call.payload([ProgressEntry].self)
                for entry in entries where !(await state.knows(entry.dossierCode.rawValue)) {
                    return .refused("Hồ sơ \(entry.dossierCode) không tồn tại (unknown dossier)")
                }
                for entry in entries { await state.appendProgress(entry) }
                return .success(nil)
            } catch { return Self.rejection(error) }
        case .lookUpDossier:
            // The dossier as the sandbox holds it: its latest version, status included.
            let code = call.parameters["mahoso"] ?? ""
            return Self.encoded(await state.latest(code).map { [$0] } ?? [])
        case .procedureDetail:
            let code = call.parameters["maTTHC"] ?? ""
            return Self.encoded(SandboxCatalogue.entries.filter { $0.procedure.code.national == (try? ProcedureCode(code))?.national }.map(\.procedure))
        case .publicServices:
            let services = SandboxCatalogue.entries.map { entry in
                var service = PublicService(code: "\(entry.procedure.code.rawValue).\(entry.agency).01", procedureCode: entry.procedure.code,
                                            applications: [PublicService.Application(agencyCode: entry.agency, level: entry.level)])
                service.name = entry.procedure.name
                return service
            }
            return Self.encoded(NestedData(data: services))
        case .procedureCatalogue:
            return Self.encoded(SandboxCatalogue.entries.map { ProcedureSummary(code: $0.procedure.code, name: $0.procedure.name) })
        case .agencyCatalogue:
            return Self.encoded(SandboxCatalogue.agencies)
        case .fieldCatalogue:
            return Self.encoded(SandboxCatalogue.fields.compactMap { field in
                (try? FieldCode(field.code)).map { Procedure.Field(code: $0, name: field.name, sector: String(field.code.prefix(3))) }
            })
        case .lookUpTechID:
            let identifier = call.parameters["mstorcmnd"] ?? ""
            let known = SandboxIdentity.citizens.first { $0.personalID == identifier || $0.taxCode == identifier }
            return Self.object(known.map { [["TECHNICALID": $0.techID]] } ?? [])
        case .questionsFromPortal, .unitQuestions:
            return Self.object([
                ["HOIDAPID": 90_812, "MALINHVUC": "G15-HT01", "NOIDUNG": "Đăng ký khai sinh quá hạn cần giấy tờ gì?", "MADONVI": unit, "TRANGTHAI": "1"],
                ["HOIDAPID": 90_813, "MALINHVUC": "G17-XD05", "NOIDUNG": "Thời hạn cấp giấy phép xây dựng?", "MADONVI": unit, "TRALOIID": 5_531,
                 "NOIDUNGTRALOI": "Không quá 15 ngày.", "TRANGTHAI": "1"],
            ])
        case .answersToQuestion:
            return Self.object([["TRALOIID": 5_531, "NOIDUNGTRALOI": "Không quá 15 ngày."]])
        case .pushQuestions:
            return Self.accept([QuestionPush].self, call)
        case .pushAnswers:
            return Self.accept([AnswerPush].self, call)
        case .syncRatings:
            return Self.accept([SatisfactionSummary].self, call)
        case .syncStatistics:
            return Self.accept([MonthlyStatistics].self, call)
        case .syncPortalDossierStatus:
            return Self.accept(PortalStatusUpdate.self, call)
        default:
            return .refused("Dịch vụ \(call.service) không tồn tại (unknown service)")
        }
    }

    private func syncDossiers(_ call: DialectCall, unit: String) async -> SandboxAnswer {
        let dossiers: [Dossier]
        do { dossiers = try call.payload([Dossier].self) } catch { return Self.rejection(error) }
        // Checked and stored in one step of the state actor, as a portal does in one transaction:
        // a retry racing its original (after a client-side timeout) cannot create a dossier twice.
        switch await state.sync(dossiers, isUpdating: call.isUpdating ?? false, unit: try? AgencyCode(unit), acceptsInvalid: configuration.acceptsInvalid) {
        case .stored:
            return .success(nil)
        case .exists(let code):
            return .alreadyExists("Hồ sơ \(code) đã tồn tại (already exists)")
        case .missing(let code):
            return .refused("Hồ sơ \(code) không tồn tại (not found; create it first)")
        case .invalid(let problems):
            return .refused("Dữ liệu không hợp lệ (invalid data): " + problems.map(\.description).joined(separator: "; "))
        }
    }

    private static func accept<T: Decodable>(_ type: T.Type, _ call: DialectCall) -> SandboxAnswer {
        do { _ = try call.payload(type) } catch { return rejection(error) }
        return .success(nil)
    }

    static func rejection(_ error: any Error) -> SandboxAnswer {
        let reason = (error as? WireDecodingError)?.issues.map(\.description).joined(separator: "; ") ?? "unreadable body"
        return .refused("Dữ liệu không hợp lệ (invalid data): \(reason)")
    }

    static func encoded(_ value: some Encodable) -> SandboxAnswer {
        .success((try? PortalJSON.encode(value)) ?? Data("[]".utf8))
    }

    static func object(_ value: Any) -> SandboxAnswer {
        .success((try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("[]".utf8))
    }
}

struct NestedData<Item: Encodable>: Encodable {
    let data: Item
}
