import "server-only";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import type * as Net from "node:net";
import { frameOf } from "./job-message";

/**
 * Test builds only (`--define:PROBES=true`; the production bundle drops this file and its
 * imports): what code running inside the child would try, so the isolation tests can watch
 * each attempt fail. This file imports fs and child_process on purpose: it stands for an
 * attacker who got hold of them, and the permission model must still refuse. Each probe
 * returns "refused <code>" or "ALLOWED <what it got>".
 */
export async function runProbe(
  probe: { name: string; argument?: string },
  received: { numeric: string[]; categorical: string[]; records: number },
): Promise<string> {
  const argument = probe.argument ?? "";
  switch (probe.name) {
    case "columns":
      return `received ${JSON.stringify(received)}`;
    case "read-file":
      return attempt(() => readFileSync(argument, "utf8"));
    case "write-file":
      return attempt(() => writeFileSync(argument, "escaped"));
    case "spawn":
      return attempt(() => execFileSync("/bin/sh", ["-c", "echo escaped"], { encoding: "utf8" }));
    case "binding":
      return attempt(() => Object.keys((process as unknown as Bindable).binding("fs")));
    case "eval":
      return attempt(() => String((0, eval)("6 * 7")));
    case "function":
      // The attack itself: the child must refuse to compile a string.
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      return attempt(() => String((new Function("return 6 * 7") as () => number)()));
    case "env":
      return `ALLOWED ${JSON.stringify(process.env)}`;
    case "fetch":
      return attemptAsync(async () => (await fetch(argument)).status);
    case "net-builtin":
      return attemptAsync(() => connect(process.getBuiltinModule("node:net"), argument));
    case "net-import":
      return attemptAsync(async () =>
        connect((await import("node:" + "net")) as typeof Net, argument),
      );
    case "loop":
      for (;;);
    case "allocate": {
      // Memory the V8 heap limit does not cover: it takes the RSS watchdog to stop this. Held at
      // 2 GB, far past any limit tested, so a parent slow to look cannot let it take the machine.
      const held: Uint8Array[] = [];
      while (held.length < 32) held.push(new Uint8Array(64 * 1024 * 1024).fill(1));
      for (;;);
    }
    case "heap": {
      const held: number[][] = [];
      for (;;) held.push(Array.from({ length: 1_000_000 }, (_, i) => i + 0.5));
    }
    case "garbage":
      return answerRaw(new TextEncoder().encode('{"ok"'));
    case "smuggle":
      // A well-formed result that also carries the exact cells: the parent must refuse it.
      return answerRaw(new TextEncoder().encode(JSON.stringify(smuggled)));
    case "exit":
      process.exit(3);
  }
  return `unknown probe ${probe.name}`;
}

const smuggled = {
  ok: true,
  result: {
    output: { kind: "count", dimensions: [], cells: [9], exactCells: [7] },
    disclosure: {
      threshold: 10,
      noisyThreshold: 28,
      suppressedCells: 0,
      reasons: { belowThreshold: 0 },
      rounding: "midpoint-6",
      epsilonCentis: 100,
      recordsPerListing: 1,
      noiseScale: 1,
      mechanism: "discrete-laplace",
    },
    allSuppressed: false,
  },
};

function answerRaw(payload: Uint8Array): Promise<string> {
  process.stdout.write(frameOf(payload), () => process.exit(0));
  return new Promise(() => undefined);
}

type Bindable = { binding(name: string): object };

function connect(net: typeof Net, port: string) {
  return new Promise<string>((resolve, reject) => {
    const socket = net.connect(Number(port), "127.0.0.1", () => resolve("connected"));
    socket.on("error", reject);
  });
}

function attempt(run: () => unknown): string {
  try {
    return `ALLOWED ${String(run()).slice(0, 200)}`;
  } catch (error) {
    return `refused ${codeOf(error)}`;
  }
}

async function attemptAsync(run: () => Promise<unknown>): Promise<string> {
  try {
    return `ALLOWED ${String(await run()).slice(0, 200)}`;
  } catch (error) {
    return `refused ${codeOf(error)}`;
  }
}

const codeOf = (error: unknown) =>
  (error as { code?: string }).code ?? (error as Error).name ?? "error";
