// dvc-reconcile: looks every dossier of an export up on the portal and reports what it is missing.
//   DVC_PORTAL_PASSWORD=… swift run dvc-reconcile --portal https://lgsp.example.gov.vn --agency 000.00.00.H20 \
//       --username motcua export.json
// Run `swift run dvc-reconcile --help` for the options. The work is in DVCCommandLine's ReconcileCommand.
import DVCCommandLine

await CommandMain.run(ReconcileCommand.run)
