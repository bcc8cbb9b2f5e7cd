import "server-only";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { databaseUrl, readServerFile, type TServerInfo } from "./server-file";

/**
 * Starting and finding the embedded database server (database-server.ts) from other
 * processes: `npm run dev` and `npm start` start it for the data folder, the app and the
 * command-line tools connect to the one that serves it, or start one of their own.
 */
export type EmbeddedDatabase = {
  url: string;
  info: TServerInfo;
  /** Our child when we started it; null when another process serves the folder. */
  process: ChildProcess | null;
  /** Stops the server if we started it (it closes PGlite cleanly). */
  stop(): Promise<void>;
};

// From the working directory, like the migrations: bundled code has no reliable dirname.
const SERVER_SCRIPT = path.resolve(process.cwd(), "scripts/db-server.ts");

export async function startEmbeddedDatabase(options: {
  dataDir: string;
  port?: number;
  /** The server stops when this process ends, even by SIGKILL (its stdin closes). */
  exitWithParent?: boolean;
  /** A copy from the control port's /dump to start a new folder from. */
  fromDump?: string;
  /** Where the server's own log lines go; by default to our stderr. */
  log?: "inherit" | "ignore";
  /** In a process group of its own: a Ctrl-C in the terminal reaches only our process. */
  detached?: boolean;
  timeoutMs?: number;
}): Promise<EmbeddedDatabase> {
  // The react-server condition lets the `server-only` marker load outside Next's bundler.
  const args = [
    "--conditions=react-server",
    "--import",
    "tsx",
    SERVER_SCRIPT,
    "--dir",
    options.dataDir,
  ];
  if (options.port) args.push("--port", String(options.port));
  if (options.fromDump) args.push("--from-dump", options.fromDump);
  if (options.exitWithParent !== false) args.push("--exit-with-parent");
  const child = spawn(process.execPath, args, {
    cwd: process.cwd(),
    stdio: ["pipe", "pipe", options.log === "ignore" ? "ignore" : "inherit"],
    env: { ...process.env, NODE_OPTIONS: "" },
    detached: options.detached,
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal ? null : code)),
  );
  const lines = createInterface({ input: child.stdout });
  const timeoutMs = options.timeoutMs ?? 120_000;
  let timer: NodeJS.Timeout | undefined;
  const ready = await Promise.race([
    new Promise<TServerInfo>((resolve) =>
      lines.once("line", (line) => resolve(JSON.parse(line) as TServerInfo)),
    ),
    exited.then((code) => {
      throw new Error(
        code === 3
          ? `Another database server already serves ${options.dataDir}.`
          : `The embedded database server exited during start-up (code ${code}); see its log above.`,
      );
    }),
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`The embedded database did not start in ${timeoutMs / 1000} s.`)),
        timeoutMs,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  // Anything else it prints goes nowhere, so a full pipe never blocks it.
  child.stdout.resume();
  return {
    url: databaseUrl(ready.port),
    info: ready,
    process: child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const kill = setTimeout(() => child.kill("SIGKILL"), 30_000);
      child.kill("SIGTERM");
      await exited;
      clearTimeout(kill);
    },
  };
}

/** The server that serves `dataDir` now, if one does. */
/** A consistent copy (gzipped tar of the data folder) from a running server's control port. */
export async function dumpEmbeddedDatabase(info: TServerInfo): Promise<Buffer> {
  const response = await fetch(`http://127.0.0.1:${info.controlPort}/dump`, {
    method: "POST",
    headers: { authorization: `Bearer ${info.token}` },
  });
  if (!response.ok)
    throw new Error(
      `The database server refused the copy: ${response.status} ${await response.text()}`,
    );
  return Buffer.from(await response.arrayBuffer());
}

export function findEmbeddedDatabase(dataDir: string): EmbeddedDatabase | null {
  const info = readServerFile(dataDir);
  if (!info?.isRunning || !info.port) return null;
  return { url: databaseUrl(info.port), info, process: null, stop: () => Promise.resolve() };
}

/**
 * The running server of `dataDir`, or a new one owned by this process. A server that is still
 * starting (its file has no port yet) is waited for.
 */
export async function ensureEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const running = findEmbeddedDatabase(dataDir);
    if (running) return running;
    const starting = readServerFile(dataDir);
    if (!starting?.isRunning) {
      try {
        return await startEmbeddedDatabase({ dataDir });
      } catch (error) {
        // Another process started one at the same moment: use that one.
        if (!/already serves/.test((error as Error).message)) throw error;
      }
    }
    if (Date.now() > deadline) throw new Error(`No database server answered for ${dataDir}.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Waits until nothing serves `dataDir` any more, e.g. after stopping an app whose server stops
 * with it: the server closes PGlite and removes its file last, so the folder is then quiet.
 */
export async function waitForEmbeddedDatabaseToStop(
  dataDir: string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (readServerFile(dataDir)?.isRunning) {
    if (Date.now() > deadline) throw new Error(`The database server of ${dataDir} did not stop.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
