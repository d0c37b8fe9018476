import DVCClient
import DVCCore
import Foundation

extension PortalSandbox {
    /// The operational and shared services (`spec/portal-protocol.md` §4), after session and unit checks.
    func perform(_ service: String, object: [String: Any], body: Data, unit: String, endpoint: String) async -> Reply {
        let decoder = PortalJSON.decoder()
        await state.note(service)
        switch service {
        case "DongBoHoSoMC":
            return await syncDossiers(body, unit: unit)
        case "CapNhatTienDoHoSoMC":
            do {
                let request = try decoder.decode(PortalBatchRequest<ProgressEntry>.self, from: body)
                for entry in request.items where !(await state.knows(entry.dossierCode.rawValue)) {
                    return Self.json(["error_code": "-1", "message": "Hồ sơ \(entry.dossierCode) không tồn tại (unknown dossier)"])
                }
                for entry in request.items { await state.appendProgress(entry) }
                return Self.json(["error_code": "0", "message": "Thành công"])
            } catch { return Self.rejection(error) }
        case "TraCuuHoSo":
            // The dossier as the sandbox holds it: its latest version, status included.
            let code = object["mahoso"] as? String ?? ""
            return Self.encoded(PortalReplyBody(result: await state.latest(code).map { [$0] } ?? []))
        case "LayThuTuc":
            let code = object["maTTHC"] as? String ?? ""
            let found = SandboxCatalogue.entries.filter { $0.procedure.code.national == (try? ProcedureCode(code))?.national }.map(\.procedure)
            return Self.encoded(PortalReplyBody(result: found))
        case "LayDVC":
            let services = SandboxCatalogue.entries.map { entry in
                var service = PublicService(code: "\(entry.procedure.code.rawValue).\(entry.agency).01", procedureCode: entry.procedure.code,
                                            applications: [PublicService.Application(agencyCode: entry.agency, level: entry.level)])
                service.name = entry.procedure.name
                return service
            }
            return Self.encoded(PortalReplyBody(result: NestedData(data: services)))
        case "LayDanhSachTTHC":
            return Self.encoded(PortalReplyBody(result: SandboxCatalogue.entries.map { ProcedureSummary(code: $0.procedure.code, name: $0.procedure.name) }))
        case "LayDanhMucCoQuan":
            return Self.encoded(PortalReplyBody(result: SandboxCatalogue.agencies))
        case "LayDanhMucLinhVuc":
            return Self.encoded(PortalReplyBody(result: SandboxCatalogue.fields.compactMap { field in
                (try? FieldCode(field.code)).map { Procedure.Field(code: $0, name: field.name, sector: String(field.code.prefix(3))) }
            }))
        case "TraCuuTechID":
            let identifier = object["mstorcmnd"] as? String ?? ""
            let known = SandboxIdentity.citizens.first { $0.personalID == identifier || $0.taxCode == identifier }
            return Self.json(["error_code": 0, "result": known.map { [["TECHNICALID": $0.techID]] } ?? []])
        case "LayDanhSachHoiDapGuiTuDVCQG", "LayDanhSachHoiDapBoCoQuan":
            return Self.json(["error_code": 0, "result": [
                ["HOIDAPID": 90_812, "MALINHVUC": "G15-HT01", "NOIDUNG": "Đăng ký khai sinh quá hạn cần giấy tờ gì?", "MADONVI": unit, "TRANGTHAI": "1"],
                ["HOIDAPID": 90_813, "MALINHVUC": "G17-XD05", "NOIDUNG": "Thời hạn cấp giấy phép xây dựng?", "MADONVI": unit, "TRALOIID": 5_531,
                 "NOIDUNGTRALOI": "Không quá 15 ngày.", "TRANGTHAI": "1"],
            ]])
        case "LayNoiDungTraLoiTheoCauHoi":
            return Self.json(["error_code": 0, "result": [["TRALOIID": 5_531, "NOIDUNGTRALOI": "Không quá 15 ngày."]]])
        case "DongBoHoiDap":
            return await accept(PortalBatchRequest<QuestionPush>.self, body, service)
        case "DongBoKetQuaHoiDapGuiTuDVCQG":
            return await accept(PortalBatchRequest<AnswerPush>.self, body, service)
        case "DongBoDanhGia":
            return await accept(PortalBatchRequest<SatisfactionSummary>.self, body, service)
        case "DongBoThongKeHoSo":
            return await accept(PortalBatchRequest<MonthlyStatistics>.self, body, service)
        case "DongBoTrangThaiHoSo":
            struct Envelope: Decodable { let data: PortalStatusUpdate }
            do { _ = try decoder.decode(Envelope.self, from: body) } catch { return Self.rejection(error) }
            return Self.json(["error_code": "0", "message": "Thành công"])
        default:
            return Self.json(["error_code": "-1", "message": "Dịch vụ \(service) không tồn tại (unknown service)"])
        }
    }

    private func syncDossiers(_ body: Data, unit: String) async -> Reply {
        let request: DossierSyncRequest
        do { request = try PortalJSON.decode(DossierSyncRequest.self, from: body) } catch { return Self.rejection(error) }
        // Checked and stored in one step of the state actor, as a portal does in one transaction:
        // a retry racing its original (after a client-side timeout) cannot create a dossier twice.
        switch await state.sync(request.dossiers, isUpdating: request.isUpdating, unit: try? AgencyCode(unit), acceptsInvalid: configuration.acceptsInvalid) {
        case .stored:
            return Self.json(["error_code": "0", "message": "Thành công"])
        case .exists(let code):
            return Self.json(["error_code": "-3", "message": "Hồ sơ \(code) đã tồn tại (already exists)"])
        case .missing(let code):
            return Self.json(["error_code": "-4", "message": "Hồ sơ \(code) không tồn tại (not found; create it first)"])
        case .invalid(let problems):
            return Self.json(["error_code": "-1", "message": "Dữ liệu không hợp lệ (invalid data): " + problems.map(\.description).joined(separator: "; ")])
        }
    }

    private func accept<T: Decodable>(_ type: T.Type, _ body: Data, _ service: String) async -> Reply {
        do { _ = try PortalJSON.decode(type, from: body) } catch { return Self.rejection(error) }
        return Self.json(["error_code": "0", "message": "Thành công"])
    }

    static func rejection(_ error: any Error) -> Reply {
        let reason = (error as? WireDecodingError)?.issues.map(\.description).joined(separator: "; ") ?? "unreadable body"
        return json(["error_code": "-1", "message": "Dữ liệu không hợp lệ (invalid data): \(reason)"])
    }

    static func encoded(_ value: some Encodable) -> Reply {
        Reply(status: 200, body: (try? PortalJSON.encode(value)) ?? Data())
    }
}

struct PortalReplyBody<Result: Encodable>: Encodable {
    let error_code = "0"
    let message = ""
    let result: Result
}

struct NestedData<Item: Encodable>: Encodable {
    let data: Item
}
