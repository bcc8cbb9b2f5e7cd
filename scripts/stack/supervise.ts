import type { ChildProcess } from "node:child_process";

/**
 * Keeps one process of the stack running: started, watched, started again when it dies on its
 * own (a crash, a kill), unless it keeps dying (5 times within a minute: then `onGiveUp`).
 * A restart is what makes a crash harmless: the database recovers from its log, the chain
 * reloads its state file, the app re-sends what its outbox saved.
 */
export type Started = { process: ChildProcess; stop(): Promise<void> };

export type Supervised = {
  name: string;
  current(): Started;
  stop(): Promise<void>;
};

export async function supervise(options: {
  name: string;
  start: () => Promise<Started>;
  onStarted?: (started: Started) => void;
  onGiveUp: (reason: string) => void;
  say: (message: string) => void;
}): Promise<Supervised> {
  const { name, say } = options;
  const restarts: number[] = [];
  let isStopping = false;
  let current = await options.start();

  const watch = (started: Started) => {
    options.onStarted?.(started);
    started.process.once("exit", (code, signal) => {
      if (isStopping || started !== current) return;
      const now = Date.now();
      restarts.push(now);
      while (restarts[0]! < now - 60_000) restarts.shift();
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      if (restarts.length > 5) {
        options.onGiveUp(`the ${name} ${how} ${restarts.length} times within a minute`);
        return;
      }
      say(`the ${name} ${how}; starting it again`);
      void (async () => {
        for (let attempt = 1; !isStopping; attempt += 1) {
          try {
            current = await options.start();
            if (isStopping) return void (await current.stop());
            watch(current);
            say(`the ${name} is back`);
            return;
          } catch (error) {
            if (attempt >= 5) {
              options.onGiveUp(`the ${name} did not start again: ${(error as Error).message}`);
              return;
            }
            await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
          }
        }
      })();
    });
  };
  watch(current);
  return {
    name,
    current: () => current,
    stop: async () => {
      isStopping = true;
      await current.stop();
    },
  };
}
