import DVCCore
import Foundation
import Testing

@Suite("Code mapping")
struct CodeMappingTests {
    static let json = #"""
    {"procedure": {"TS_lop1.000.00.00.H22": "1.001000", "3.000181.000.00.00.H22": "3.000181"},
     "status": {"new": "1", "receiving": "2"}, "applicantType": {"CD": "1"}, "field": {"HT": "G15-HT01"}}
    """#

    static let local = #"{"MaHoSo":"000.00.14.H20-250703-0002","MaTTHC":"TS_lop1.000.00.00.H22","TenTTHC":"Tuyển sinh lớp 1","MaLinhVuc":"HT","TenLinhVuc":"Hộ tịch","LoaiDoiTuong":"CD","TrichYeuHoSo":"Tuyển sinh","NgayTiepNhan":"20250703083000","NgayHenTra":"20250710170000","TrangThaiHoSo":"receiving","HinhThuc":"0","DonViXuLy":"UBND xã"}"#

    @Test func jsonAndCSVLoadTheSameTables() throws {
        let fromJSON = try CodeMapping(json: Data(Self.json.utf8))
        let csv = """
        table,local,national
        # a vendor's codes
        procedure,TS_lop1.000.00.00.H22,1.001000
        procedure,3.000181.000.00.00.H22,3.000181
        status,new,1
        status,receiving,2

        applicantType,CD,1
        field,HT,G15-HT01
        """
        #expect(try CodeMapping(csv: csv) == fromJSON)
        #expect(fromJSON.national("new", in: .status) == "1" && fromJSON.table(forWireKey: "TrangThai") == .status)
    }

    /// Every national value is checked on load; the error names the table and the local value.
    @Test(arguments: [
        (#"{"procedure": {"X": "1.1193"}}"#, "mapping procedure \"X\": \"1.1193\" is not a procedure code"),
        (#"{"status": {"done": "11"}}"#, "mapping status \"done\": \"11\" is not a status of the standard"),
        (#"{"applicantType": {"HKD": "5"}}"#, "mapping applicantType \"HKD\": \"5\" is not an applicant type"),
        (#"{"field": {"HT": "HT01"}}"#, "mapping field \"HT\": \"HT01\" is not a field code"),
        (#"{"fields": {}}"#, "mapping \"fields\": not a table"),
        (#"{"status": {"new": 1}}"#, "mapping status \"new\": the national value must be a string"),
        ("[]", "mapping: a mapping file is one JSON object of tables"),
    ])
    func invalidTablesAreRefusedByName(_ json: String, _ message: String) {
        do {
            _ = try CodeMapping(json: Data(json.utf8))
            Issue.record("loaded \(json)")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error)")
        }
    }

    @Test func csvErrorsNameTheLine() {
        do {
            _ = try CodeMapping(csv: "status,new,1\nstatus,new\n")
            Issue.record("loaded a short line")
        } catch {
            #expect(error.location == "line 2" && error.message == "expected table,local,national")
        }
        #expect(throws: CodeMapping.LoadError.self) { try CodeMapping(csv: "status,new,1\nstatus,new,2\n") }
    }

    @Test func localCodesAreMappedAsTheyAreDecodedAndUnmappedOnesReported() throws {
        let mapping = try CodeMapping(json: Data(Self.json.utf8))
        let dossier = try PortalJSON.decoder(mapping: mapping).decode(Dossier.self, from: Data(Self.local.utf8))
        #expect(dossier.procedureCode.rawValue == "1.001000" && dossier.fieldCode.rawValue == "G15-HT01")
        #expect(dossier.applicantType == .citizen && dossier.status == .received)
        // Without the mapping the same payload is refused, code by code.
        #expect(throws: WireDecodingError.self) { try PortalJSON.decode(Dossier.self, from: Data(Self.local.utf8)) }

        var validator = DossierBatchValidator(mapping: mapping)
        let unmapped = Self.local.replacingOccurrences(of: "\"receiving\"", with: "\"archived\"")
        try Data("[\(Self.local),\(unmapped)]".utf8).withUnsafeBytes { try validator.feed($0) }
        let report = try validator.finish()
        #expect(report.total == 2 && report.valid == 1)
        #expect(report.byRule[.codeUnmapped] == 1 && report.byRule[.statusUnknown] == 1)
    }

    @Test func typedDossiersAreMappedToo() throws {
        let mapping = try CodeMapping(json: Data(Self.json.utf8))
        var dossier = try PortalJSON.decode(Dossier.self, from: Data(Self.local.replacingOccurrences(of: "TS_lop1.000.00.00.H22", with: "3.000181.000.00.00.H22")
            .replacingOccurrences(of: "\"HT\"", with: "\"G15-HT01\"").replacingOccurrences(of: "\"CD\"", with: "\"1\"")
            .replacingOccurrences(of: "\"receiving\"", with: "\"2\"").utf8))
        dossier = dossier.mapped(by: mapping)
        #expect(dossier.procedureCode.rawValue == "3.000181")
        #expect(CodeMapping.statusWordsOpenCPS.national("new", in: .status) == "1" && CodeMapping.statusWordsTD.national("new", in: .status) == "2")
    }
}
