/**
 * The embedded database as a process: `tsx scripts/db-server.ts --dir FOLDER [--port N]
 * [--exit-with-parent] [--from-dump FILE.tar.gz]`. Started by `npm run dev`, `npm start`, the app (when nothing serves
 * its folder yet), the tests and the backup command; see src/server/embedded/database-server.ts.
 */
import { parseArgs } from "node:util";
import { runDatabaseServer } from "~/server/embedded/database-server";

const { values } = parseArgs({
  options: {
    dir: { type: "string" },
    port: { type: "string" },
    "exit-with-parent": { type: "boolean" },
    "from-dump": { type: "string" },
  },
});
if (!values.dir) {
  process.stderr.write(
    "usage: tsx scripts/db-server.ts --dir FOLDER [--port N] [--exit-with-parent]\n",
  );
  process.exit(2);
}
await runDatabaseServer({
  dataDir: values.dir,
  port: values.port ? Number(values.port) : undefined,
  exitWithParent: values["exit-with-parent"],
  fromDump: values["from-dump"],
});
