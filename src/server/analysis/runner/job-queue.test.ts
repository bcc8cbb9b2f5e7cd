import { describe, expect, it } from "vitest";
import { JobQueue } from "./job-queue";

/** A job that ends when the test says so: no timing involved. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe("the analysis queue", () => {
  it("never runs more than its concurrency, hands slots on in order, refuses past the waiting limit", async () => {
    const queue = new JobQueue(2, 2);
    const gates = Array.from({ length: 4 }, gate);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const jobs = gates.map((g, i) =>
      queue.run(async () => {
        running++;
        most = Math.max(most, running);
        order.push(i);
        await g.opened;
        running--;
        return i;
      }),
    );
    await expect(queue.run(() => Promise.resolve(-1))).rejects.toMatchObject({
      code: "RATE_LIMITED",
    });
    expect(queue.size).toEqual({ running: 2, waiting: 2 });
    gates[1]!.open();
    await expect.poll(() => order, { timeout: 300_000 }).toEqual([0, 1, 2]);
    for (const g of gates) g.open();
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3]);
    expect(most).toBe(2);
    expect(queue.size).toEqual({ running: 0, waiting: 0 });
  });

  it("a failing job frees its slot", async () => {
    const queue = new JobQueue(1, 1);
    await expect(queue.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await queue.run(() => Promise.resolve(1))).toBe(1);
    expect(queue.size).toEqual({ running: 0, waiting: 0 });
  });
});
