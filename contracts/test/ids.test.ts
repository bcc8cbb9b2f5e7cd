import { describe, expect, it } from "vitest";
import { listingIdFor, requestIdFor, trialIdFor } from "~/server/chain/ids";
import { deploySuite, salt } from "./fixtures";

describe("ids computed off chain", () => {
  it("match the contracts' own derivation", async () => {
    const { marketplace, trialRegistry, alice } = await deploySuite();
    const value = salt();
    expect(listingIdFor(alice.address, value)).toBe(
      await marketplace.listingIdFor(alice.address, value),
    );
    expect(requestIdFor(alice.address, value)).toBe(
      await marketplace.requestIdFor(alice.address, value),
    );
    expect(trialIdFor(alice.address, value)).toBe(
      await trialRegistry.trialIdFor(alice.address, value),
    );
    expect(listingIdFor(alice.address, value)).not.toBe(requestIdFor(alice.address, value));
  });
});
