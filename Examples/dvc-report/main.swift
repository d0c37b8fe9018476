// dvc-report: the figures agencies are judged by, computed from their dossiers.
//   swift run dvc-report --dossiers dossiers.json --by procedure --from 2026-03-01 --to 2026-03-31
// Run `swift run dvc-report --help` for the options and exit statuses. The work is in
// DVCCommandLine's ReportCommand, so that tests and other tools can call it.
import DVCCommandLine

await CommandMain.run(ReportCommand.run)
