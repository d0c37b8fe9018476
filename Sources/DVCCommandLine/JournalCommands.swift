import DVCKit
import Foundation

/// `dvc-sync status`, `dvc-sync dead-letters` and `dvc-sync repair`: what an operator does with a
/// journal between runs (or, for `status` and listing dead letters, during one).
enum JournalCommands {
    static func parse(_ words: [String], command: String, options: Set<String> = [], flags: Set<String> = [], errors: TextStream) -> Arguments? {
        do throws(UsageError) {
            let arguments = try Arguments(words, options: options.union(["--journal"]), flags: flags.union(["--json"]))
            guard arguments[option: "--journal"] != nil else { throw UsageError("--journal DIR is required") }
            guard arguments.positionals.isEmpty else { throw UsageError("unexpected argument \(arguments.positionals[0])") }
            return arguments
        } catch {
            errors.write("dvc-sync \(command): \(error.message)\nTry 'dvc-sync --help'.\n")
            return nil
        }
    }

    /// Counts per agency, read-only: works while another process syncs with the journal.
    static func status(_ words: [String], output: TextStream, errors: TextStream) async -> Int32 {
        guard let arguments = parse(words, command: "status", errors: errors), let directory = arguments[option: "--journal"] else { return 2 }
        do {
            let outbox = try FileOutbox.readOnly(url: SyncCommand.journalURL(directory))
            let status = SyncStatus(counts: try await outbox.counts(), at: Date())
            if arguments.has("--json") {
                output.write(JSONText.encode(status) + "\n")
            } else {
                output.write(status.agencies.isEmpty ? "the journal is empty\n" : status.description)
            }
            return 0
        } catch {
            errors.write("dvc-sync status: \(error)\n")
            return 1
        }
    }

    struct Letter: Encodable {
        let sequence: UInt64
        let dossier: String
        let agency: String
        let kind: String
        let reason: String
        let at: String
        let attempts: Int
    }

    /// Lists dead letters, or requeues or purges them.
    static func deadLetters(_ words: [String], output: TextStream, errors: TextStream) async -> Int32 {
        guard let arguments = parse(words, command: "dead-letters", options: ["--dossier", "--kind", "--reason"], flags: ["--requeue", "--purge"],
                                    errors: errors),
              let directory = arguments[option: "--journal"] else { return 2 }
        if arguments.has("--requeue") && arguments.has("--purge") {
            errors.write("dvc-sync dead-letters: give --requeue or --purge, not both\n")
            return 2
        }
        var filter = DeadLetterFilter()
        if let code = arguments[option: "--dossier"] { filter.dossierCodes = [code] }
        if let kind = arguments[option: "--kind"] { filter.kinds = [DeadLetterReason.Kind(rawValue: kind)] }
        filter.reasonContaining = arguments[option: "--reason"]
        let url = SyncCommand.journalURL(directory)
        do {
            if arguments.has("--requeue") || arguments.has("--purge") {
                let outbox = try FileOutbox(url: url)
                let count = arguments.has("--requeue") ? try await outbox.requeue(matching: filter) : try await outbox.purge(matching: filter)
                await outbox.close()
                let verb = arguments.has("--requeue") ? "requeued" : "purged"
                output.write(arguments.has("--json") ? "{\"\(verb)\":\(count)}\n" : "\(verb) \(count) dead letter(s)\n")
                return 0
            }
            let outbox = try FileOutbox.readOnly(url: url)
            let formatter = ISO8601DateFormatter()
            let letters = try await outbox.deadLetters(matching: filter).map { letter in
                Letter(sequence: letter.entry.sequence, dossier: letter.entry.dossier.code.rawValue, agency: letter.entry.dossier.code.agencyText,
                       kind: letter.reason.kind.rawValue, reason: letter.reason.message, at: formatter.string(from: letter.at),
                       attempts: letter.entry.delivery.attempts)
            }
            if arguments.has("--json") {
                output.write(JSONText.encode(letters) + "\n")
            } else if letters.isEmpty {
                output.write("no dead letters\n")
            } else {
                for letter in letters {
                    output.write("\(letter.sequence)\t\(letter.dossier)\t\(letter.kind)\t\(letter.at)\t\(letter.reason)\n")
                }
                output.write("\(letters.count) dead letter(s); --requeue sends them again, --purge deletes them\n")
            }
            return 0
        } catch {
            errors.write("dvc-sync dead-letters: \(error)\n")
            return 1
        }
    }

    /// Quarantines damaged records.
    static func repair(_ words: [String], output: TextStream, errors: TextStream) -> Int32 {
        guard let arguments = parse(words, command: "repair", errors: errors), let directory = arguments[option: "--journal"] else { return 2 }
        do {
            let report = try FileOutbox.repair(url: SyncCommand.journalURL(directory))
            output.write(report.description + "\n")
            return 0
        } catch {
            errors.write("dvc-sync repair: \(error)\n")
            return 1
        }
    }
}
