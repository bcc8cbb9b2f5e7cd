import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Every `bench:*` script in package.json, found there (a new benchmark is covered without
 * touching this file), run in smoke mode: with BENCH_SMOKE=1 it must start, do a little of its
 * real work, print one JSON object as its last line, exit 0, and leave nothing running.
 */
const root = path.resolve(import.meta.dirname, "../..");
const scripts = Object.keys(
  (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: object })
    .scripts,
).filter((name) => name.startsWith("bench:"));
const TIMEOUT_MS = 8 * 60_000;

type Run = { code: number | null; stdout: string; stderr: string; isTimedOut: boolean };

function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs the script in a process group of its own, so whatever it leaves behind can be found. */
function runSmoke(script: string): Promise<Run & { pgid: number }> {
  return new Promise((resolve) => {
    // As from a shell: none of vitest's own variables (NODE_ENV=test among them).
    const env = Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) => !name.startsWith("VITEST") && !["NODE_ENV", "BASE_URL", "TEST"].includes(name),
      ),
    );
    const child = spawn("npm", ["run", "--silent", script], {
      cwd: root,
      env: { ...env, BENCH_SMOKE: "1" } as unknown as NodeJS.ProcessEnv,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    let isTimedOut = false;
    // Too slow for a smoke run: ask it to stop what it started, then make sure.
    const timer = setTimeout(() => {
      isTimedOut = true;
      process.kill(-child.pid!, "SIGTERM");
      setTimeout(() => isGroupAlive(child.pid!) && process.kill(-child.pid!, "SIGKILL"), 20_000);
    }, TIMEOUT_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, isTimedOut, pgid: child.pid! });
    });
  });
}

const tail = (text: string) => text.trim().split("\n").slice(-15).join("\n");

describe("benchmarks in smoke mode", () => {
  it("finds the benchmarks in package.json", () => {
    expect(scripts).toEqual(expect.arrayContaining(["bench:api", "bench:cohort"]));
  });

  it.each(scripts)(
    "%s starts, works a little, prints its JSON line, exits 0 and stops what it started",
    async (script) => {
      const run = await runSmoke(script);
      const context = `${script} (BENCH_SMOKE=1)\n--- stdout ---\n${tail(run.stdout)}\n--- stderr ---\n${tail(run.stderr)}`;
      if (run.isTimedOut)
        expect.fail(
          `${script} did not finish its smoke run in ${TIMEOUT_MS / 60_000} min: ${context}`,
        );
      expect(run.code, `${script} exited with ${run.code}: ${context}`).toBe(0);
      const last = run.stdout.trim().split("\n").at(-1) ?? "";
      let parsed: unknown;
      try {
        parsed = JSON.parse(last);
      } catch {
        expect.fail(`${script}'s last line is not JSON: ${JSON.stringify(last)}\n${context}`);
      }
      expect(parsed, `${script}'s last line is not a JSON object`).toBeTypeOf("object");
      // Anything still in its process group (a node, a server) outlived the benchmark.
      await expect
        .poll(() => isGroupAlive(run.pgid), {
          timeout: 15_000,
          message: `${script} left processes running`,
        })
        .toBe(false);
    },
    TIMEOUT_MS + 60_000,
  );
});
