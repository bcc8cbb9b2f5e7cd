import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "~/server/errors";
import { specOf } from "../disclosure/test-cohort";
import { runAnalysisJob } from "./run-analysis-job";
import {
  columns,
  countSpec,
  kit,
  probe,
  secret,
  setUpRunnerKit,
  UNTIL_DONE,
} from "./runner-test-kit";

/**
 * The isolated engine tried as an attacker would from inside the child (the probes build):
 * every attempt to reach a file, a process, the network or the parent's secrets is refused.
 */
setUpRunnerKit();

describe("the child cannot reach files, processes or secrets", () => {
  it("reading another file (another cohort, /etc/hostname) is refused by the permission model", async () => {
    for (const file of [path.join(kit.folder, "other-cohort.json"), "/etc/hostname"]) {
      const { error, report } = await probe("read-file", file);
      expect(report).toBe("probe read-file: refused ERR_ACCESS_DENIED");
      expect(error.message).toBe("The analysis failed inside the engine. Nothing was charged");
      expect(error.message + report).not.toContain(secret);
    }
  });

  it("writing a file, process.binding and starting a process are refused", async () => {
    const target = path.join(kit.folder, "escaped.txt");
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
      bundlePath: kit.probes,
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
    await expect.poll(() => connections, UNTIL_DONE).toBe(1);
  });
});
