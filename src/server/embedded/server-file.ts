import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * The embedded database server announces itself in a file beside its data folder
 * (`<folder>.server.json`): its process, its port and the token of its control port. The file
 * is also its lock: PGlite has none, and two processes writing one folder would corrupt it.
 * A file whose process is gone (a crash) is stale and may be taken over.
 */
export const ZServerInfoSchema = z.object({
  pid: z.number().int().positive(),
  port: z.number().int().nonnegative(),
  controlPort: z.number().int().nonnegative(),
  token: z.string(),
  dataDir: z.string(),
  startedAt: z.string(),
});
export type TServerInfo = z.infer<typeof ZServerInfoSchema>;

export function serverFilePath(dataDir: string): string {
  return `${path.resolve(dataDir)}.server.json`;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Alive and still the program that wrote the file (a pid can be reused after a crash). */
export function isProcessRunning(pid: number, marker: string): boolean {
  if (!isProcessAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker);
  } catch {
    // No /proc (macOS): a live pid has to do.
    return true;
  }
}

/** What the file says, whether or not its process still runs; null when there is none. */
export function readServerFile(dataDir: string): (TServerInfo & { isRunning: boolean }) | null {
  let raw: string;
  try {
    raw = readFileSync(serverFilePath(dataDir), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    data = {};
  }
  const parsed = ZServerInfoSchema.safeParse(data);
  if (!parsed.success) {
    // Written but not finished (the server is starting, or died while starting).
    const pid = Number((data as { pid?: unknown }).pid);
    return {
      pid: Number.isInteger(pid) && pid > 0 ? pid : 0,
      port: 0,
      controlPort: 0,
      token: "",
      dataDir,
      startedAt: "",
      isRunning: pid > 0 && isProcessRunning(pid, "db-server"),
    };
  }
  return { ...parsed.data, isRunning: isProcessRunning(parsed.data.pid, "db-server") };
}

export function databaseUrl(port: number): string {
  return `postgresql://postgres@127.0.0.1:${port}/postgres`;
}
