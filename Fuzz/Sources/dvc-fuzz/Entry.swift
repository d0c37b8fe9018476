import Foundation

/// The target libFuzzer runs, from `DVC_FUZZ_TARGET` (default `codes`).
let selectedTarget: FuzzTarget = ProcessInfo.processInfo.environment["DVC_FUZZ_TARGET"].flatMap(FuzzTarget.init(rawValue:)) ?? .codes

/// libFuzzer's entry point: one input through the selected target.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    fuzz(selectedTarget, data)
    return 0
}

#if !DVC_LIBFUZZER
/// Without libFuzzer (`swift run dvc-fuzz TARGET PATH…`): replays files — a corpus, or a crash
/// input libFuzzer saved — through a target, so a finding reproduces in an ordinary debug build.
@main
struct Replay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
            FileHandle.standardError.write(Data("usage: dvc-fuzz \(names) PATH…   (files, or directories of files)\n".utf8))
            exit(2)
        }
        var count = 0
        for path in arguments.dropFirst() {
            for file in files(at: URL(fileURLWithPath: path)) {
                guard let data = try? Data(contentsOf: file) else { continue }
                fuzz(target, data)
                count += 1
            }
        }
        print("\(target.rawValue): \(count) inputs replayed, no finding")
    }

    static func files(at url: URL) -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [url] }
        let contents = (try? FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)) ?? []
        return contents.sorted { $0.path < $1.path }.flatMap(files(at:))
    }
}
#endif

#if DVC_LIBFUZZER
/// libFuzzer's driver (in the `-sanitize=fuzzer` runtime), declared with the C calling convention.
@_extern(c, "LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// SwiftPM links executables with `main` renamed to `dvc_fuzz_main`; in the libFuzzer build
/// that entry point hands control to libFuzzer's driver.
@_cdecl("dvc_fuzz_main")
public func libFuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { bytes, size in fuzzerTestOneInput(bytes, size) }
}
#endif
