import DVCCore
import Foundation
import Testing

/// Catalogue reads keep every good row and say which rows were skipped and why.
@Suite("Lossy catalogue reads")
struct LossyListTests {
    @Test func oneBadRowCostsOnlyThatRow() throws {
        let json = #"""
            [{"MATTHC":"1.001193","TENTTHC":"Đăng ký khai sinh"},
             {"MATTHC":"1193","TENTTHC":"Sai mã"},
             {"MATTHC":"2.000815","TENTTHC":"Cấp giấy phép xây dựng"},
             "not an object",
             {"TENTTHC":"Không có mã"}]
            """#
        let list = try PortalJSON.decode(LossyList<ProcedureSummary>.self, from: Data(json.utf8))
        #expect(list.map(\.code.rawValue) == ["1.001193", "2.000815"])
        #expect(list.count == 2 && list.first?.name == "Đăng ký khai sinh")
        #expect(list.skipped.map(\.path) == ["[1].MATTHC", "[3]", "[4].MATTHC"], "\(list.skipped)")
        #expect(list.skipped.allSatisfy { $0.severity == .warning })
    }

    @Test func anEmptyOrCleanListSkipsNothing() throws {
        #expect(try PortalJSON.decode(LossyList<ProcedureSummary>.self, from: Data("[]".utf8)).isEmpty)
        let clean = try PortalJSON.decode(LossyList<ProcedureSummary>.self, from: Data(#"[{"MATTHC":"1.001193","TENTTHC":"A"}]"#.utf8))
        #expect(clean.skipped.isEmpty && clean.count == 1)
        #expect(throws: (any Error).self) { try PortalJSON.decode(LossyList<ProcedureSummary>.self, from: Data("{}".utf8)) }
    }

    @Test func repliesWrapTheListAsBefore() throws {
        let reply = try PortalJSON.decode(PortalReply<LossyList<ProcedureSummary>>.self,
                                          from: Data(#"{"error_code":0,"result":[{"MATTHC":"x"},{"MATTHC":"1.001193","TENTTHC":"A"}]}"#.utf8))
        #expect(reply.result?.count == 1 && reply.result?.skipped.first?.path.contains("[0]") == true)
    }
}
