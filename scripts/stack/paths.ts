import path from "node:path";
import nextEnv from "@next/env";
import { parseEnv, type Env } from "~/env";

/**
 * Where one installation's data lives (DATA_DIR, see src/env.ts): the database, the local
 * chain's state, the blobs and the local chain's deployment. Read with Next's own .env loading,
 * so a DATA_DIR in .env.local counts here exactly as it does in the app.
 */
export type StackPaths = {
  dataDir: string;
  database: string;
  blobs: string;
  chainState: string;
  /** The last state file that opened cleanly, kept when a start begins. */
  chainStatePrevious: string;
  deployments: string;
  lock: string;
};

export function loadStackEnv(isDev: boolean): Env {
  // CommonJS without named exports that Node can see.
  nextEnv.loadEnvConfig(path.resolve(import.meta.dirname, "../.."), isDev, {
    info: () => {},
    error: console.error,
  });
  // Secrets are the app's business (and checked there); only the paths are needed here.
  return parseEnv({ ...process.env, NODE_ENV: "development" });
}

export function stackPaths(env: Env): StackPaths {
  const dataDir = path.resolve(env.DATA_DIR);
  return {
    dataDir,
    database: path.resolve(env.PGLITE_DIR),
    blobs: path.resolve(env.BLOB_DIR),
    chainState: path.join(dataDir, "chain", "state.json"),
    chainStatePrevious: path.join(dataDir, "chain", "state.previous.json"),
    deployments: path.join(dataDir, "deployments"),
    lock: path.join(dataDir, "stack.lock.json"),
  };
}
