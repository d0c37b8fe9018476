import Foundation

/// Collects the warnings of objects that decoded leniently (what real systems send beyond the
/// standard), which a successful decode would otherwise drop. Set on a decoder's `userInfo`
/// under `.dvcWireVariants`; ``PortalJSON/decode(_:from:strictness:limits:codec:warnings:)`` does it.
final class WireVariantLog: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [ValidationIssue] = []

    func append(_ issues: [ValidationIssue]) { lock.withLock { collected += issues } }

    /// The warnings collected so far, emptying the log.
    func drain() -> [ValidationIssue] {
        lock.withLock {
            defer { collected = [] }
            return collected
        }
    }
}

extension CodingUserInfoKey {
    /// The ``WireVariantLog`` a decoder reports lenient warnings to.
    static let dvcWireVariants: CodingUserInfoKey = .dvc("wire-variants")
}
