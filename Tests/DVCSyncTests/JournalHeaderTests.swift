@testable import DVCSync
import Foundation
import Testing

@Suite("Journal headers")
struct JournalHeaderTests {
    /// The header written directly for every appended entry is `JSONEncoder`'s with sorted keys,
    /// byte for byte, whatever its text holds, and reads back as the same record.
    @Test(arguments: [
        ("000.00.14.H20-260302-0001", "000.00.14.H20", "4"),
        ("a\"b\\c/d", "tab\there\nnew", "\u{0}\u{1}\u{8}\u{C}\u{D}\u{1F}\u{7F}"),
        ("Hồ sơ 😀", "\u{2028}\u{2029}", ""),
    ])
    func theDirectHeaderIsTheEncodersBytes(_ code: String, _ agency: String, _ status: String) throws {
        for (seq, at) in [(0 as UInt64, 0 as Int64), (12, 1_764_489_600_000), (.max, .min)] {
            let enqueue = JournalRecord.Enqueue(seq: seq, at: at, code: code, agency: agency, status: status, fp: "9f86d081884c7d65")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
            let direct = JournalRecord.header(enqueue)
            #expect(direct == Array(try encoder.encode(JournalRecord.enqueue(enqueue))))
            #expect(try JSONDecoder().decode(JournalRecord.self, from: Data(direct)) == .enqueue(enqueue))
            let line = try JournalRecord.enqueue(enqueue).line(payload: Data("{}".utf8))
            guard case .record(let record, let payload) = line.dropLast().withUnsafeBytes({ JournalRecord.parse($0) }) else {
                Issue.record("the line does not read back")
                continue
            }
            #expect(record == .enqueue(enqueue) && payload.map { line[$0] } == Array("{}".utf8)[...])
        }
    }
}
