import DVCKit
import Foundation

/// The references `isValid` is measured against in the same run: the fastest plain loop over the
/// bytes that gives the same answers on the benchmark's inputs (no separators, no error offsets,
/// no generality), and python-stdnum where it has the validator.
enum ValidatorReferences {
    /// A 10- or 13-digit tax code: weighted checksum of the first nine digits (Circular
    /// 105/2020/TT-BTC), a non-zero serial, a non-zero branch number.
    @inline(never)
    static func plainTaxCode(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { b -> Bool in
            guard b.count == 10 || b.count == 13 else { return false }
            let weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
            var sum = 0, serial = 0, branch = 0
            for i in 0..<b.count {
                let d = Int(b[i] &- 48)
                guard d >= 0 && d < 10 else { return false }
                switch i {
                case 0: sum += weights.0 * d
                case 1: sum += weights.1 * d
                case 2: sum += weights.2 * d; serial |= d
                case 3: sum += weights.3 * d; serial |= d
                case 4: sum += weights.4 * d; serial |= d
                case 5: sum += weights.5 * d; serial |= d
                case 6: sum += weights.6 * d; serial |= d
                case 7: sum += weights.7 * d; serial |= d
                case 8: sum += weights.8 * d; serial |= d
                case 9: break
                default: branch |= d
                }
            }
            let remainder = sum % 11
            return serial != 0 && (b.count == 10 || branch != 0) && remainder != 0 && 10 - remainder == Int(b[9] &- 48)
        } ?? false
    }

    /// Legacy province codes as a bitmap (for the citizen-ID loop).
    static let provinces: (UInt64, UInt64) = {
        var bits: (UInt64, UInt64) = (0, 0)
        for province in AdministrativeUnits.provinces(in: .legacy) {
            guard let code = Int(province.code.rawValue) else { continue }
            if code < 64 { bits.0 |= 1 << UInt64(code) } else if code < 128 { bits.1 |= 1 << UInt64(code - 64) }
        }
        return bits
    }()

    /// A 12-digit personal ID: a legacy province, a century-and-sex digit and a birth year not in
    /// the future (Circular 59/2021/TT-BCA).
    @inline(never)
    static func plainCitizenID(_ text: String, currentYear: Int, provinces: (UInt64, UInt64)) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { b -> Bool in
            guard b.count == 12 else { return false }
            var firstSix = 0
            for i in 0..<12 {
                let d = Int(b[i] &- 48)
                guard d >= 0 && d < 10 else { return false }
                if i < 6 { firstSix = firstSix * 10 + d }
            }
            let province = firstSix / 1_000
            let known = province < 64 ? provinces.0 >> UInt64(province) & 1 : provinces.1 >> UInt64(province - 64) & 1
            let centurySex = firstSix / 100 % 10
            return known == 1 && 1900 + centurySex / 2 * 100 + firstSix % 100 <= currentYear
        } ?? false
    }

    /// python-stdnum's `vn.mst.is_valid` over `values`, calls per second, when python3 and
    /// stdnum are installed (`pip install python-stdnum`).
    static func pythonStdnumTaxCode(_ values: [String], seconds: Double) -> (perSecond: Int, valid: Int)? {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dvc-bench-stdnum-\(UUID().uuidString)")
        guard (try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)) != nil else { return nil }
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("values.txt")
        guard (try? values.joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)) != nil else { return nil }
        let script = """
        import sys, time
        from stdnum.vn import mst
        values = open(sys.argv[1]).read().split("\\n")
        valid = sum(1 for v in values if mst.is_valid(v))
        calls, start = 0, time.perf_counter()
        while time.perf_counter() - start < float(sys.argv[2]):
            for v in values: mst.is_valid(v)
            calls += len(values)
        print(int(calls / (time.perf_counter() - start)), valid)
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, input.path, String(seconds)]
        guard let data = standardOutput(of: process) else { return nil }
        let words = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard process.terminationStatus == 0, words.count == 2 else { return nil }
        return (words[0], words[1])
    }
}
