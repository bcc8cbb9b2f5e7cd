import "server-only";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { getEnv } from "~/env";
import { AppError } from "~/server/errors";
import { logger } from "~/server/logger";
import { isCategorical, specVariables, type TAnalysisSpec } from "~/shared/analysis-spec";
import type { CohortColumns } from "../evaluate/columns";
import type { AnalysisResult } from "../evaluate/run";
import { ZJobAnswerSchema } from "./job-answer";
import { encodeJobRequest, FrameReader } from "./job-message";
import { JobQueue } from "./job-queue";
import { SEED_BYTES } from "./seeded-stream";
import { startSpareRunner, stopSpareRunner, takeRunner } from "./spare-runner";

/**
 * The parent's side of the isolated engine (docs/compute-to-data.md §2): one child Node process
 * per analysis, under the permission model (it may read its own bundle and nothing else, write
 * nothing, start nothing), with no environment (no MASTER_KEY, no DATABASE_URL), an empty
 * working folder, a heap limit, an RSS watchdog and a timer. Its only input is the cohort's
 * columns; its only output the released result. Any other ending is a clear AppError: the
 * caller then records the job as failed and charges nothing. The child is started ahead of its
 * job (spare-runner.ts), with the same flags.
 */
export const ANALYSIS_RUNNER_BUNDLE = path.join(
  process.cwd(),
  "src/server/generated/analysis-runner.mjs",
);

const MAX_WAITING = 4;
const WATCH_INTERVAL_MS = 50;
/** The released output of the largest spec (1,000 cells) is far below this. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

export type RunAnalysisJobInput = {
  spec: TAnalysisSpec;
  columns: CohortColumns;
  threshold: number;
  /** The job's 32-byte randomness; drawn from the CSPRNG when not given. */
  seed?: Uint8Array;
  /** Tests only: another build of the runner (the probes build) and an attack for it to try. */
  bundlePath?: string;
  probe?: { name: string; argument?: string };
  /** Tests only: told the child's pid as soon as it starts. */
  onSpawn?: (pid: number) => void;
};

let queue: JobQueue | undefined;
const children = new Set<ChildProcess>();

export function runAnalysisJob(input: RunAnalysisJobInput): Promise<AnalysisResult> {
  queue ??= new JobQueue(getEnv().ANALYSIS_CONCURRENCY, MAX_WAITING);
  return queue.run(() => runInChild(input));
}

/**
 * Kills every running analysis child and the spare (on exit, below); resolves once the spare
 * has exited (a benchmark waits for it: nothing it started may outlive it).
 */
export function stopAnalysisJobs(options: { forGood?: boolean } = {}): Promise<void> {
  for (const child of children) child.kill("SIGKILL");
  return stopSpareRunner(options);
}

/** How many children are alive right now (tests assert none is left behind). */
export const runningAnalysisChildren = () => children.size;

let exitHookInstalled = false;

type Ending = "timeout" | "memory" | undefined;

async function runInChild(input: RunAnalysisJobInput): Promise<AnalysisResult> {
  const env = getEnv();
  const bundle = input.bundlePath ?? ANALYSIS_RUNNER_BUNDLE;
  if (!existsSync(bundle))
    throw new AppError("UNAVAILABLE", "The analysis engine is not built; run `npm run codegen`");
  const message = encodeJobRequest({
    spec: input.spec,
    columns: onlyNamedColumns(input.spec, input.columns),
    threshold: input.threshold,
    seed: input.seed ?? randomBytes(SEED_BYTES),
    ...(input.probe ? { probe: input.probe } : {}),
  });
  const maxRssMb = env.ANALYSIS_MAX_RSS_MB;
  // The V8 heap stops well below the RSS limit, so an ordinary runaway ends as a heap error;
  // the watchdog catches memory outside the heap (ArrayBuffers, WebAssembly).
  const heapMb = Math.max(32, Math.min(256, Math.floor(maxRssMb / 2)));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => void stopAnalysisJobs({ forGood: true }));
  }
  const useSpare = input.bundlePath === undefined;
  const runner = takeRunner(bundle, heapMb, useSpare);
  const { child } = runner;
  try {
    children.add(child);
    if (child.pid !== undefined) input.onSpawn?.(child.pid);
    return await superviseChild(child, message, { timeoutMs: env.ANALYSIS_TIMEOUT_MS, maxRssMb });
  } finally {
    await rm(runner.cwd, { recursive: true, force: true });
    if (useSpare) startSpareRunner(bundle, heapMb);
  }
}

/** The child gets the columns the spec names and no other, whatever the caller holds. */
function onlyNamedColumns(spec: TAnalysisSpec, columns: CohortColumns): CohortColumns {
  const numeric = new Map<string, Float64Array>();
  const categorical = new Map<string, Uint8Array>();
  for (const v of specVariables(spec)) {
    const column = isCategorical(v)
      ? columns.categorical.get(v.variable)
      : columns.numeric.get(v.variable);
    if (!column) throw new AppError("BAD_INPUT", `This cohort has no variable '${v.variable}'`);
    if (isCategorical(v)) categorical.set(v.variable, column as Uint8Array);
    else numeric.set(v.variable, column as Float64Array);
  }
  return { listingOf: columns.listingOf, keep: columns.keep, numeric, categorical };
}

function superviseChild(
  child: ChildProcess,
  message: Uint8Array,
  limits: { timeoutMs: number; maxRssMb: number },
): Promise<AnalysisResult> {
  return new Promise((resolve, reject) => {
    let ending: Ending;
    let answer: Uint8Array | undefined;
    let answerError: string | undefined;
    let stderr = "";
    const stop = (why: Ending) => {
      ending ??= why;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(() => stop("timeout"), limits.timeoutMs);
    const watchdog = setInterval(() => {
      if (child.pid === undefined) return;
      readRssMb(child.pid).then(
        (rss) => {
          if (rss !== undefined && rss > limits.maxRssMb) stop("memory");
        },
        () => undefined, // the process has just ended: its exit is handled below
      );
    }, WATCH_INTERVAL_MS);

    const reader = new FrameReader(MAX_ANSWER_BYTES);
    child.stdout!.on("data", (chunk: Buffer) => {
      if (answer || answerError) return;
      try {
        answer = reader.push(chunk);
      } catch (error) {
        answerError = (error as Error).message;
        stop(undefined);
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-4096);
    });
    // A child that dies before reading its input breaks the pipe: its exit says why.
    child.stdin!.on("error", () => undefined);
    child.stdin!.end(message);

    child.once("error", (error) => {
      answerError ??= error.message;
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      clearInterval(watchdog);
      children.delete(child);
      try {
        resolve(readAnswer({ ending, answer, answerError, code, signal, stderr, limits }));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

function readAnswer(end: {
  ending: Ending;
  answer: Uint8Array | undefined;
  answerError: string | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  limits: { timeoutMs: number; maxRssMb: number };
}): AnalysisResult {
  const { limits } = end;
  if (end.ending === "timeout")
    throw new AppError(
      "BAD_INPUT",
      `The analysis was stopped: it ran longer than ${seconds(limits.timeoutMs)} s. Nothing was charged; try fewer variables or levels`,
    );
  if (end.ending === "memory" || /heap out of memory|Allocation failed/i.test(end.stderr))
    throw new AppError(
      "BAD_INPUT",
      `The analysis was stopped: it used more than ${limits.maxRssMb} MB. Nothing was charged; try fewer variables or levels`,
    );
  if (!end.answer) {
    logger.warn("analysis child ended without an answer", {
      code: end.code,
      signal: end.signal,
      problem: end.answerError,
    });
    throw new AppError(
      "BAD_INPUT",
      end.answerError
        ? "The analysis failed: the engine's answer was malformed. Nothing was charged"
        : `The analysis failed: the engine ended (${end.signal ?? `exit code ${end.code}`}) without an answer. Nothing was charged`,
      { cause: end.answerError },
    );
  }
  let parsed;
  try {
    parsed = ZJobAnswerSchema.parse(JSON.parse(new TextDecoder().decode(end.answer)));
  } catch (error) {
    throw new AppError(
      "BAD_INPUT",
      "The analysis failed: the engine's answer was malformed. Nothing was charged",
      { cause: error },
    );
  }
  if (!parsed.ok)
    // The child's words stay in `cause` (logs, tests): the researcher's message is ours.
    throw new AppError("BAD_INPUT", "The analysis failed inside the engine. Nothing was charged", {
      cause: parsed.error,
    });
  return parsed.result;
}

const seconds = (ms: number) => Number((ms / 1000).toFixed(1)).toString();

async function readRssMb(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) / 1024 : undefined;
}
