// dvc-sync-postgres: dvc-sync with the outbox in PostgreSQL, so several of it may run at once —
// on one machine or many — against one database and one portal:
//   DVC_PORTAL_PASSWORD=… swift run --package-path Integrations/Postgres dvc-sync-postgres \
//       --database 'host=/run/postgresql dbname=motcua' --portal https://lgsp.example.gov.vn \
//       --agency 000.00.00.H20 --username motcua dossiers.json
// Every option of `dvc-sync`, with `--database CONNINFO` instead of `--journal DIR` (and
// `--schema NAME`, default `dvc`, through the DVC_POSTGRES_SCHEMA environment variable).
import DVCCommandLine
import DVCPostgres

await CommandMain.run { words, environment, output, errors in
    let schema = environment["DVC_POSTGRES_SCHEMA"] ?? "dvc"
    let storage = SyncCommand.Storage(option: "--database", placeholder: "CONNINFO", tool: "dvc-sync-postgres", open: { conninfo in
        try PostgresOutbox(connection: conninfo, schema: schema)
    }, close: { await ($0 as? PostgresOutbox)?.close() })
    return await SyncCommand.sync(words, storage: storage, environment: environment, output: output, errors: errors)
}
