import Foundation

/// Decodes a `DongBoHoSoMC` batch — an envelope `{"madonvi":…,"data":[…]}` or a bare array of
/// dossiers — as its bytes arrive, one dossier at a time, in bounded memory (bộ đọc lô hồ sơ).
///
/// DVCCore does no I/O: the caller reads the file or socket and feeds the bytes; each dossier is
/// handed out as soon as its object closes, decoded, or with the defects that kept it from being
/// decoded (a broken one never hides the others).
///
/// ```swift
/// var reader = DossierBatchReader()
/// try data.withUnsafeBytes { bytes in
///     try reader.feed(bytes) { element in
///         switch element.dossier {
///         case .success(let dossier): print(element.path, dossier.code)
///         case .failure(let issues): print(element.path, issues)
///         }
///     }
/// }
/// try reader.finish()
/// ```
public struct DossierBatchReader: Sendable {
    /// One dossier of the batch.
    public struct Element: Sendable {
        /// Its position in the batch, from 0.
        public let index: Int
        /// Its wire path: `data[3]` in an envelope, `[3]` in a bare array.
        public let path: String
        /// The dossier, or the defects that kept it from being decoded (paths under ``path``).
        public let dossier: Result<Dossier, DecodingIssues>
        /// For a dossier that could not be decoded: its key fields, each when it could be read.
        public let keyFields: KeyFields?
        /// For a dossier that decoded: what it carried beyond the standard and was read
        /// leniently (warnings, paths under ``path``).
        public var warnings: [ValidationIssue] = []
    }

    /// The fields that identify a dossier and place it (mã hồ sơ, ngày tiếp nhận, mã thủ tục,
    /// mã lĩnh vực), read on their own from a dossier that cannot be decoded whole — so that the
    /// checks that need only them still run (``Dossier/keyFieldIssues(code:receivedAt:procedureCode:fieldCode:context:path:)``).
    public struct KeyFields: Sendable, Hashable, Decodable {
        /// `MaHoSo`, when it is a dossier code (leniently).
        public let code: DossierCode?
        /// `NgayTiepNhan`, when it is a timestamp.
        public let receivedAt: PortalTimestamp?
        /// `MaTTHC`, when it is a procedure code.
        public let procedureCode: ProcedureCode?
        /// `MaLinhVuc`, when it is a field code.
        public let fieldCode: FieldCode?

        enum CodingKeys: String, CodingKey { case code = "MaHoSo", receivedAt = "NgayTiepNhan", procedureCode = "MaTTHC", fieldCode = "MaLinhVuc" }

        /// Reads each key field that can be read, ignoring the rest of the object.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func text(_ key: CodingKeys) -> String? { try? container.decodeIfPresent(String.self, forKey: key) }
            code = text(.code).flatMap { try? DossierCode(validating: $0, strictness: .lenient) }
            receivedAt = text(.receivedAt).flatMap { try? PortalTimestamp($0) }
            procedureCode = text(.procedureCode).flatMap { try? ProcedureCode(validating: $0) }
            fieldCode = text(.fieldCode).flatMap { try? FieldCode(validating: $0) }
        }
    }

    /// The defects of a dossier that could not be decoded.
    public struct DecodingIssues: Error, Sendable, Hashable {
        /// Each defect, with its wire path from the batch's root.
        public let issues: [ValidationIssue]
    }

    private var scanner: JSONArrayScanner
    /// How dossiers are decoded, on how many threads.
    let decoding: Decoding
    /// How many threads decode the dossiers that one ``feed(_:_:)`` completes (1: the calling
    /// thread alone). Elements are handed out in order whatever the number.
    public var concurrency: Int { decoding.concurrency }

    /// Creates a reader decoding with `strictness` and `mapping` (local codes to national ones); elements larger than `maximumElementSize`
    /// bytes are a format error. With `concurrency` above 1, the dossiers each ``feed(_:_:)`` completes are
    /// decoded on up to that many threads (pass `ProcessInfo.processInfo.activeProcessorCount` for every
    /// core); `body` is still called on the calling thread, in order, with the same elements.
    public init(strictness: WireStrictness = .lenient, maximumElementSize: Int = 16 << 20, mapping: CodeMapping? = nil, concurrency: Int = 1) {
        scanner = JSONArrayScanner(maximumElementSize: maximumElementSize)
        decoding = Decoding(strictness: strictness, mapping: mapping.flatMap { $0.isEmpty ? nil : $0 }, concurrency: max(1, concurrency))
    }

    /// The shape seen so far.
    public var layout: JSONArrayScanner.Layout { scanner.layout }

    /// Dossiers handed out so far.
    public var count: Int { scanner.elementCount }

    /// A top-level string of the envelope (e.g. `madonvi`), once it has been read.
    public func envelopeString(_ key: String) -> String? { scanner.envelopeString(key) }

    /// The envelope's first value for `key` as a string (`nil` when it is not one) and how many
    /// dossiers came before it (0 when it precedes `data`), once it has been read.
    func firstEnvelopeString(_ key: String) -> (text: String?, dossiersBefore: Int)? {
        scanner.firstEnvelopeString(key).map { ($0.text, $0.elementsBefore) }
    }

    /// Consumes the next bytes; calls `body` for every dossier they complete.
    /// - Throws: `JSONArrayScanner.FormatError` when the bytes are not a batch, or what `body` throws.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ body: (Element) throws -> Void) throws {
        let scanned = try scan(bytes)
        for element in decoding.decode(scanned, { $0 }) { try body(element) }
    }

    /// Ends the batch.
    /// - Throws: `JSONArrayScanner.FormatError` when the batch is incomplete.
    public func finish() throws { try scanner.finish() }

    /// The elements some bytes completed, not yet decoded.
    struct Scanned: Sendable {
        /// Each element's bytes.
        var elements: [[UInt8]]
        /// The index of the first.
        var first: Int
        /// Whether they are `data` of an envelope (paths `data[i]`) or of a bare array (`[i]`).
        var inEnvelope: Bool

        /// Appends the elements scanned after these.
        mutating func append(_ next: Scanned) {
            if elements.isEmpty { self = next } else { elements += next.elements }
        }
    }

    /// Scans the next bytes into the elements they complete.
    mutating func scan(_ bytes: UnsafeRawBufferPointer) throws -> Scanned {
        var completed: [[UInt8]] = []
        try scanner.feed(bytes) { completed.append($0) }
        return Scanned(elements: completed, first: scanner.elementCount - completed.count, inEnvelope: scanner.layout == .envelope)
    }

    /// How elements are decoded: the settings every thread shares.
    struct Decoding: Sendable {
        let strictness: WireStrictness
        let mapping: CodeMapping?
        let concurrency: Int

        /// Decodes scanned elements on up to ``concurrency`` threads and applies `transform` to each
        /// there (it must not depend on the order it is called in); the results are in element order.
        func decode<Result>(_ scanned: Scanned, _ transform: @escaping @Sendable (Element) -> Result) -> [Result] {
            let strictness = strictness, mapping = mapping
            return ParallelMap.map(count: scanned.elements.count, concurrency: concurrency, state: { Lane(strictness: strictness, mapping: mapping) }) { lane, offset in
                let index = scanned.first + offset
                return transform(lane.decode(scanned.elements[offset], index: index, path: scanned.inEnvelope ? "data[\(index)]" : "[\(index)]"))
            }
        }
    }

    /// What one block of elements is decoded with: the decoder's settings and a warning log no other thread shares.
    private struct Lane {
        let variants = WireVariantLog()
        let userInfo: [CodingUserInfoKey: any Sendable]

        init(strictness: WireStrictness, mapping: CodeMapping?) {
            var userInfo: [CodingUserInfoKey: any Sendable] = [.dvcWireStrictness: strictness, .dvcWireVariants: variants]
            if let mapping { userInfo[.dvcCodeMapping] = mapping }
            self.userInfo = userInfo
        }

        func decode(_ element: [UInt8], index: Int, path: String) -> Element {
            do {
                let dossier = try PortalJSON.decode(Dossier.self, bytes: element, userInfo: userInfo, limits: nil)
                var decoded = Element(index: index, path: path, dossier: .success(dossier), keyFields: nil)
                decoded.warnings = variants.drain().map { issue in
                    var issue = issue
                    issue.path = issue.path.isEmpty ? path : "\(path).\(issue.path)"
                    return issue
                }
                return decoded
            } catch {
                _ = variants.drain()
                var issues = WireReader<Dossier.CodingKeys>.issues(from: error, fallbackPath: "").map { issue -> ValidationIssue in
                    var issue = issue
                    issue.path = issue.path.isEmpty ? path : "\(path).\(issue.path)"
                    return issue
                }
                // Never an undecodable dossier without a reason: it would be counted valid.
                if issues.isEmpty { issues = [ValidationIssue(path: path, rule: .fieldInvalid, message: "the dossier could not be decoded: \(error)")] }
                let keyFields = try? PortalJSON.decode(KeyFields.self, bytes: element, userInfo: userInfo, limits: nil)
                return Element(index: index, path: path, dossier: .failure(DecodingIssues(issues: issues)), keyFields: keyFields)
            }
        }
    }
}
