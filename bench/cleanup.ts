/**
 * What a benchmark started, stopped in reverse order when it ends: normally, on an error, or on
 * Ctrl-C / SIGTERM (the smoke runner's timeout), so no node, server or folder outlives it.
 */
export function createCleanup() {
  const steps: { name: string; stop: () => Promise<unknown> }[] = [];
  let running: Promise<void> | undefined;
  const run = () =>
    (running ??= (async () => {
      for (const step of steps.reverse()) {
        try {
          await step.stop();
        } catch (error) {
          console.error(`could not stop ${step.name}:`, error);
        }
      }
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`${signal}: stopping what the benchmark started`);
    void run().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return {
    /** Registers how to stop something just started; returns it for chaining. */
    add<T>(name: string, value: T, stop: (value: T) => Promise<unknown>): T {
      steps.push({ name, stop: () => stop(value) });
      return value;
    },
    run,
  };
}

/** Runs a benchmark's main, stopping everything it started whatever happens. */
export async function runBenchmark(
  main: (cleanup: ReturnType<typeof createCleanup>) => Promise<void>,
): Promise<void> {
  const cleanup = createCleanup();
  try {
    await main(cleanup);
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    await cleanup.run();
  }
}

export const isSmoke = process.env.BENCH_SMOKE === "1";
