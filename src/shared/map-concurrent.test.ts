import { describe, expect, it } from "vitest";
import { mapConcurrent } from "./map-concurrent";

describe("mapConcurrent", () => {
  it("keeps input order and never runs more than the limit at once", async () => {
    let inFlight = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const run = mapConcurrent([1, 2, 3, 4, 5, 6, 7], 3, async (value) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise<void>((resolve) => gates.push(resolve));
      inFlight -= 1;
      return value * 10;
    });
    // Release the calls one by one, latest first, as they queue up.
    while (true) {
      await new Promise((resolve) => setImmediate(resolve));
      const gate = gates.pop();
      if (!gate) break;
      gate();
    }
    expect(await run).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(most).toBe(3);
  });

  it("rejects with the first error and starts nothing after it", async () => {
    const started: number[] = [];
    await expect(
      mapConcurrent([1, 2, 3, 4], 1, (value) => {
        started.push(value);
        return value === 2 ? Promise.reject(new Error("boom")) : Promise.resolve(value);
      }),
    ).rejects.toThrow("boom");
    expect(started).toEqual([1, 2]);
  });

  it("handles no items and refuses a limit below one", async () => {
    const one = () => Promise.resolve(1);
    expect(await mapConcurrent([], 4, one)).toEqual([]);
    await expect(mapConcurrent([1], 0, one)).rejects.toThrow(RangeError);
  });
});
