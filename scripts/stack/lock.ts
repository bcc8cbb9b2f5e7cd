import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { isProcessAlive, isProcessRunning } from "~/server/embedded/server-file";

/**
 * One `npm run dev` or `npm start` per data folder: a lock file with our pid and the pids of
 * the processes we start. A second start while the first runs says so and touches nothing. A
 * lock whose owner died without cleaning up (killed) is taken over, and the processes it had
 * started that still run (the chain node, the app) are stopped first, with SIGTERM so the
 * chain writes its state.
 */
export type LockContent = {
  pid: number;
  command: string;
  startedAt: string;
  appUrl?: string;
  /** The local chain's JSON-RPC, for commands that run beside the stack (backup). */
  rpcUrl?: string;
  children: Record<string, { pid: number; marker: string }>;
};

export class StackRunningError extends Error {}

export function readLock(file: string): LockContent | null {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as LockContent;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    // Half-written by a process that died while writing it.
    return { pid: 0, command: "?", startedAt: "?", children: {} };
  }
}

async function stopLeftovers(lock: LockContent, say: (message: string) => void): Promise<void> {
  const alive = Object.entries(lock.children).filter(([, child]) =>
    isProcessRunning(child.pid, child.marker),
  );
  if (alive.length === 0) return;
  say(
    `a previous run (pid ${lock.pid}) ended without stopping ${alive.map(([name]) => name).join(", ")}; stopping them now`,
  );
  for (const [, child] of alive) process.kill(child.pid, "SIGTERM");
  const deadline = Date.now() + 30_000;
  while (alive.some(([, child]) => isProcessAlive(child.pid)) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  for (const [, child] of alive) if (isProcessAlive(child.pid)) process.kill(child.pid, "SIGKILL");
}

export async function acquireStackLock(
  file: string,
  command: string,
  say: (message: string) => void,
) {
  mkdirSync(path.dirname(file), { recursive: true });
  const existing = readLock(file);
  if (existing && existing.pid > 0 && isProcessAlive(existing.pid))
    throw new StackRunningError(
      `TrialShare is already running on this data (${existing.command}, pid ${existing.pid}, since ${existing.startedAt}${existing.appUrl ? `, ${existing.appUrl}` : ""}). Stop it first (Ctrl-C in its terminal, or kill ${existing.pid}); nothing was changed. To run a second copy, give it its own DATA_DIR.`,
    );
  if (existing) {
    await stopLeftovers(existing, say);
    rmSync(file, { force: true });
  }
  let fd: number;
  try {
    fd = openSync(file, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    throw new StackRunningError(
      "Another start on this data began at the same moment; nothing was changed.",
    );
  }
  const content: LockContent = {
    pid: process.pid,
    command,
    startedAt: new Date().toISOString(),
    children: {},
  };
  writeSync(fd, JSON.stringify(content, null, 2));
  closeSync(fd);
  const save = () => writeFileSync(file, JSON.stringify(content, null, 2));
  return {
    setUrls(urls: { appUrl?: string; rpcUrl?: string }) {
      Object.assign(content, urls);
      save();
    },
    recordChild(name: string, pid: number | undefined, marker: string) {
      if (pid) content.children[name] = { pid, marker };
      save();
    },
    release() {
      const current = readLock(file);
      if (current?.pid === process.pid) rmSync(file, { force: true });
    },
  };
}

export type StackLock = Awaited<ReturnType<typeof acquireStackLock>>;

/** The running stack's lock, or null when nothing runs on this data. */
export function readRunningStack(file: string): LockContent | null {
  const lock = readLock(file);
  return lock && lock.pid > 0 && isProcessAlive(lock.pid) ? lock : null;
}
