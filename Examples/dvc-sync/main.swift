// dvc-sync: loads DongBoHoSoMC files into a durable journal and syncs them to the portal.
//   DVC_PORTAL_PASSWORD=… swift run dvc-sync --portal https://lgsp.example.gov.vn --agency 000.00.00.H20 \
//       --username motcua --journal /var/lib/dvc-sync dossiers.json
// Run `swift run dvc-sync --help` for the subcommands, options and exit statuses. The work is in
// DVCCommandLine's SyncCommand, so that tests and other tools can call it.
import DVCCommandLine

await CommandMain.run(SyncCommand.run)
