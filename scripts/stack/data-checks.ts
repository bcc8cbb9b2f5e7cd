import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { serverFilePath } from "~/server/embedded/server-file";
import type { StackPaths } from "./paths";

/**
 * Before anything starts: the database and the local chain belong together (the database
 * indexes that chain, its outbox holds transactions for it). A start goes on only when both
 * are there, or neither is (a fresh installation). Anything else stops with what is wrong and
 * the ways out; nothing is ever deleted here.
 */
export class DataProblemError extends Error {}

const LOCAL_CHAIN_ID = 31337;

function hasFiles(folder: string): boolean {
  return existsSync(folder) && readdirSync(folder).length > 0;
}

function describeSize(target: string): string {
  let bytes = 0;
  const walk = (entry: string) => {
    const stat = statSync(entry);
    if (stat.isDirectory()) for (const child of readdirSync(entry)) walk(path.join(entry, child));
    else bytes += stat.size;
  };
  if (existsSync(target)) walk(target);
  return bytes > 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(bytes / 1e3)} kB`;
}

function waysOut(paths: StackPaths, command: string): string {
  const previous = existsSync(paths.chainStatePrevious)
    ? `\n  - go back to the chain state kept at the last start (${statSync(paths.chainStatePrevious).mtime.toISOString()}):\n      cp ${paths.chainStatePrevious} ${paths.chainState}\n    then ${command} again; the app re-sends the transactions the chain lost.`
    : "";
  return `Nothing was changed. Ways out:
  - restore a backup into a new folder:  npm run restore -- BACKUP_DIR --to NEW_DATA_DIR
    (then DATA_DIR=NEW_DATA_DIR ${command})${previous}
  - start from scratch, deleting all data in ${paths.dataDir}:
      ${command} -- --reset`;
}

function readChainState(file: string): string | null {
  try {
    const state = JSON.parse(readFileSync(file, "utf8")) as { best_block_number?: unknown };
    if (typeof state !== "object" || state === null || !("best_block_number" in state))
      return "it is not an Anvil state file";
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Whether this is a fresh installation (nothing there yet); throws DataProblemError when the
 * data is there but does not fit together.
 */
export function checkLocalData(paths: StackPaths, command: string): { isFresh: boolean } {
  const hasDatabase = hasFiles(paths.database);
  const hasState = existsSync(paths.chainState);
  const hasDeployment = existsSync(path.join(paths.deployments, `${LOCAL_CHAIN_ID}.json`));
  if (!hasDatabase && !hasState && !hasDeployment) return { isFresh: true };
  if (hasState) {
    const problem = readChainState(paths.chainState);
    if (problem)
      throw new DataProblemError(
        `The local chain's state file ${paths.chainState} cannot be read (${problem}).${hasDatabase ? ` The database in ${paths.database} holds data that refers to that chain.` : ""}\n${waysOut(paths, command)}`,
      );
  }
  if (hasDatabase && !hasState)
    throw new DataProblemError(
      `The local chain's state file ${paths.chainState} is missing, but the database in ${paths.database} holds data that refers to that chain.\n${waysOut(paths, command)}`,
    );
  if (!hasDatabase)
    throw new DataProblemError(
      `The database in ${paths.database} is missing or empty, but the local chain (${paths.chainState}) has state that the database indexed.\n${waysOut(paths, command)}`,
    );
  if (!hasDeployment)
    throw new DataProblemError(
      `The record of the contracts on the local chain (${path.join(paths.deployments, `${LOCAL_CHAIN_ID}.json`)}) is missing.\n${waysOut(paths, command)}`,
    );
  // This state opened cleanly: kept, in case the next write of it is cut short by a crash.
  copyFileSync(paths.chainState, paths.chainStatePrevious);
  return { isFresh: false };
}

/** `--reset`: deletes the installation's data, saying what it deletes. */
export function resetData(paths: StackPaths, say: (message: string) => void): void {
  const targets = [
    ["database", paths.database],
    ["database server file", serverFilePath(paths.database)],
    ["local chain state", path.dirname(paths.chainState)],
    ["encrypted files (blobs)", paths.blobs],
    ["local contract addresses", paths.deployments],
  ] as const;
  const present = targets.filter(([, target]) => existsSync(target));
  if (present.length === 0) {
    say(`--reset: nothing to delete in ${paths.dataDir}`);
    return;
  }
  say(`--reset: deleting all data of this installation:`);
  for (const [what, target] of present) {
    say(`  ${what}: ${target} (${describeSize(target)})`);
    rmSync(target, { recursive: true, force: true });
  }
}
