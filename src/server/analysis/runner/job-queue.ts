import "server-only";
import { AppError } from "~/server/errors";

/**
 * At most `concurrency` analyses run at once (each is a child process on a shared machine);
 * a few more wait their turn, and beyond that a new one is told to come back rather than
 * queued without bound.
 */
export class JobQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting)
        throw new AppError(
          "RATE_LIMITED",
          "Too many analyses are waiting to run; try again in a minute",
        );
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    try {
      return await job();
    } finally {
      // The slot passes straight to the next in line, so `running` never dips below the limit
      // while someone waits.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  get size() {
    return { running: this.running, waiting: this.waiting.length };
  }
}
