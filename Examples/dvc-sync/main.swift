// dvc-sync: loads DongBoHoSoMC files into a durable journal and syncs them to the portal.
//   DVC_PORTAL_PASSWORD=… swift run dvc-sync --portal https://lgsp.example.gov.vn --agency 000.00.00.H20 \
//       --username motcua --journal /var/lib/dvc-sync dossiers.json
// Run `swift run dvc-sync --help` for the subcommands, options and exit statuses. The work is in
// DVCCommandLine's SyncCommand, so that tests and other tools can call it.
import DVCCommandLine
import Foundation

let work = Task {
    await SyncCommand.run(Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment,
                          output: .standardOutput, errors: .standardError)
}
let termination = Termination { work.cancel() }
let status = await work.value
withExtendedLifetime(termination) {}
exit(status)
