import { keccak256, toUtf8Bytes, ZeroHash } from "ethers";
import { describe, expect, it } from "vitest";
import { deploySuite } from "./fixtures";

const trialId = keccak256(toUtf8Bytes("trial-1"));
const protocol = keccak256(toUtf8Bytes("protocol v1"));

describe("TrialRegistry.registerTrial", () => {
  it("registers the caller as sponsor at protocol version 1", async () => {
    const { trialRegistry, alice } = await deploySuite();
    await (await trialRegistry.connect(alice).registerTrial(trialId, protocol)).wait();
    expect(await trialRegistry.getTrial(trialId)).toEqual([alice.address, 1n, protocol]);
    const [event] = await trialRegistry.queryFilter(trialRegistry.filters.TrialRegistered(trialId));
    expect(event?.args.sponsor).toBe(alice.address);
  });

  it("refuses a duplicate id and an empty protocol hash", async () => {
    const { trialRegistry, alice, bob } = await deploySuite();
    await (await trialRegistry.connect(alice).registerTrial(trialId, protocol)).wait();
    await expect(trialRegistry.connect(bob).registerTrial(trialId, protocol)).rejects.toThrow(
      /TrialAlreadyRegistered/,
    );
    await expect(
      trialRegistry.connect(bob).registerTrial(keccak256("0x01"), ZeroHash),
    ).rejects.toThrow(/EmptyProtocolHash/);
  });

  it("reports an unknown trial as version 0", async () => {
    const { trialRegistry } = await deploySuite();
    const [, version] = await trialRegistry.getTrial(trialId);
    expect(version).toBe(0n);
  });
});
