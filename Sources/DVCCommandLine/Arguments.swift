/// The parsed command line of an example or benchmark executable: `--name value`,
/// `--name=value`, `--flag`, and positional words. Small on purpose: DVCKit takes no package
/// dependencies, and its tools need nothing more.
public struct Arguments: Sendable, Equatable {
    /// Option values by name (with the leading `--`).
    public private(set) var options: [String: String] = [:]
    /// Flags that were given.
    public private(set) var flags: Set<String> = []
    /// Words that are not options.
    public private(set) var positionals: [String] = []
    /// Values of options that may be given more than once, in order.
    public private(set) var repeated: [String: [String]] = [:]

    /// Parses `words` (without the program name), accepting only the named options and flags.
    /// Options in `repeatable` may be given any number of times (``subscript(all:)``).
    /// - Throws: ``UsageError`` for an unknown option, a missing value or a repeated option.
    public init(_ words: [String], options allowedOptions: Set<String>, flags allowedFlags: Set<String>,
                repeatable: Set<String> = []) throws(UsageError) {
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            guard word.hasPrefix("--"), word.count > 2 else {
                positionals.append(word)
                continue
            }
            var name = word, value: String?
            if let equals = word.firstIndex(of: "=") {
                name = String(word[..<equals])
                value = String(word[word.index(after: equals)...])
            }
            if allowedFlags.contains(name) {
                guard value == nil else { throw UsageError("\(name) takes no value") }
                flags.insert(name)
            } else if allowedOptions.contains(name) || repeatable.contains(name) {
                if value == nil {
                    guard index < words.count else { throw UsageError("\(name) needs a value") }
                    value = words[index]
                    index += 1
                }
                if repeatable.contains(name) {
                    repeated[name, default: []].append(value ?? "")
                    continue
                }
                guard options[name] == nil else { throw UsageError("\(name) is given twice") }
                options[name] = value
            } else {
                throw UsageError("unknown option \(name)")
            }
        }
    }

    /// The value of option `name`, if given.
    public subscript(option name: String) -> String? { options[name] }

    /// Every value of a repeatable option, in order.
    public subscript(all name: String) -> [String] { repeated[name] ?? [] }

    /// Whether flag `name` was given.
    public func has(_ name: String) -> Bool { flags.contains(name) }
}

/// A command line that cannot be run as written; tools print it and exit with status 2.
public struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, in one sentence.
    public let message: String

    /// Creates a usage error.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
