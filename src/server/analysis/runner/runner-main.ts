import "server-only";
import { evaluateAnalysis } from "../evaluate/run";
import { decodeJobRequest, FrameReader, frameOf } from "./job-message";
import { lockDown } from "./lockdown";
import { runProbe } from "./probes";
import { randomFromSeed } from "./seeded-stream";

/**
 * The child process's entry (bundled to src/server/generated/analysis-runner.mjs). It reads one
 * message {spec, columns, seed, threshold} from stdin, evaluates it with disclosure control and
 * noise, and writes one answer: the released output and the disclosure report, never an exact
 * statistic. It runs under `--permission` with an empty environment (run-analysis-job.ts).
 */
declare const PROBES: boolean;

/** Large enough for 50,000 records of 14 numeric columns; the RSS watchdog bounds the rest. */
const MAX_MESSAGE_BYTES = 512 * 1024 * 1024;

lockDown();

const reader = new FrameReader(MAX_MESSAGE_BYTES);
let done = false;
process.stdin.on("data", (chunk: Uint8Array) => {
  if (done) return;
  let payload: Uint8Array | undefined;
  try {
    payload = reader.push(chunk);
  } catch (error) {
    return answer({ ok: false, error: describe(error) });
  }
  if (payload) void handle(payload);
});
process.stdin.on("end", () => {
  if (!done) answer({ ok: false, error: "the input ended before the message was complete" });
});

async function handle(payload: Uint8Array) {
  done = true;
  try {
    const request = decodeJobRequest(payload);
    if (PROBES && request.probe) {
      const outcome = await runProbe(request.probe, {
        numeric: [...request.columns.numeric.keys()],
        categorical: [...request.columns.categorical.keys()],
        records: request.columns.listingOf.length,
      });
      return answer({ ok: false, error: `probe ${request.probe.name}: ${outcome}` });
    }
    const result = evaluateAnalysis(request.spec, request.columns, {
      threshold: request.threshold,
      rng: randomFromSeed(request.seed),
    });
    answer({ ok: true, result });
  } catch (error) {
    answer({ ok: false, error: describe(error) });
  }
}

// An error's message is our own code's text (a refused message, a spec the schema rejects);
// the stack is left out so no value from the data can ride along in a frame's locals.
const describe = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : "unknown error";

function answer(message: unknown) {
  done = true;
  const bytes = new TextEncoder().encode(JSON.stringify(message));
  process.stdout.write(frameOf(bytes), () => process.exit(0));
}
