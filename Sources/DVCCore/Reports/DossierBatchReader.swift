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
public struct DossierBatchReader {
    /// One dossier of the batch.
    public struct Element {
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
    /// What the decoder carries: strictness, mapping, and where warnings go.
    private let userInfo: [CodingUserInfoKey: any Sendable]
    private let variants = WireVariantLog()

    /// Creates a reader decoding with `strictness` and `mapping` (local codes to national ones); elements larger than `maximumElementSize`
    /// bytes are a format error.
    public init(strictness: WireStrictness = .lenient, maximumElementSize: Int = 16 << 20, mapping: CodeMapping? = nil) {
        scanner = JSONArrayScanner(maximumElementSize: maximumElementSize)
        var userInfo: [CodingUserInfoKey: any Sendable] = [.dvcWireStrictness: strictness, .dvcWireVariants: variants]
        if let mapping, !mapping.isEmpty { userInfo[.dvcCodeMapping] = mapping }
        self.userInfo = userInfo
    }

    /// The shape seen so far.
    public var layout: JSONArrayScanner.Layout { scanner.layout }

    /// Dossiers handed out so far.
    public var count: Int { scanner.elementCount }

    /// A top-level string of the envelope (e.g. `madonvi`), once it has been read.
    public func envelopeString(_ key: String) -> String? { scanner.envelopeString(key) }

    /// Consumes the next bytes; calls `body` for every dossier they complete.
    /// - Throws: `JSONArrayScanner.FormatError` when the bytes are not a batch, or what `body` throws.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ body: (Element) throws -> Void) throws {
        var completed: [[UInt8]] = []
        try scanner.feed(bytes) { completed.append($0) }
        let first = scanner.elementCount - completed.count
        for (offset, element) in completed.enumerated() { try body(decode(element, index: first + offset)) }
    }

    /// Ends the batch.
    /// - Throws: `JSONArrayScanner.FormatError` when the batch is incomplete.
    public func finish() throws { try scanner.finish() }

    private func decode(_ element: [UInt8], index: Int) -> Element {
        let path = scanner.layout == .envelope ? "data[\(index)]" : "[\(index)]"
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
