import DVCCore
import Foundation
import Testing

/// Decoding and checking on several threads changes nothing that is reported: the same elements
/// in the same order, the same report byte for byte, whatever the chunking of the input.
@Suite("Batches on several threads")
struct ParallelBatchTests {
    /// A batch of `total` dossiers with every kind of defect, including dossiers that cannot be
    /// decoded (a number for an object, a list for a string, a bad timestamp).
    static func mixedBatch(total: Int, unit: UnitPlacement, code: String? = nil) throws -> Data {
        let base = try BatchValidationTests.auditBatch(total: total, missingAgency: total / 7, malformedCode: total / 11, wrongProcedure: total / 13, envelope: false)
        var objects = try #require(try JSONSerialization.jsonObject(with: base) as? [[String: Any]])
        for index in stride(from: 5, to: total, by: 17) { objects[index]["NgayTiepNhan"] = "03/07/2025" }
        for index in stride(from: 6, to: total, by: 19) { objects[index]["TenTTHC"] = ["not", "a", "string"] }
        for index in stride(from: 8, to: total, by: 23) { objects[index]["MaHoSo"] = 12_345 }
        for index in stride(from: 9, to: total, by: 29) { objects[index]["DanhSachGiayToKetQua"] = 7 }
        for index in stride(from: 10, to: total, by: 31) { objects[index]["maHoSo"] = objects[index]["MaHoSo"] }
        let data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys])
        let array = String(decoding: data, as: UTF8.self)
        switch unit {
        case .none: return data
        case .first: return Data(#"{"madonvi":"\#(code ?? "000.00.00.H20")","data":\#(array)}"#.utf8)
        case .last: return Data(#"{"data":\#(array),"madonvi":"\#(code ?? "000.00.00.H21")"}"#.utf8)
        }
    }

    /// Where an envelope's `madonvi` is, if there is an envelope.
    enum UnitPlacement: CaseIterable, Sendable { case none, first, last }

    private func report(_ data: Data, chunk: Int, threads: Int, maximumIssues: Int = 40) throws -> Data {
        let validator = DossierBatchValidator(maximumIssues: maximumIssues, concurrency: threads)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(BatchValidationTests.run(data, chunk: chunk, validator: validator))
    }

    @Test(arguments: UnitPlacement.allCases)
    func theReportIsTheSameOnAnyNumberOfThreads(_ unit: UnitPlacement) throws {
        let data = try Self.mixedBatch(total: 700, unit: unit)
        let single = try report(data, chunk: 65_536, threads: 1)
        let decoded = try JSONDecoder().decode(ValidationReport.self, from: single)
        #expect(decoded.total == 700)
        #expect(decoded.invalid > 150)
        #expect(unit == .last ? decoded.valid == 0 : decoded.valid > 0)
        for (chunk, threads) in [(65_536, 2), (997, 8), (data.count, 2)] {
            #expect(try report(data, chunk: chunk, threads: threads) == single, "chunk \(chunk), \(threads) threads")
        }
    }

    /// `madonvi` before `data` is checked with each dossier, after it at the end: the same counts,
    /// the same messages and severities, decoded or not, for any chunking.
    @Test(arguments: ["000.00.00.H21", "000.00.00.H20", "G12"])
    func theUnitBeforeOrAfterTheDossiersCountsTheSame(_ code: String) throws {
        let before = try JSONDecoder().decode(ValidationReport.self, from: report(Self.mixedBatch(total: 300, unit: .first, code: code), chunk: 4_096, threads: 1, maximumIssues: 100_000))
        let after = try JSONDecoder().decode(ValidationReport.self, from: report(Self.mixedBatch(total: 300, unit: .last, code: code), chunk: 4_096, threads: 1, maximumIssues: 100_000))
        #expect(before.byRule == after.byRule)
        #expect(before.valid == after.valid)
        let outside = { (report: ValidationReport) in report.issues.filter { $0.rule == .receivingAgencyOutsideUnit }.map { "\($0.index) \($0.path) \($0.severity) \($0.message)" } }
        #expect(outside(after).count == min(3, before.byRule[.receivingAgencyOutsideUnit] ?? 0))
        #expect(Set(outside(after)).isSubset(of: Set(outside(before))))
        for chunk in [1_000] {
            let again = try JSONDecoder().decode(ValidationReport.self, from: report(Self.mixedBatch(total: 300, unit: .last, code: code), chunk: chunk, threads: 2, maximumIssues: 100_000))
            #expect(again == after, "chunk \(chunk)")
        }
    }

    /// An envelope that repeats `madonvi` (valid JSON, or a broken envelope the scanner reads
    /// past) is judged by the first, wherever the reads fall.
    @Test func aRepeatedUnitIsJudgedByTheFirstForAnyChunking() throws {
        let batch = try Self.mixedBatch(total: 20, unit: .none)
        let array = String(decoding: batch, as: UTF8.self)
        for text in [#"{"madonvi":"000.0+.00.H20","data":\#(array),"madonvi":"000.00.00.H20"}"#,
                     #"{"madonvi": "000.0+.00.H20", ::: "service": "DongBoHoSoMC", "data":\#(array)}"#] {
            let data = Data(text.utf8)
            let whole = try report(data, chunk: data.count, threads: 1, maximumIssues: 1_000)
            let decoded = try JSONDecoder().decode(ValidationReport.self, from: whole)
            #expect(decoded.byRule[.unitCodeMalformed] == 1)
            for chunk in [1, 9, 200] { #expect(try report(data, chunk: chunk, threads: 2, maximumIssues: 1_000) == whole, "chunk \(chunk)") }
        }
    }

    @Test func smallInputsAndTinyChunksToo() throws {
        let data = try Self.mixedBatch(total: 40, unit: .last)
        let single = try report(data, chunk: 1, threads: 1, maximumIssues: 5)
        #expect(try report(data, chunk: 1, threads: 4, maximumIssues: 5) == single)
        #expect(try report(data, chunk: 13, threads: 2, maximumIssues: 5) == single)
    }

    @Test func theReaderHandsOutTheSameElementsInOrder() throws {
        let data = try Self.mixedBatch(total: 700, unit: .first)
        func elements(threads: Int, chunk: Int) throws -> [String] {
            var reader = DossierBatchReader(concurrency: threads)
            #expect(reader.concurrency == threads)
            var seen: [String] = []
            try data.withUnsafeBytes { bytes in
                var start = 0
                while start < bytes.count {
                    let end = min(start + chunk, bytes.count)
                    try reader.feed(UnsafeRawBufferPointer(rebasing: bytes[start..<end])) { element in
                        switch element.dossier {
                        case .success(let dossier): seen.append("\(element.index) \(element.path) \(dossier.code) \(element.warnings.map(\.rule.rawValue))")
                        case .failure(let failure): seen.append("\(element.index) \(element.path) \(failure.issues) \(String(describing: element.keyFields))")
                        }
                    }
                    start = end
                }
            }
            try reader.finish()
            return seen
        }
        let single = try elements(threads: 1, chunk: 65_536)
        #expect(single.count == 700)
        #expect(single.enumerated().allSatisfy { $0.element.hasPrefix("\($0.offset) data[\($0.offset)] ") })
        #expect(try elements(threads: 3, chunk: 65_536) == single)
        #expect(try elements(threads: 2, chunk: 333) == single)
    }

    /// Random nested JSON (strings with escaped quotes, backslashes and brackets) split at every
    /// boundary: the scanner's run over deep bytes keeps the same elements as byte by byte.
    @Test func theScannerKeepsNestedElementsWhole() throws {
        var generator = SystemRandomNumberGenerator()
        func value(_ depth: Int) -> String {
            switch Int.random(in: 0..<(depth > 3 ? 2 : 5), using: &generator) {
            case 0: return "\"" + ["a", "\\\"", "\\\\", "]", "}", "[", "{", ",", "ữ", "\\u0041"].shuffled(using: &generator).prefix(Int.random(in: 0...6)).joined() + "\""
            case 1: return String(Int.random(in: -99...999, using: &generator))
            case 2: return "[" + (0..<Int.random(in: 0...3, using: &generator)).map { _ in value(depth + 1) }.joined(separator: ", ") + "]"
            default: return "{" + (0..<Int.random(in: 0...3, using: &generator)).map { "\"k\($0)\\\"]\": " + value(depth + 1) }.joined(separator: ",") + "}"
            }
        }
        for _ in 0..<40 {
            let elements = (0..<Int.random(in: 1...6, using: &generator)).map { _ in value(0) }
            let bytes = Array(#"{"madonvi":"H20","data":[\#(elements.joined(separator: " ,\n"))]}"#.utf8)
            for chunk in [1, 2, 3, 5, 8, 9, 16, 64, bytes.count] {
                #expect(try Self.scan(bytes, chunk: chunk).elements == elements, "chunk \(chunk)")
            }
        }
    }

    /// The elements of `bytes` fed to a scanner `chunk` bytes at a time, and the scanner after `finish()`.
    static func scan(_ bytes: [UInt8], chunk: Int, maximumElementSize: Int = 16 << 20) throws -> (elements: [String], scanner: JSONArrayScanner) {
        var scanner = JSONArrayScanner(maximumElementSize: maximumElementSize)
        var elements: [String] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + chunk, bytes.count)
            try bytes[start..<end].withUnsafeBytes { try scanner.feed($0) { elements.append(String(decoding: $0, as: UTF8.self)) } }
            start = end
        }
        try scanner.finish()
        return (elements, scanner)
    }

    @Test func anElementLargerThanTheLimitIsRefusedAtTheSameByte() throws {
        let text = #"[{"a":{"b":"0123456789012345678901234567890123456789"}}]"#
        var offsets: Set<Int> = []
        for chunk in [1, 4, 64] {
            do {
                _ = try Self.scan(Array(text.utf8), chunk: chunk, maximumElementSize: 30)
                Issue.record("an element of \(text.utf8.count - 2) bytes passed a 30-byte limit")
            } catch let error as JSONArrayScanner.FormatError {
                offsets.insert(error.offset)
            }
        }
        #expect(offsets == [31])
    }
}
