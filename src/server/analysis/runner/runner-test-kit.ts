import "server-only";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { resetEnvCache } from "~/env";
import { AppError } from "~/server/errors";
import { buildAnalysisRunner } from "../../../../scripts/build-analysis-runner.mjs";
import { cohortOf, specOf } from "../disclosure/test-cohort";
import { runAnalysisJob, runningAnalysisChildren } from "./run-analysis-job";

/**
 * Shared by the runner's tests: the probes build (docs/compute-to-data.md §6.1 "Isolation"),
 * a small cohort, and limits. Limits are generous, so a busy machine only makes the tests
 * slower; a test that needs a limit to bite sets a small one and waits for the child's end,
 * never for a time.
 */
export const secret = "s3cret-master-key-never-in-the-child";
export const kit = { folder: "", probes: "" };

/** Call at the top of a test file: builds the probes bundle, checks no child outlives a test. */
export function setUpRunnerKit() {
  beforeAll(async () => {
    kit.folder = await mkdtemp(path.join(tmpdir(), "analysis-runner-"));
    kit.probes = path.join(kit.folder, "probes.mjs");
    await buildAnalysisRunner({ outfile: kit.probes, probes: true });
    await writeFile(path.join(kit.folder, "other-cohort.json"), `{"sentinel":"${secret}"}`);
    process.env.MASTER_KEY_FOR_TEST = secret;
    setLimits(GENEROUS);
  });
  afterAll(async () => {
    delete process.env.MASTER_KEY_FOR_TEST;
    setLimits({});
    await rm(kit.folder, { recursive: true, force: true });
  });
  afterEach(() => {
    expect(runningAnalysisChildren()).toBe(0);
  });
}

export const GENEROUS = { timeoutMs: 120_000, maxRssMb: 1024 };
/** expect.poll gives up after 1 s by default: far too soon on a busy machine. */
export const UNTIL_DONE = { timeout: 300_000 };

export function setLimits(limits: { timeoutMs?: number; maxRssMb?: number }) {
  for (const [name, value] of [
    ["ANALYSIS_TIMEOUT_MS", limits.timeoutMs],
    ["ANALYSIS_MAX_RSS_MB", limits.maxRssMb],
  ] as const)
    if (value === undefined) delete process.env[name];
    else process.env[name] = String(value);
  resetEnvCache();
}

export const rows = Array.from({ length: 600 }, (_, i) => [
  { sex: i % 3 === 0 ? "F" : "M", site: i % 4 === 0 ? "north" : "south", age: 20 + (i % 60) },
]);
export const countSpec = specOf({
  version: 1,
  epsilonCentis: 100,
  query: {
    kind: "count",
    by: [
      { variable: "sex", levels: ["F", "M"] },
      { variable: "site", levels: ["north", "south"] },
    ],
  },
});
export const columns = cohortOf(rows, countSpec);
export const seed = (byte: number) => new Uint8Array(32).fill(byte);

/** Runs a probe inside the child and returns the child's report of it, with the child's pid. */
export async function probe(name: string, argument?: string) {
  let pid = 0;
  const error = await runAnalysisJob({
    spec: countSpec,
    columns,
    threshold: 10,
    bundlePath: kit.probes,
    probe: { name, ...(argument === undefined ? {} : { argument }) },
    onSpawn: (p) => (pid = p),
  }).then(
    () => {
      throw new Error(`probe ${name} produced a result`);
    },
    (e: unknown) => e as AppError,
  );
  expect(error).toBeInstanceOf(AppError);
  expect(pid).toBeGreaterThan(0);
  return { error, report: String(error.cause), pid };
}
