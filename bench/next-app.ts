import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { stopApp, waitForHealth } from "../scripts/app-process";
import { isSmoke } from "./cleanup";

/**
 * The production app for benchmarks: `next build` once (skipped with BENCH_SKIP_BUILD=1, and in
 * smoke mode when a build exists: the test suite's browser tests have just made one), then
 * `next start` with the environment given, until /api/health answers.
 */
const root = path.resolve(import.meta.dirname, "..");
const next = path.join(root, "node_modules/next/dist/bin/next");

export function buildApp(env: NodeJS.ProcessEnv): void {
  const isBuilt = existsSync(path.join(root, ".next/BUILD_ID"));
  if (process.env.BENCH_SKIP_BUILD === "1" || (isSmoke && isBuilt)) return;
  execFileSync(process.execPath, [next, "build"], { cwd: root, env, stdio: "ignore" });
}

export async function startApp(env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  const server = spawn(process.execPath, [next, "start", "--port", String(port)], {
    cwd: root,
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    await waitForHealth(`http://localhost:${port}/api/health`, server, 180_000);
  } catch (error) {
    await stopApp(server);
    throw error;
  }
  return server;
}

export { stopApp };

/** Resident memory of a process, in MB (Linux). */
export function residentMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : null;
  } catch {
    return null;
  }
}

/** CPU time a process has used so far, in ms (Linux; null elsewhere). */
export function processCpuMs(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks
    // (100 a second on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}
