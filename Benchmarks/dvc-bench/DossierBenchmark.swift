import DVCCommandLine
import DVCKit
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The same dossier as plain strings with synthesized Codable: what Foundation alone does with
/// these values, the baseline for DVCKit's wire models.
struct PlainDossier: Codable {
    struct File: Codable { var TepDinhKemId, TenTepDinhKem, IsDeleted, MaThanhPhanHoSo, DuongDanTaiTepTin: String }
    var MaHoSo, MaTTHC, TenTTHC, MaLinhVuc, TenLinhVuc, ChuHoSo, LoaiDoiTuong, MaDoiTuong, ThongTinKhac, Email, Fax, SoDienThoai: String
    var TrichYeuHoSo, NgayTiepNhan, NgayHenTra, TrangThaiHoSo, NgayTra, ThongTinTra, HinhThuc, NgayKetThucXuLy, DonViXuLy: String
    var TaiLieuNop: [File]
    var DanhSachLePhi, DanhSachTepDinhKemKhac, DanhSachHoSoBoSung, DanhSachGiayToKetQua: [String]
}

/// One coder's throughput on the same dossiers.
struct CodecFigure: Codable {
    var encodeMBps: Double, decodeMBps: Double
    var encodePerSecond: Int, decodePerSecond: Int
}

/// Encode/decode and validation throughput on generated OpenCPS-shaped dossiers: DVCKit's wire
/// codec; Foundation's `JSONEncoder`/`JSONDecoder` on the same `Dossier` values (the models through
/// Foundation, which is what `PortalJSON` used before the codec: `WireCodec.foundation`); and
/// Foundation on a plain struct of the same fields as strings (Foundation's best case, no checks).
struct DossierBenchFigures: Codable {
    var count: Int
    var megabytes: Double
    var dvckit: CodecFigure
    var foundation: CodecFigure
    var foundationPlainStruct: CodecFigure
    /// DVCKit against Foundation on the same values, and against the plain struct.
    var encodeRatio: Double, decodeRatio: Double
    var encodeRatioToPlainStruct: Double, decodeRatioToPlainStruct: Double
    /// One thread, and every core (`DossierBatchValidator(concurrency:)`, `threads` of them).
    var batchValidationPerSecond: Int
    var batchValidationPerSecondAllCores: Int
    var threads: Int
}

enum DossierBenchmark {
    /// Generated dossiers like the OpenCPS fixture: one submitted file, empty lists, 1 in 8 returned;
    /// dossier `i` for `i` in `start ..< start + count` (distinct codes up to 19,998,000).
    static func dossiers(_ count: Int, from start: Int = 0) -> [Dossier] {
        let procedure = try? ProcedureCode("1.001193.000.00.00.H20"), field = try? FieldCode("G15-HT01")
        return (start..<(start + count)).compactMap { i -> Dossier? in
            let day = CalendarDate(daysSinceEpoch: 19_000 + i % 1_500)
            let yy = day.year % 100 < 10 ? "0\(day.year % 100)" : "\(day.year % 100)"
            let mm = day.month < 10 ? "0\(day.month)" : "\(day.month)", dd = day.day < 10 ? "0\(day.day)" : "\(day.day)"
            let sequence = String(i % 9_999 + 1), padded = String(repeating: "0", count: 4 - sequence.count) + sequence
            guard let code = try? DossierCode("000.00.\(10 + i % 80).H20-\(yy)\(mm)\(dd)-\(padded)"), let procedure, let field,
                  let received = PortalTimestamp(date: day, hour: 8 + i % 9, minute: i % 60) else { return nil }
            var dossier = Dossier(code: code, procedureCode: procedure, procedureName: "Đăng ký khai sinh", fieldCode: field,
                                  fieldName: "Hộ tịch", applicantType: .citizen, summary: "Đăng ký khai sinh cho công dân số \(i)",
                                  receivedAt: received, status: i % 8 == 7 ? .returned : .received, resultDelivery: .atOffice,
                                  processingAgencyName: "UBND xã Mỹ Hiệp")
            dossier.dueAt = PortalTimestamp(date: day.adding(days: 5), hour: 17, minute: 0)
            if i % 8 == 7 { dossier.returnedAt = PortalTimestamp(date: day.adding(days: 4), hour: 10, minute: 0) }
            (dossier.ownerName, dossier.applicantAccountID, dossier.otherInformation) = ("Nguyễn Văn \(i)", "", "")
            (dossier.email, dossier.fax, dossier.phone, dossier.returnInformation) = ("cd\(i)@example.vn", "0912345678", "0912345678", "")
            dossier.submittedFiles = [SubmittedFile(name: "to-khai-\(i).pdf", url: "https://motcua.dongthap.gov.vn/documents/\(i)/to-khai.pdf",
                                                    fileID: String(i), partCode: "TP01")]
            return dossier
        }
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        return (clock.now - start).inSeconds
    }

    /// The best of `rounds` timings of `body` (the machines are shared: the fastest run is the
    /// one least disturbed).
    static func best(_ rounds: Int, _ body: () throws -> Void) rethrows -> Double {
        var fastest = Double.infinity
        for _ in 0..<rounds { fastest = min(fastest, try seconds(body)) }
        return fastest
    }

    static func run(count: Int, rounds: Int = 3) throws -> DossierBenchFigures {
        let values = dossiers(count)
        var encoded = Data()
        let encodeTime = try best(rounds) { encoded = try PortalJSON.encode(values) }
        var decoded: [Dossier] = []
        let decodeTime = try best(rounds) { decoded = try PortalJSON.decode([Dossier].self, from: encoded) }
        precondition(decoded == values, "the benchmark's own round trip changed dossiers")

        var viaFoundation = Data()
        let foundationEncodeTime = try best(rounds) { viaFoundation = try PortalJSON.encode(values, style: .canonical, codec: .foundation) }
        precondition(viaFoundation == encoded, "Foundation and DVCKit wrote different bytes")
        let foundationDecodeTime = try best(rounds) { _ = try PortalJSON.decode([Dossier].self, from: encoded, codec: .foundation) }

        let plain = try JSONDecoder().decode([PlainDossier].self, from: encoded)
        var plainData = Data()
        let plainEncodeTime = try best(rounds) { plainData = try JSONEncoder().encode(plain) }
        let plainDecodeTime = try best(rounds) { _ = try JSONDecoder().decode([PlainDossier].self, from: plainData) }

        let threads = ProcessInfo.processInfo.activeProcessorCount
        func validate(_ concurrency: Int) throws -> Double {
            try best(rounds) {
                var validator = DossierBatchValidator(context: DossierValidationContext(syncingUnit: try AgencyCode("000.00.00.H20")), concurrency: concurrency)
                try encoded.withUnsafeBytes { bytes in
                    var start = 0
                    while start < bytes.count {
                        let end = min(start + (1 << 16), bytes.count)
                        try validator.feed(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                        start = end
                    }
                }
                _ = try validator.finish()
            }
        }
        let validateTime = try validate(1), validateAllCoresTime = try validate(threads)
        let mb = Double(encoded.count) / 1_000_000, plainMB = Double(plainData.count) / 1_000_000
        func round(_ x: Double) -> Double { (x * 10).rounded() / 10 }
        func figure(_ megabytes: Double, _ encode: Double, _ decode: Double) -> CodecFigure {
            CodecFigure(encodeMBps: round(megabytes / encode), decodeMBps: round(megabytes / decode),
                        encodePerSecond: Int(Double(count) / encode), decodePerSecond: Int(Double(count) / decode))
        }
        return DossierBenchFigures(
            count: count, megabytes: round(mb),
            dvckit: figure(mb, encodeTime, decodeTime), foundation: figure(mb, foundationEncodeTime, foundationDecodeTime),
            foundationPlainStruct: figure(plainMB, plainEncodeTime, plainDecodeTime),
            encodeRatio: round(foundationEncodeTime / encodeTime), decodeRatio: round(foundationDecodeTime / decodeTime),
            encodeRatioToPlainStruct: round((mb / encodeTime) / (plainMB / plainEncodeTime)),
            decodeRatioToPlainStruct: round((mb / decodeTime) / (plainMB / plainDecodeTime)),
            batchValidationPerSecond: Int(Double(count) / validateTime),
            batchValidationPerSecondAllCores: Int(Double(count) / validateAllCoresTime), threads: threads)
    }

    /// Writes `count` dossiers as a `DongBoHoSoMC` envelope, in blocks, to `url`.
    static func writeBatch(count: Int, to url: URL) throws {
        try writeBatch(count: count, to: url) { start, count in dossiers(count, from: start) }
    }

    /// A `DongBoHoSoMC` envelope of `count` dossiers, made by `chunk(start, count)` in blocks of 10,000.
    static func writeBatch(count: Int, to url: URL, chunk makeChunk: (Int, Int) -> [Dossier]) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = FileHandle(forWritingAtPath: url.path) else {
            throw CocoaError(.fileWriteUnknown)
        }
        defer { try? handle.close() }
        handle.write(Data(#"{"madonvi":"000.00.00.H20","service":"DongBoHoSoMC","isUpdating":"False","data":["#.utf8))
        let block = 10_000
        var written = 0
        while written < count {
            let chunk = makeChunk(written, min(block, count - written))
            guard !chunk.isEmpty else { break }
            var data = try PortalJSON.encode(chunk)
            data.removeFirst()
            data.removeLast()
            if written > 0 { handle.write(Data(",".utf8)) }
            handle.write(data)
            written += chunk.count
        }
        handle.write(Data("]}".utf8))
    }
}
