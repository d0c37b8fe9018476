import DVCCore
import Foundation
import Testing

/// The fast wire codec against Foundation's coders: the same bytes out, the same values, defects
/// and warnings in — on the fixtures, on generated messages and on mutations of them.
@Suite("Wire codec: identical to Foundation")
struct WireCodecTests {
    /// What decoding gave: a value and its warnings, the wire defects, or another error.
    enum Outcome<T: Equatable>: Equatable, CustomStringConvertible {
        case value(T, warnings: [String])
        case defects([String])
        case other(String)

        /// The same value and warnings, or the same defects; or both failed, one with an error of Foundation's own.
        func agrees(with other: Outcome) -> Bool {
            switch (self, other) {
            case (.other, .other), (.other, .defects), (.defects, .other): true
            default: self == other
            }
        }

        var description: String {
            switch self {
            case .value(_, let warnings): "value, warnings \(warnings)"
            case .defects(let issues): "defects \(issues)"
            case .other(let error): "error \(error)"
            }
        }
    }

    /// Decodes `data` with `codec`. Issues are compared as sorted lists: Foundation's keyed
    /// container lists an object's keys in its dictionary's order, so when two keys are unknown
    /// the order of their two issues is not Foundation's to promise either.
    static func outcome<T: Decodable, U: Equatable>(_ type: T.Type, _ data: Data, _ strictness: WireStrictness, _ codec: WireCodec,
                                                    _ project: (T) -> U) -> Outcome<U> {
        var warnings: [ValidationIssue] = []
        do {
            let value = try PortalJSON.decode(type, from: data, strictness: strictness, codec: codec, warnings: &warnings)
            return .value(project(value), warnings: warnings.map(\.description).sorted())
        } catch let error as WireDecodingError {
            return .defects(error.issues.map(\.description).sorted())
        } catch {
            return .other(String(describing: error))
        }
    }

    static func expectSame<T: Decodable & Equatable>(_ type: T.Type, _ data: Data, sourceLocation: SourceLocation = #_sourceLocation) {
        expectSame(type, data, { $0 }, sourceLocation: sourceLocation)
    }

    static func expectSame<T: Decodable, U: Equatable>(_ type: T.Type, _ data: Data, _ project: (T) -> U, sourceLocation: SourceLocation = #_sourceLocation) {
        for strictness in [WireStrictness.lenient, .strict] {
            let fast = outcome(type, data, strictness, .fast, project), foundation = outcome(type, data, strictness, .foundation, project)
            // Where Foundation throws an error of its own, which one it meets first follows its
            // dictionary's per-instance order: then only the verdict (it failed) must agree.
            #expect(fast.agrees(with: foundation), "\(T.self) \(strictness): \(String(decoding: data.prefix(400), as: UTF8.self))", sourceLocation: sourceLocation)
        }
    }

    static func expectSameBytes<T: Encodable>(_ value: T, style: WireStyle = .canonical, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fast = try PortalJSON.encode(value, style: style, codec: .fast)
        let foundation = try PortalJSON.encode(value, style: style, codec: .foundation)
        #expect(fast == foundation, "\(String(decoding: fast.prefix(300), as: UTF8.self)) ≠ \(String(decoding: foundation.prefix(300), as: UTF8.self))",
                sourceLocation: sourceLocation)
    }

    @Test func theFixturesReadAndWriteTheSameBothWays() throws {
        let sync = Data(try fixture("DongBoHoSoMC-opencps.json").utf8), later = Data(try fixture("DongBoHoSoMC-later-revision.json").utf8)
        Self.expectSame(DossierSyncRequest.self, sync)
        Self.expectSame(Dossier.self, later)
        Self.expectSame(PortalReply<[Question]>.self, Data(try fixture("HoiDap-pull.json").utf8)) { $0.result }
        Self.expectSame(PortalReply<[Procedure]>.self, Data(try fixture("LayThuTuc-1.001193.json").utf8)) { $0.result }
        Self.expectSame(PaymentRequest.self, Data(try fixture("Payment-INIT.json").utf8))
        Self.expectSame(PaymentConfirmation.self, Data(try fixture("Payment-confirm.json").utf8))
        Self.expectSame(PortalBatchRequest<MonthlyStatistics>.self, Data(try fixture("DongBoThongKeHoSo.json").utf8))
        try Self.expectSameBytes(try PortalJSON.decode(DossierSyncRequest.self, from: sync))
        try Self.expectSameBytes(try PortalJSON.decode(Dossier.self, from: later))
        try Self.expectSameBytes(try PortalJSON.decode(PortalReply<[Procedure]>.self, from: Data(try fixture("LayThuTuc-1.001193.json").utf8)).result)
        try Self.expectSameBytes(try PortalJSON.decode(PaymentRequest.self, from: Data(try fixture("Payment-INIT.json").utf8)))
        for dialect in PortalDialect.shipped {
            try Self.expectSameBytes(try PortalJSON.decode(DossierSyncRequest.self, from: sync).dossiers, style: dialect.style)
        }
    }

    /// Generated dossiers (every optional field present or not, text with quotes, backslashes,
    /// control characters, slashes and Vietnamese) encode to the same bytes and read back equal.
    @Test func generatedDossiersEncodeAndDecodeTheSame() throws {
        var random = Generator(seed: 0xC0DEC)
        for _ in 0..<300 {
            let dossiers = (0..<Int(random.next() % 4)).compactMap { _ in random.dossier() }
            try Self.expectSameBytes(dossiers)
            let data = try PortalJSON.encode(dossiers)
            Self.expectSame([Dossier].self, data)
            #expect(try PortalJSON.decode([Dossier].self, from: data) == dossiers)
        }
    }

    /// Mutations of generated envelopes — a byte changed, dropped or added; a string turned into a
    /// number, `null`, a boolean or an object; a key in another case; an unknown or repeated key —
    /// give the same value, defects, warnings or error.
    @Test func mutatedMessagesGiveTheSameResults() throws {
        var random = Generator(seed: 0xBAD)
        var mutated = 0
        for _ in 0..<400 {
            let dossiers = (0..<Int(1 + random.next() % 2)).compactMap { _ in random.dossier() }
            let envelope = DossierSyncRequest(unitCode: "000.00.00.H20", isUpdating: random.next() % 2 == 0, dossiers: dossiers)
            var bytes = Array(try PortalJSON.encode(envelope))
            for _ in 0..<Int(1 + random.next() % 3) { random.mutate(&bytes) }
            Self.expectSame(DossierSyncRequest.self, Data(bytes))
            Self.expectSame(Dossier.self, Data(bytes))
            mutated += 1
        }
        #expect(mutated == 400)
    }

    /// Limits are measured while the tape is read; a document that may exceed one is checked the
    /// standard way, so both codecs refuse the same documents with the same words.
    @Test(arguments: [
        (JSONLimits(maximumBytes: 40), #"{"a":"0123456789012345678901234567890123456789"}"#),
        (JSONLimits(maximumDepth: 2), #"{"a":[[1]]}"#), (JSONLimits(maximumDepth: 2), #"{"a":[1]}"#),
        (JSONLimits(maximumStringBytes: 4), #"{"a":"abcd"}"#), (JSONLimits(maximumStringBytes: 4), #"{"a":"abc"}"#),
        (JSONLimits(maximumStringBytes: 4), #"{"abcde":"x"}"#), (JSONLimits(maximumArrayLength: 2), #"{"a":[1,2,3]}"#),
        (JSONLimits(maximumArrayLength: 2), #"{"a":[1,2]}"#), (JSONLimits(maximumDepth: 1), #"{"a":"\u00e9\n"}"#),
    ] as [(JSONLimits, String)])
    func limitsAreEnforcedTheSameWay(_ limits: JSONLimits, _ json: String) {
        func outcome(_ codec: WireCodec) -> String {
            do { return "value \(try PortalJSON.decode([String: WireValue].self, from: Data(json.utf8), limits: limits, codec: codec))" } catch {
                return "error \(error)"
            }
        }
        #expect(outcome(.fast) == outcome(.foundation), "\(json)")
    }

    /// Types outside the wire models go through the generic containers: the same bytes, or
    /// Foundation itself where a value needs it (a double, a date).
    @Test func otherCodableValuesEncodeAndDecodeTheSame() throws {
        struct Plain: Codable, Equatable {
            var name: String, count: Int, flags: [Bool], nested: [String: [Int64]], missing: String?, when: Date?, ratio: Double?
        }
        let values = [
            Plain(name: "a\"b\\c/d\u{1}\n é", count: -42, flags: [true, false], nested: ["z": [1, -2], "A": [], "é": [Int64.max, Int64.min, 0]], missing: nil, when: nil, ratio: nil),
            Plain(name: "", count: 0, flags: [], nested: [:], missing: "x", when: Date(timeIntervalSince1970: 1), ratio: 0.1),
        ]
        for value in values {
            try Self.expectSameBytes(value)
            let data = try PortalJSON.encode(value)
            #expect(try PortalJSON.decode(Plain.self, from: data) == value)
        }
        try Self.expectSameBytes([WireValue.string("x"), .integer(7), .bool(true), .null, .array([.double(1.5)]), .object(["k": .string("v")])])
        for json in [#"{"a":1.0}"#, #"{"a":1e2}"#, #"{"a":"x","a":"y"}"#, #"{"a":"\ud800"}"#, "{\"a\":\"\u{FF}\"}", #"{"a":-0}"#] {
            Self.expectSame([String: WireValue].self, Data(json.utf8))
        }
    }
}

/// SplitMix64 and the values it makes for these tests.
struct Generator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func pick<T>(_ values: [T]) -> T { values[Int(next() % UInt64(values.count))] }

    mutating func text() -> String {
        pick(["", "Hộ tịch", "a\"quoted\"", "back\\slash", "https://x.gov.vn/a/b", "tab\there", "line\nbreak", "\u{7}bell", "😀 emoji", "0912345678",
              "Nguyễn Văn A", "\u{2028}", "plain"])
    }

    mutating func maybe<T>(_ value: T) -> T? { next() % 2 == 0 ? value : nil }

    mutating func dossier() -> Dossier? {
        let day = 1 + Int(next() % 28), sequence = 1 + Int(next() % 9_999)
        let padded = String(repeating: "0", count: 4 - String(sequence).count) + String(sequence)
        guard let code = try? DossierCode("000.00.\(10 + next() % 80).H20-2507\(day < 10 ? "0" : "")\(day)-\(padded)"),
              let procedure = try? ProcedureCode(pick(["1.001193", "1.001193.000.00.00.H20", "2.000001"])), let field = try? FieldCode("G15-HT01"),
              let received = try? PortalTimestamp("202507\(day < 10 ? "0" : "")\(day)083000") else { return nil }
        var dossier = Dossier(code: code, procedureCode: procedure, procedureName: text(), fieldCode: field, fieldName: text(),
                              applicantType: pick([.citizen, .organisation]), summary: text(), receivedAt: received,
                              status: pick([.received, .returned, .processing]), resultDelivery: .atOffice, processingAgencyName: text())
        dossier.dueAt = maybe(received)
        (dossier.ownerName, dossier.email, dossier.note, dossier.receiptNumber) = (maybe(text()), maybe(text()), maybe(text()), maybe(text()))
        dossier.hasDigitizedComponents = maybe(next() % 2 == 0)
        dossier.submittedAt = maybe(received)
        if next() % 2 == 0 { dossier.submittedFiles = [SubmittedFile(name: text(), url: text(), fileID: maybe("7"), partCode: maybe("TP01"))] }
        if next() % 3 == 0 { dossier.fees = [DossierFee(name: text(), amount: Int(next() % 1_000_000))] }
        if next() % 4 == 0 { dossier.additionalFields = ["TruongRieng": .string(text()), "SoLuong": .integer(3)] }
        return dossier
    }

    /// One mutation of JSON bytes.
    mutating func mutate(_ bytes: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        let at = Int(next() % UInt64(bytes.count))
        let text = String(decoding: bytes, as: UTF8.self)
        switch next() % 9 {
        case 0: bytes[at] = UInt8(truncatingIfNeeded: next())
        case 1: bytes.remove(at: at)
        case 2: bytes.insert(pick(Array("\"{}[],:0\\ n".utf8)), at: at)
        case 3, 4, 5:
            // Replace one string value with another JSON value.
            let replacement = pick(["12", "-3", "1.5", "1e2", "null", "true", "false", "{}", "[]", "\"\"", "\"0\"", "\"11\"", "99999999999999999999", "\"1\""])
            let key = pick(["MaHoSo", "TrangThaiHoSo", "NgayTiepNhan", "ChuHoSo", "LoaiDoiTuong", "HoSoCoThanhPhanSoHoa", "TaiLieuNop", "Gia", "isUpdating", "data"])
            if let range = text.range(of: "\"\(key)\":") {
                let rest = text[range.upperBound...]
                let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
                bytes = Array((String(text[..<range.upperBound]) + replacement + String(rest[end...])).utf8)
            }
        case 6:
            let key = pick(["MaHoSo", "TrichYeuHoSo", "NgayHenTra", "madonvi"])
            bytes = Array(text.replacingOccurrences(of: "\"\(key)\"", with: "\"\(pick([key.lowercased(), key.uppercased()]))\"").utf8)
        case 7:
            bytes = Array(text.replacingOccurrences(of: "\"MaHoSo\":", with: pick(["\"KhongBiet\":\"x\",\"MaHoSo\":", "\"MaHoSo\":\"dup\",\"MaHoSo\":",
                                                                                "\"KhoaLa\":[1,{\"a\":null}],\"MaHoSo\":"])).utf8)
        default:
            bytes = Array(text.replacingOccurrences(of: "\"", with: pick(["\\u0022", "\""]), options: [], range: nil).utf8.prefix(bytes.count))
        }
    }
}
