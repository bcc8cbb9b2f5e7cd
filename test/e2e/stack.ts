import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { waitForHealth } from "../../scripts/app-process";
import { freePort } from "../../scripts/free-port";
import { readLock, type LockContent } from "../../scripts/stack/lock";

/**
 * A whole installation run the way a site runs it: `npm start` (the production build of the
 * e2e global setup) on a data folder of its own, with its embedded database, its persistent
 * local chain and its supervisor. Used by the crash and backup tests.
 */
const root = path.resolve(import.meta.dirname, "../..");
export const STACK_SECRET = "stack-test-secret-that-is-at-least-thirty-two-characters";
export const STACK_MASTER_KEY = "22".repeat(32);

export type Stack = Awaited<ReturnType<typeof startStack>>;

export async function startStack(options: {
  dataDir: string;
  env?: Record<string, string>;
  log: string;
}) {
  const port = await freePort();
  const chainPort = await freePort();
  const appUrl = `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: options.dataDir,
    PORT: String(port),
    CHAIN_PORT: String(chainPort),
    APP_URL: appUrl,
    NEXTAUTH_URL: appUrl,
    NEXTAUTH_SECRET: STACK_SECRET,
    MASTER_KEY: STACK_MASTER_KEY,
    SEED_DEMO: "true",
    OUTBOX_POLL_MS: "200",
    INDEXER_POLL_MS: "200",
    LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
    ...options.env,
  };
  for (const name of ["PGLITE_DIR", "BLOB_DIR", "DATABASE_URL", "CHAIN_RPC_URL", "DEPLOYMENTS_DIR"])
    if (!options.env?.[name]) delete env[name];
  const log = createWriteStream(options.log, { flags: "a" });
  const child: ChildProcess = spawn("npm", ["start", "--silent"], {
    cwd: root,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Started, seeded and healthy: minutes on a busy machine.
  await waitForHealth(`${appUrl}/api/health`, child, 20 * 60_000);
  const lock = () => readLock(path.join(options.dataDir, "stack.lock.json")) as LockContent;
  return {
    appUrl,
    rpcUrl: `http://127.0.0.1:${chainPort}`,
    dataDir: options.dataDir,
    env,
    lock,
    /** Kills one of the stack's processes (and what it started) the hard way. */
    kill(name: "app" | "chain" | "database") {
      const { pid } = lock().children[name]!;
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        process.kill(pid, "SIGKILL");
      }
      return pid;
    },
    /** Waits until the supervisor runs a new process for `name`, and the app is healthy. */
    async waitForRestart(name: "app" | "chain" | "database", killedPid: number) {
      const deadline = Date.now() + 20 * 60_000;
      while (lock().children[name]?.pid === killedPid) {
        if (Date.now() > deadline) throw new Error(`the ${name} was not started again`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await waitForHealth(`${appUrl}/api/health`, child, 20 * 60_000);
    },
    /** Ctrl-C, as a person stops it: the supervisor stops app, chain and database in turn. */
    async stop() {
      const children = Object.values(
        (() => {
          try {
            return lock().children;
          } catch {
            return {};
          }
        })(),
      );
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGINT");
      await exited;
      // Whatever outlived its supervisor (a test that failed mid-crash) must not keep running.
      for (const entry of children) {
        if (!entry) continue;
        for (const target of [-entry.pid, entry.pid])
          try {
            process.kill(target, "SIGKILL");
          } catch {
            // Already gone, as it should be.
          }
      }
      log.end();
    },
  };
}

type Health = {
  status: string;
  outbox: { pending: number; sent: number; failed: number; unindexed: number };
};

/** Waits until the outbox has sent everything and the app is healthy. */
export async function waitForDrain(appUrl: string): Promise<Health> {
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    const response = await fetch(`${appUrl}/api/health`).catch(() => null);
    const health = response ? ((await response.json()) as Health) : null;
    // Drained means written and read back: a mined write changes the app's rows only once
    // the indexer has read it (a listing is requestable once its anchor is seen).
    const { pending, sent, unindexed } = health?.outbox ?? {};
    if (health?.status === "ok" && pending === 0 && sent === 0 && unindexed === 0) return health;
    if (Date.now() > deadline)
      throw new Error(`the outbox did not drain: ${JSON.stringify(health)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
