import "server-only";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * One analysis child, started under the isolation flags (run-analysis-job.ts), waiting on its
 * stdin for its one job. Starting Node and evaluating the runner's bundle takes most of a
 * second, longer than a 50,000-record analysis itself (bench:analysis), so one spare is kept
 * started ahead for the default bundle: a job takes it, and the next spare starts when the
 * job's child has ended.
 * Each child still serves exactly one job; a spare holds no data until it is taken.
 */
export type Runner = { child: ChildProcess; cwd: string };

type Spare = Runner & { key: string };

let spare: Spare | undefined;
let exitHookInstalled = false;
/** Set at shutdown: jobs ending after it start no spare. */
let isStopped = false;

function flagsFor(bundle: string, heapMb: number): string[] {
  return [
    "--permission",
    `--allow-fs-read=${bundle}`,
    "--disallow-code-generation-from-strings",
    `--max-old-space-size=${heapMb}`,
    "--max-semi-space-size=16",
    bundle,
  ];
}

function start(bundle: string, heapMb: number): Runner {
  const cwd = mkdtempSync(path.join(tmpdir(), "trialshare-analysis-"));
  // Nothing from the parent's environment: no key, no database URL, no NODE_OPTIONS.
  const child = spawn(process.execPath, flagsFor(bundle, heapMb), {
    env: {} as NodeJS.ProcessEnv,
    cwd,
    stdio: ["pipe", "pipe", "pipe"],
  });
  return { child, cwd };
}

/** A spare must not keep the app (or a test run) alive while it waits. */
function setHeld(runner: Runner, isHeld: boolean) {
  const handles = [runner.child, runner.child.stdin, runner.child.stdout, runner.child.stderr];
  for (const handle of handles) {
    const target = handle as { ref?: () => void; unref?: () => void } | null;
    if (isHeld) target?.ref?.();
    else target?.unref?.();
  }
}

/** The bundle and limits a spare was started for; a rebuilt bundle changes its mtime. */
function keyOf(bundle: string, heapMb: number) {
  return `${bundle}|${statSync(bundle).mtimeMs}|${heapMb}`;
}

/** Kills a child that will serve no job; resolves once it has exited. */
export function discardRunner(runner: Runner): Promise<void> {
  const { child } = runner;
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGKILL");
  rmSync(runner.cwd, { recursive: true, force: true });
  return exited;
}

/** Kills the waiting spare (shutdown, tests); no spare is started after it. */
export function stopSpareRunner(options: { forGood?: boolean } = {}): Promise<void> {
  if (options.forGood) isStopped = true;
  const waiting = spare;
  spare = undefined;
  return waiting ? discardRunner(waiting) : Promise.resolve();
}

/**
 * A child for one job: the spare when it was started for this bundle and these limits and is
 * still alive, otherwise a new one. `useSpare: false` (tests' probe builds) always starts a new
 * child and leaves the spare alone.
 */
export function takeRunner(bundlePath: string, heapMb: number, useSpare: boolean): Runner {
  const bundle = realpathSync(bundlePath);
  if (!useSpare) return start(bundle, heapMb);
  let runner: Runner | undefined;
  if (spare) {
    const waiting = spare;
    spare = undefined;
    const isAlive = waiting.child.exitCode === null && waiting.child.signalCode === null;
    if (waiting.key === keyOf(bundle, heapMb) && isAlive) runner = waiting;
    else void discardRunner(waiting);
  }
  runner ??= start(bundle, heapMb);
  setHeld(runner, true);
  return runner;
}

/**
 * Starts the next spare, once a job's child has ended: started at once, its start-up would take
 * CPU from the job it follows.
 */
export function startSpareRunner(bundlePath: string, heapMb: number) {
  if (spare || isStopped) return;
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => void stopSpareRunner({ forGood: true }));
  }
  let bundle: string;
  let key: string;
  try {
    bundle = realpathSync(bundlePath);
    key = keyOf(bundle, heapMb);
  } catch {
    return; // the bundle is being rebuilt: the next job starts its own child
  }
  const next = start(bundle, heapMb);
  setHeld(next, false);
  const forget = () => {
    if (spare?.child !== next.child) return;
    spare = undefined;
    rmSync(next.cwd, { recursive: true, force: true });
  };
  // A spare that dies while waiting (killed from outside) or could not start is forgotten; the
  // next job starts its own child.
  next.child.stdin?.on("error", () => undefined);
  next.child.on("error", () => {
    forget();
    next.child.kill("SIGKILL");
  });
  next.child.once("exit", forget);
  spare = { ...next, key };
}

/** Tests: the waiting spare's process id. */
export const spareRunnerPid = () => spare?.child.pid;
