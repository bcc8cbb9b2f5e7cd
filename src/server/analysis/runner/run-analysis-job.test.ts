import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AppError } from "~/server/errors";
import { cohortOf, specOf } from "../disclosure/test-cohort";
import { evaluateAnalysis } from "../evaluate/run";
import { runAnalysisJob, stopAnalysisJobs } from "./run-analysis-job";
import {
  columns,
  countSpec,
  GENEROUS,
  kit,
  probe,
  rows,
  seed,
  setLimits,
  setUpRunnerKit,
  UNTIL_DONE,
} from "./runner-test-kit";
import { randomFromSeed } from "./seeded-stream";
import { spareRunnerPid } from "./spare-runner";

/**
 * The parent's side: limits, clear errors, the queue, shutdown, and that the child's released
 * result is exactly the in-process one for the same seed.
 */
setUpRunnerKit();

describe("a runaway, crashed or lying child", () => {
  it("an analysis that never ends is killed at the time limit, and no process is left", async () => {
    setLimits({ timeoutMs: 1_500, maxRssMb: 1024 });
    try {
      const { error, pid } = await probe("loop");
      expect(error.message).toBe(
        "The analysis was stopped: it ran longer than 1.5 s. Nothing was charged; try fewer variables or levels",
      );
      expect(existsSync(`/proc/${pid}`)).toBe(false);
    } finally {
      setLimits(GENEROUS);
    }
  });

  it("memory outside the V8 heap is stopped by the RSS watchdog; a heap runaway by the heap limit", async () => {
    setLimits({ timeoutMs: 120_000, maxRssMb: 256 });
    try {
      for (const name of ["allocate", "heap"]) {
        const { error, pid } = await probe(name);
        expect(error.message).toBe(
          "The analysis was stopped: it used more than 256 MB. Nothing was charged; try fewer variables or levels",
        );
        expect(existsSync(`/proc/${pid}`)).toBe(false);
      }
    } finally {
      setLimits(GENEROUS);
    }
  });

  it("a huge input is stopped with the memory error", async () => {
    setLimits({ timeoutMs: 120_000, maxRssMb: 128 });
    try {
      const n = 6_000_000;
      const huge = {
        listingOf: Uint32Array.from({ length: n }, (_, i) => i),
        keep: new Uint8Array(n).fill(1),
        numeric: new Map(),
        categorical: new Map([
          ["sex", new Uint8Array(n)],
          ["site", new Uint8Array(n)],
        ]),
      };
      await expect(
        runAnalysisJob({ spec: countSpec, columns: huge, threshold: 10 }),
      ).rejects.toThrow("The analysis was stopped: it used more than 128 MB");
    } finally {
      setLimits(GENEROUS);
    }
  });

  it("a malformed answer, or one smuggling exact counts, is refused", async () => {
    for (const name of ["garbage", "smuggle"]) {
      const { error } = await probe(name);
      expect(error.message).toBe(
        "The analysis failed: the engine's answer was malformed. Nothing was charged",
      );
    }
  });

  it("a child that exits without answering is an error naming its exit code", async () => {
    const { error } = await probe("exit");
    expect(error.message).toBe(
      "The analysis failed: the engine ended (exit code 3) without an answer. Nothing was charged",
    );
  });
});

describe("the queue and shutdown", () => {
  it("one analysis runs at a time, four wait, the sixth is told to come back; the rest complete", async () => {
    const jobs = Array.from({ length: 5 }, (_, i) =>
      runAnalysisJob({ spec: countSpec, columns, threshold: 10, seed: seed(i) }),
    );
    const sixth = runAnalysisJob({ spec: countSpec, columns, threshold: 10 });
    await expect(sixth).rejects.toThrow(
      new AppError("RATE_LIMITED", "Too many analyses are waiting to run; try again in a minute"),
    );
    await expect(sixth).rejects.toMatchObject({ code: "RATE_LIMITED" });
    const results = await Promise.all(jobs);
    expect(results.every((r) => r.output.kind === "count")).toBe(true);
  });

  it("stopping (app shutdown) kills a running child: its job fails, no process is left", async () => {
    let pid = 0;
    const job = runAnalysisJob({
      spec: countSpec,
      columns,
      threshold: 10,
      bundlePath: kit.probes,
      probe: { name: "loop" },
      onSpawn: (p) => (pid = p),
    });
    await expect.poll(() => pid, UNTIL_DONE).toBeGreaterThan(0);
    void stopAnalysisJobs();
    await expect(job).rejects.toThrow("the engine ended (SIGKILL) without an answer");
    expect(existsSync(`/proc/${pid}`)).toBe(false);
  });
});

describe("results", () => {
  const specs = [
    countSpec,
    specOf({
      version: 1,
      epsilonCentis: 100,
      query: { kind: "histogram", of: { variable: "age", min: 20, max: 80 }, bins: 6 },
    }),
    specOf({
      version: 1,
      epsilonCentis: 100,
      query: {
        kind: "summary",
        of: { variable: "age", min: 20, max: 80 },
        by: { variable: "sex", levels: ["F", "M"] },
        stats: ["mean", "sd", "median"],
      },
    }),
    specOf({
      version: 1,
      epsilonCentis: 100,
      query: {
        kind: "linear",
        outcome: { variable: "age", min: 20, max: 80 },
        covariates: [{ variable: "sex", levels: ["F", "M"] }],
      },
    }),
    specOf({
      version: 1,
      epsilonCentis: 100,
      query: {
        kind: "logistic",
        outcome: { variable: "sex", levels: ["F", "M"] },
        covariates: [{ variable: "age", min: 20, max: 80 }],
      },
    }),
  ];

  it("the child's released result equals the in-process evaluation for the same seed, every kind", async () => {
    for (const spec of specs) {
      const cohort = cohortOf(rows, spec);
      const fromChild = await runAnalysisJob({
        spec,
        columns: cohort,
        threshold: 10,
        seed: seed(7),
      });
      const inProcess = evaluateAnalysis(spec, cohort, {
        threshold: 10,
        rng: randomFromSeed(seed(7)),
      });
      expect(fromChild).toEqual(JSON.parse(JSON.stringify(inProcess)));
      expect(fromChild.disclosure.threshold).toBe(10);
    }
  });

  it("noise is drawn in the child: another seed gives another answer", async () => {
    const [a, b] = [
      await runAnalysisJob({ spec: countSpec, columns, threshold: 10, seed: seed(1) }),
      await runAnalysisJob({ spec: countSpec, columns, threshold: 10, seed: seed(2) }),
    ];
    expect(a.output).not.toEqual(b.output);
  });
});

describe("the child started ahead", () => {
  const isAlive = (pid: number) => existsSync(`/proc/${pid}`);

  it("serves one job, is replaced behind it, and is never reused, killed or stale", async () => {
    await runAnalysisJob({ spec: countSpec, columns, threshold: 10, seed: seed(3) });
    const waiting = spareRunnerPid()!;
    expect(isAlive(waiting)).toBe(true);
    let used = 0;
    await runAnalysisJob({ spec: countSpec, columns, threshold: 10, onSpawn: (p) => (used = p) });
    expect(used).toBe(waiting);
    // One job per process: the child that served it is gone, a new spare waits.
    await expect.poll(() => isAlive(used), UNTIL_DONE).toBe(false);
    const next = spareRunnerPid()!;
    expect(next).not.toBe(waiting);

    // Killed from outside while it waits: forgotten, and the next job runs in a new child.
    process.kill(next, "SIGKILL");
    await expect.poll(() => spareRunnerPid() === next, UNTIL_DONE).toBe(false);
    let fresh = 0;
    const result = await runAnalysisJob({
      spec: countSpec,
      columns,
      threshold: 10,
      onSpawn: (p) => (fresh = p),
    });
    expect(result.output.kind).toBe("count");
    expect(fresh).not.toBe(next);

    // Started for other limits: not used (its heap limit would be wrong), stopped instead.
    const stale = spareRunnerPid()!;
    setLimits({ timeoutMs: 120_000, maxRssMb: 200 });
    try {
      let limited = 0;
      await runAnalysisJob({
        spec: countSpec,
        columns,
        threshold: 10,
        onSpawn: (p) => (limited = p),
      });
      expect(limited).not.toBe(stale);
      await expect.poll(() => isAlive(stale), UNTIL_DONE).toBe(false);
    } finally {
      setLimits(GENEROUS);
    }

    // Shutdown stops the spare too.
    const last = spareRunnerPid()!;
    void stopAnalysisJobs();
    expect(spareRunnerPid()).toBeUndefined();
    await expect.poll(() => isAlive(last), UNTIL_DONE).toBe(false);
  });
});
