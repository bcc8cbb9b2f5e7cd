import "server-only";
import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { readServerFile, serverFilePath, type TServerInfo } from "./server-file";
import { startWireServer, type WireServer } from "./wire-server";

/**
 * The embedded database as a process of its own (started by scripts/db-server.ts): PGlite on
 * its data folder, served over the PostgreSQL protocol on 127.0.0.1, so the app, its workers
 * and command-line tools all reach it as they would reach PostgreSQL, and queries run off the
 * app's event loop. A control port (token in the server file) makes consistent copies for
 * backups. SIGTERM, SIGINT, or the end of stdin when started with exitWithParent, close
 * PGlite cleanly; after a SIGKILL the next start recovers from PostgreSQL's write-ahead log.
 */
export type DatabaseServerOptions = {
  /** The data folder, or "memory://" for a throw-away database. */
  dataDir: string;
  port?: number;
  /** Stop when stdin ends: the process that started us is gone. */
  exitWithParent?: boolean;
  /** A copy made by the control port's /dump: a new (empty) folder starts from it. */
  fromDump?: string;
};

function log(message: string): void {
  process.stderr.write(`[db-server] ${message}\n`);
}

class AlreadyServedError extends Error {}

/** Takes the data folder's lock (the server file); a stale one left by a crash is taken over. */
function lockDataDir(dataDir: string): { preferredPort: number } {
  mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
  const file = serverFilePath(dataDir);
  const existing = readServerFile(dataDir);
  if (existing?.isRunning)
    throw new AlreadyServedError(
      `${dataDir} is already served by process ${existing.pid} on port ${existing.port}.`,
    );
  if (existing) {
    log(`taking over from process ${existing.pid}, which ended without closing the database`);
    rmSync(file, { force: true });
  }
  let fd: number;
  try {
    fd = openSync(file, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    throw new AlreadyServedError(`another database server is starting on ${dataDir}.`);
  }
  writeSync(fd, JSON.stringify({ pid: process.pid }));
  closeSync(fd);
  // Clients of a crashed server keep its address: come back on the same port if free.
  return { preferredPort: existing?.port ?? 0 };
}

async function listenWire(db: PGlite, ports: number[]): Promise<WireServer> {
  for (const [index, port] of ports.entries()) {
    try {
      return await startWireServer(db, { port });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || index === ports.length - 1)
        throw error;
      log(`port ${port} is taken; using another`);
    }
  }
  throw new Error("no port");
}

export async function runDatabaseServer(options: DatabaseServerOptions): Promise<void> {
  const isMemory = options.dataDir.startsWith("memory://");
  let preferredPort = options.port ?? 0;
  if (!isMemory) {
    try {
      const lock = lockDataDir(options.dataDir);
      if (!preferredPort) preferredPort = lock.preferredPort;
    } catch (error) {
      log((error as Error).message);
      process.exit(error instanceof AlreadyServedError ? 3 : 1);
    }
  }
  const releaseLock = () => {
    if (!isMemory) rmSync(serverFilePath(options.dataDir), { force: true });
  };

  let db: PGlite;
  try {
    const isEmpty =
      isMemory || !existsSync(options.dataDir) || readdirSync(options.dataDir).length === 0;
    if (options.fromDump && !isEmpty)
      throw new Error(`${options.dataDir} is not empty; a copy is loaded only into a new folder.`);
    db = await PGlite.create(isMemory ? options.dataDir : path.resolve(options.dataDir), {
      // Loading a copy skips initdb, the slowest part of creating a database.
      loadDataDir: options.fromDump ? new Blob([readFileSync(options.fromDump)]) : undefined,
    });
  } catch (error) {
    releaseLock();
    log(`cannot open the database in ${options.dataDir}: ${(error as Error).message}`);
    process.exit(1);
  }
  const wire = await listenWire(db, preferredPort ? [preferredPort, 0] : [0]);
  const token = randomBytes(24).toString("hex");

  const control = http.createServer((request, response) => {
    if (request.headers.authorization !== `Bearer ${token}`) {
      response.writeHead(401).end();
      return;
    }
    if (request.method === "GET" && request.url === "/status") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ pid: process.pid, connections: wire.connections() }));
      return;
    }
    if (request.method === "POST" && request.url === "/dump") {
      // Between two transactions, after a checkpoint: a copy PGlite opens without recovery.
      wire
        .whenIdle(async () => {
          await db.exec("CHECKPOINT");
          return db.dumpDataDir("gzip");
        })
        .then(async (dump) => {
          response.writeHead(200, { "content-type": "application/gzip" });
          response.end(Buffer.from(await dump.arrayBuffer()));
        })
        .catch((error: unknown) => {
          response.writeHead(500).end(String(error));
        });
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));

  const info: TServerInfo = {
    pid: process.pid,
    port: wire.port,
    controlPort: (control.address() as AddressInfo).port,
    token,
    dataDir: isMemory ? options.dataDir : path.resolve(options.dataDir),
    startedAt: new Date().toISOString(),
  };
  if (!isMemory) writeFileSync(serverFilePath(options.dataDir), JSON.stringify(info, null, 2));

  let isStopping = false;
  const stop = async (reason: string) => {
    if (isStopping) return;
    isStopping = true;
    // A signal is the ordinary way to stop; only an owner that vanished is worth a line.
    if (reason === "parent ended") log("stopping: the process that started it has ended");
    control.close();
    try {
      await wire.close();
      await db.close();
    } catch (error) {
      log(`close failed: ${(error as Error).message}`);
    }
    releaseLock();
    process.exit(0);
  };
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const)
    process.on(signal, () => void stop(signal));
  if (options.exitWithParent) {
    process.stdin.on("end", () => void stop("parent ended"));
    process.stdin.on("close", () => void stop("parent ended"));
    process.stdin.resume();
  }
  // The one line on stdout: whoever started us waits for it.
  process.stdout.write(`${JSON.stringify({ ready: true, ...info })}\n`);
}
