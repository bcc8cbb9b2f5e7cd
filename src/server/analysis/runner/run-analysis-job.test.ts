import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "~/env";
import { AppError } from "~/server/errors";
import { buildAnalysisRunner } from "../../../../scripts/build-analysis-runner.mjs";
import { cohortOf, specOf } from "../disclosure/test-cohort";
import { evaluateAnalysis } from "../evaluate/run";
import { runAnalysisJob, runningAnalysisChildren, stopAnalysisJobs } from "./run-analysis-job";
import { randomFromSeed } from "./seeded-stream";

/**
 * The isolated engine, tried as an attacker would from inside the child (the probes build,
 * docs/compute-to-data.md §6.1 "Isolation"). Limits here are generous, so a busy machine only
 * makes these slower; the tests that need a limit to bite set a small one and wait for the
 * child's end, never for a time.
 */
let folder: string;
let probes: string;
const secret = "s3cret-master-key-never-in-the-child";

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), "analysis-isolation-"));
  probes = path.join(folder, "probes.mjs");
  await buildAnalysisRunner({ outfile: probes, probes: true });
  await writeFile(path.join(folder, "other-cohort.json"), `{"sentinel":"${secret}"}`);
  process.env.MASTER_KEY_FOR_TEST = secret;
  setLimits({ timeoutMs: 120_000, maxRssMb: 1024 });
});
afterAll(async () => {
  delete process.env.MASTER_KEY_FOR_TEST;
  setLimits({});
  await rm(folder, { recursive: true, force: true });
});
afterEach(() => {
  expect(runningAnalysisChildren()).toBe(0);
});

function setLimits(limits: { timeoutMs?: number; maxRssMb?: number }) {
  for (const [name, value] of [
    ["ANALYSIS_TIMEOUT_MS", limits.timeoutMs],
    ["ANALYSIS_MAX_RSS_MB", limits.maxRssMb],
  ] as const)
    if (value === undefined) delete process.env[name];
    else process.env[name] = String(value);
  resetEnvCache();
}

const rows = Array.from({ length: 600 }, (_, i) => [
  { sex: i % 3 === 0 ? "F" : "M", site: i % 4 === 0 ? "north" : "south", age: 20 + (i % 60) },
]);
const countSpec = specOf({
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
const columns = cohortOf(rows, countSpec);
const seed = (byte: number) => new Uint8Array(32).fill(byte);

/** Runs a probe and returns the child's report of it, with the child's pid. */
async function probe(name: string, argument?: string) {
  let pid = 0;
  const error = await runAnalysisJob({
    spec: countSpec,
    columns,
    threshold: 10,
    bundlePath: probes,
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

describe("the child cannot reach files, processes or secrets", () => {
  it("reading another file (another cohort, /etc/hostname) is refused by the permission model", async () => {
    for (const file of [path.join(folder, "other-cohort.json"), "/etc/hostname"]) {
      const { error, report } = await probe("read-file", file);
      expect(report).toBe("probe read-file: refused ERR_ACCESS_DENIED");
      expect(error.message).toBe("The analysis failed inside the engine. Nothing was charged");
      expect(error.message + report).not.toContain(secret);
    }
  });

  it("writing a file, process.binding and starting a process are refused", async () => {
    const target = path.join(folder, "escaped.txt");
    expect((await probe("write-file", target)).report).toBe(
      "probe write-file: refused ERR_ACCESS_DENIED",
    );
    expect(existsSync(target)).toBe(false);
    expect((await probe("binding")).report).toBe("probe binding: refused ERR_ACCESS_DENIED");
    expect((await probe("spawn")).report).toBe("probe spawn: refused ERR_ACCESS_DENIED");
  });

  it("code from strings (eval, new Function) is refused", async () => {
    expect((await probe("eval")).report).toBe("probe eval: refused EvalError");
    expect((await probe("function")).report).toBe("probe function: refused EvalError");
  });

  it("the child's environment is empty: the parent's secrets are not in it", async () => {
    expect(process.env.MASTER_KEY_FOR_TEST).toBe(secret);
    expect((await probe("env")).report).toBe("probe env: ALLOWED {}");
  });
});

describe("the child receives only what the spec names", () => {
  it("columns the caller holds but the spec does not name never reach the child", async () => {
    const withExtras = {
      ...columns,
      numeric: new Map([["weight", new Float64Array(columns.listingOf.length).fill(99)]]),
      categorical: new Map([
        ...columns.categorical,
        ["diagnosis_of_another_cohort", new Uint8Array(columns.listingOf.length)],
      ]),
    };
    let report = "";
    await runAnalysisJob({
      spec: countSpec,
      columns: withExtras,
      threshold: 10,
      bundlePath: probes,
      probe: { name: "columns" },
    }).catch((e: AppError) => (report = String(e.cause)));
    expect(report).toBe(
      `probe columns: received {"numeric":[],"categorical":["sex","site"],"records":600}`,
    );
  });

  it("a spec naming a variable the cohort lacks is refused before any child starts", async () => {
    let started = false;
    await expect(
      runAnalysisJob({
        spec: specOf({
          version: 1,
          epsilonCentis: 100,
          query: { kind: "histogram", of: { variable: "weight", min: 0, max: 200 }, bins: 4 },
        }),
        columns,
        threshold: 10,
        onSpawn: () => (started = true),
      }),
    ).rejects.toThrow(new AppError("BAD_INPUT", "This cohort has no variable 'weight'"));
    expect(started).toBe(false);
  });
});

describe("the child cannot reach the network", () => {
  let server: net.Server;
  let connections = 0;
  let port = 0;
  beforeAll(async () => {
    server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("fetch, net via getBuiltinModule and import('node:net') are refused; the server sees nobody", async () => {
    expect((await probe("fetch", `http://127.0.0.1:${port}/`)).report).toBe(
      "probe fetch: refused ERR_ACCESS_DENIED",
    );
    expect((await probe("net-builtin", String(port))).report).toBe(
      "probe net-builtin: refused ERR_ACCESS_DENIED",
    );
    expect((await probe("net-import", String(port))).report).toBe(
      "probe net-import: refused ERR_ACCESS_DENIED",
    );
    expect(connections).toBe(0);
    // The server does count: a connection from here (the parent) is seen.
    await new Promise<void>((resolve, reject) =>
      net.connect(port, "127.0.0.1", resolve).on("error", reject),
    );
    await expect.poll(() => connections).toBe(1);
  });
});

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
      setLimits({ timeoutMs: 120_000, maxRssMb: 1024 });
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
      setLimits({ timeoutMs: 120_000, maxRssMb: 1024 });
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
      setLimits({ timeoutMs: 120_000, maxRssMb: 1024 });
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
      bundlePath: probes,
      probe: { name: "loop" },
      onSpawn: (p) => (pid = p),
    });
    await expect.poll(() => pid).toBeGreaterThan(0);
    stopAnalysisJobs();
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
