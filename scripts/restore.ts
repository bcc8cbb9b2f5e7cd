/**
 * `npm run restore -- FOLDER [--to DATA_DIR] [--force]`: brings a backup back into a fresh
 * installation folder (DATA_DIR by default). A folder with data is refused unless --force,
 * which deletes that data first (saying what); a running installation is always refused.
 * Then `DATA_DIR=... npm run dev` (or npm start) starts from the copy; transactions the chain
 * copy lacks are sent again by the app.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { isNonEmptyFolder, readBackup, restoreBackup } from "./stack/backup-data";
import { resetData } from "./stack/data-checks";
import { readRunningStack } from "./stack/lock";
import { loadStackEnv, stackPaths } from "./stack/paths";

const USAGE = "usage: npm run restore -- FOLDER [--to DATA_DIR] [--force]";
const say = (message: string) => console.log(`restore: ${message}`);
const fail = (code: number, message: string): never => {
  console.error(`restore: ${message}`);
  process.exit(code);
};

function parseCommandLine() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { to: { type: "string" }, force: { type: "boolean" } },
    });
  } catch (error) {
    return fail(2, `${(error as Error).message}\n${USAGE}`);
  }
}
const parsed = parseCommandLine();
const [folder] = parsed.positionals;
if (!folder || parsed.positionals.length > 1) fail(2, USAGE);
if (parsed.values.to) {
  // Every path of the target installation follows its DATA_DIR.
  process.env.DATA_DIR = path.resolve(parsed.values.to);
  delete process.env.PGLITE_DIR;
  delete process.env.BLOB_DIR;
}
const env = loadStackEnv(false);
const paths = stackPaths(env);
const manifest = await readBackup(path.resolve(folder!)).catch((error: unknown) =>
  fail(2, (error as Error).message),
);
const running = readRunningStack(paths.lock);
if (running)
  fail(
    2,
    `TrialShare runs on ${paths.dataDir} (pid ${running.pid}); stop it first. Nothing was changed.`,
  );
const hasData = [
  paths.database,
  paths.blobs,
  paths.deployments,
  path.dirname(paths.chainState),
].some(isNonEmptyFolder);
if (hasData && !parsed.values.force)
  fail(
    2,
    `${paths.dataDir} already holds data; restore into a new folder (--to NEW_FOLDER), or add --force to replace it. Nothing was changed.`,
  );
if (hasData) resetData(paths, say);
try {
  await restoreBackup(path.resolve(folder!), manifest, env, paths, say);
} catch (error) {
  fail(1, (error as Error).message);
}
say(`done. Start it with: DATA_DIR=${paths.dataDir} npm run dev   (or npm start)`);
