/**
 * `npm run backup -- FOLDER [--force]`: a consistent copy of this installation (DATA_DIR):
 * the embedded database, the local chain's state and contract addresses, and the encrypted
 * blobs, taken while the app runs or not. FOLDER must be new or empty unless --force.
 * Restore with `npm run restore -- FOLDER`. For PostgreSQL, see README (pg_dump).
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { isNonEmptyFolder, writeBackup } from "./stack/backup-data";
import { loadStackEnv, stackPaths } from "./stack/paths";

const USAGE = "usage: npm run backup -- FOLDER [--force]";
const fail = (code: number, message: string): never => {
  console.error(`backup: ${message}`);
  process.exit(code);
};

function parseCommandLine() {
  try {
    return parseArgs({ allowPositionals: true, options: { force: { type: "boolean" } } });
  } catch (error) {
    return fail(2, `${(error as Error).message}\n${USAGE}`);
  }
}
const parsed = parseCommandLine();
const [folder] = parsed.positionals;
if (!folder || parsed.positionals.length > 1) fail(2, USAGE);
const target = path.resolve(folder!);
if (isNonEmptyFolder(target) && !parsed.values.force)
  fail(2, `${target} exists and is not empty; choose a new folder, or add --force to replace it.`);
const env = loadStackEnv(false);
if (env.DATABASE_URL)
  fail(
    2,
    "this installation uses PostgreSQL (DATABASE_URL): back it up with pg_dump, and the chain and blobs as README describes.",
  );
const paths = stackPaths(env);
if (!isNonEmptyFolder(paths.database)) fail(2, `there is no data to copy in ${paths.dataDir}.`);
try {
  const manifest = await writeBackup(env, paths, target, (message) =>
    console.log(`backup: ${message}`),
  );
  console.log(
    `backup: done: ${target} (${manifest.blobs} blobs, chain at block ${manifest.chain?.blockNumber ?? "none"}). Restore: npm run restore -- ${target}`,
  );
} catch (error) {
  fail(1, (error as Error).message);
}
