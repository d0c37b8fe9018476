import DVCCore
import Foundation
import Testing

@Suite("Batch validation")
struct BatchValidationTests {
    /// A batch like the audits': `missingAgency` dossiers whose code carries no receiving-agency
    /// code, `malformedCode` with an impossible dossier code, `wrongProcedure` with a malformed
    /// procedure code, the rest valid.
    static func auditBatch(total: Int, missingAgency: Int, malformedCode: Int, wrongProcedure: Int, envelope: Bool) throws -> Data {
        var dossiers: [Dossier] = []
        for i in 0..<total {
            var dossier = try DossierValidationTests.good()
            dossier.code = try DossierCode(String(format: "000.00.14.H20-250703-%04d", i % 9_999 + 1))
            dossier.status = .received
            dossiers.append(dossier)
        }
        var objects = try #require(try JSONSerialization.jsonObject(with: PortalJSON.encode(dossiers)) as? [[String: Any]])
        var index = 0
        for _ in 0..<missingAgency { objects[index]["MaHoSo"] = "H-250703-0001"; index += 1 }           // no agency: lenient shape
        for _ in 0..<malformedCode { objects[index]["MaHoSo"] = "000.00.14.H20-251303-0001"; index += 1 } // month 13
        for _ in 0..<wrongProcedure { objects[index]["MaTTHC"] = "1.1193"; index += 1 }
        let root: Any = envelope ? ["session": "s", "service": "DongBoHoSoMC", "isUpdating": "False", "madonvi": "000.00.00.H20", "data": objects] : objects
        return try JSONSerialization.data(withJSONObject: root, options: [.sortedKeys])
    }

    private func run(_ data: Data, chunk: Int, context: DossierValidationContext = .init()) throws -> ValidationReport {
        try Self.run(data, chunk: chunk, validator: DossierBatchValidator(context: context))
    }

    /// The report of `validator` fed `data` `chunk` bytes at a time.
    static func run(_ data: Data, chunk: Int, validator: DossierBatchValidator) throws -> ValidationReport {
        var validator = validator
        try data.withUnsafeBytes { bytes in
            var start = 0
            while start < bytes.count {
                let end = min(start + chunk, bytes.count)
                try validator.feed(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                start = end
            }
        }
        return try validator.finish()
    }

    @Test(arguments: [true, false])
    func auditDefectsAreCountedExactly(_ envelope: Bool) throws {
        let data = try Self.auditBatch(total: 500, missingAgency: 37, malformedCode: 23, wrongProcedure: 11, envelope: envelope)
        for chunk in [1, 7, 4_096, data.count] {
            let report = try run(data, chunk: chunk)
            #expect(report.total == 500)
            #expect(report.byRule[.receivingAgencyMissing] == 37)
            #expect(report.byRule[.dossierCodeMalformed] == 23)
            #expect(report.byRule[.procedureCodeMalformed] == 11)
            #expect(report.valid == 500 - 37 - 23 - 11)
            #expect(report.issues.first?.path.hasPrefix(envelope ? "data[0]" : "[0]") == true)
        }
    }

    /// W6: the audits' defects overlap (116,845 of 119,830 dossiers lacked the agency code); a
    /// dossier that also fails to decode must still be counted under every rule it breaks.
    @Test func overlappingDefectsAreEachCounted() throws {
        var dossiers: [Dossier] = []
        for i in 0..<300 {
            var dossier = try DossierValidationTests.good()
            dossier.code = try DossierCode(String(format: "000.00.14.H20-250703-%04d", i + 1))
            dossier.status = .received
            dossiers.append(dossier)
        }
        var objects = try #require(try JSONSerialization.jsonObject(with: PortalJSON.encode(dossiers)) as? [[String: Any]])
        // Dossiers 0–199: no receiving agency. 100–249: a procedure the catalogue does not have.
        // Every third: a due date that is not a timestamp, so the dossier cannot be decoded whole.
        for i in 0..<200 { objects[i]["MaHoSo"] = String(format: "H-250703-%04d", i + 1) }
        for i in 100..<250 { objects[i]["MaTTHC"] = "2.000999" }
        for i in stride(from: 0, to: 300, by: 3) { objects[i]["NgayHenTra"] = "2025-07-10" }
        let data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys])
        let catalogue = ProcedureCatalogue([try ProcedureCode("1.001193"): [try FieldCode("G15-HT01")]])
        let report = try run(data, chunk: 4_096, context: DossierValidationContext(catalogue: catalogue))
        #expect(report.total == 300)
        #expect(report.byRule[.receivingAgencyMissing] == 200)
        #expect(report.byRule[.dossierCodeNonNormative] == 200)          // "malformed dossier code", one rule
        #expect(report.byRule[.procedureCodeUnknown] == 150)
        #expect(report.byRule[.fieldInvalid] == 100)
        let clean = (0..<300).filter { $0 >= 250 && $0 % 3 != 0 }.count
        #expect(report.valid == clean)
    }

    @Test func theEnvelopeUnitIsAppliedEvenWhenItComesLast() throws {
        // Sorted keys put "madonvi" after "data": the agency check is settled at the end.
        var objects: [[String: Any]] = []
        for (i, agency) in ["000.00.14.H20", "000.00.03.H21", "000.00.07.H21", "000.00.01.H20"].enumerated() {
            var dossier = try DossierValidationTests.good()
            dossier.code = try DossierCode("\(agency)-250703-000\(i + 1)")
            objects.append(try #require(try JSONSerialization.jsonObject(with: PortalJSON.encode(dossier)) as? [String: Any]))
        }
        let data = try JSONSerialization.data(withJSONObject: ["data": objects, "madonvi": "000.00.00.H20"], options: [.sortedKeys])
        let report = try run(data, chunk: 64)
        #expect(report.byRule[.receivingAgencyOutsideUnit] == 2)
        #expect(report.valid == 2)
        #expect(Set(report.examples[.receivingAgencyOutsideUnit, default: []].map(\.index)) == [1, 2])
        // An explicit unit wins and is checked inline.
        let explicit = try run(data, chunk: 64, context: DossierValidationContext(syncingUnit: try AgencyCode("H21")))
        #expect(explicit.byRule[.receivingAgencyOutsideUnit] == 2)
        #expect(Set(explicit.issues.map(\.index)) == [0, 3])
    }

    @Test func aMalformedUnitIsReportedOnTheEnvelope() throws {
        let data = Data(#"{"madonvi":"tinh-dong-thap","data":[]}"#.utf8)
        let report = try run(data, chunk: 5)
        #expect(report.total == 0)
        #expect(report.issues.map(\.rule) == [.unitCodeMalformed])
        #expect(report.issues.first?.index == -1)
    }

    @Test func reportsStayBoundedAndEncodeAsDocumented() throws {
        let data = try Self.auditBatch(total: 300, missingAgency: 0, malformedCode: 250, wrongProcedure: 0, envelope: false)
        var validator = DossierBatchValidator(maximumIssues: 10)
        try data.withUnsafeBytes { try validator.feed($0) }
        let report = try validator.finish()
        #expect(report.byRule[.dossierCodeMalformed] == 250)
        #expect(report.issues.count == 10)
        #expect(report.examples[.dossierCodeMalformed]?.count == 3)
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any])
        #expect(Set(json.keys) == ["total", "valid", "byRule", "issues"])
        #expect((json["byRule"] as? [String: Int])?["dossier-code.malformed"] == 250)
        let first = try #require((json["issues"] as? [[String: Any]])?.first)
        #expect(first["index"] as? Int == 0 && first["rule"] as? String == "dossier-code.malformed" && first["path"] as? String == "[0].MaHoSo")
        #expect(try JSONDecoder().decode(ValidationReport.self, from: JSONEncoder().encode(report)).byRule == report.byRule)
    }

    @Test(arguments: ["", "{", "[1,2", "{\"data\":{}}", "\"x\"", "[] x", "{\"madonvi\":\"H20\"}"])
    func malformedDocumentsAreFormatErrors(_ text: String) {
        var validator = DossierBatchValidator()
        #expect(throws: JSONArrayScanner.FormatError.self) {
            try Data(text.utf8).withUnsafeBytes { try validator.feed($0) }
            _ = try validator.finish()
        }
    }

    @Test func scannerYieldsTheSameElementsForAnyChunking() throws {
        let text = #"  {"a":"x,]}","data":[ {"k":"v\"}"} , [1,2], "s", 12 ,{"n":{"m":[]}}], "z": {"q": 1} } "#
        for chunk in 1...text.utf8.count {
            let (elements, scanner) = try ParallelBatchTests.scan(Array(text.utf8), chunk: chunk)
            #expect(elements == [#"{"k":"v\"}"}"#, "[1,2]", "\"s\"", "12", #"{"n":{"m":[]}}"#], "chunk \(chunk)")
            #expect(scanner.layout == .envelope)
            #expect(scanner.envelopeString("a") == "x,]}")
            #expect(scanner.envelope["z"].map { String(decoding: $0, as: UTF8.self) } == #"{"q": 1}"#)
        }
    }
}
