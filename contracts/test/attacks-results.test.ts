import { describe, expect, it } from "vitest";
import { deploySuite, hashOf, mined, salt, type Suite } from "./fixtures";

/** A request by carol over one listing of alice's and one of bob's, both auto-approved. */
async function requestWithTwoItems(suite: Suite) {
  const first = await suite.createListing(suite.alice);
  const second = await suite.createListing(suite.bob);
  return suite.openRequest(suite.carol, [first.id, second.id]);
}

describe("results: only the researcher whose request used data registers its outputs", () => {
  it("records the output's hash against the request once a data use is recorded", async () => {
    const suite = await deploySuite();
    const { marketplace, carol } = suite;
    const request = await requestWithTwoItems(suite);
    await mined(suite.recordUse(request, 1));
    const output = hashOf("doi:10.1234/abc");
    const receipt = await mined(
      marketplace.connect(carol).registerOutput(request.requestId, 1, output),
    );
    // A mapping write and an event: 52,295 gas measured (2026-12-01).
    expect(receipt!.gasUsed).toBeLessThan(60_000n);
    const [log] = receipt!.logs.map((entry) => marketplace.interface.parseLog(entry));
    expect(log?.name).toBe("OutputRegistered");
    expect(log?.args.toArray()).toEqual([request.requestId, carol.address, output]);
    expect(await marketplace.isOutputRegistered(request.requestId, output)).toBe(true);
  });

  it("refuses anyone but the request's researcher, even one whose own request used the same data", async () => {
    const suite = await deploySuite();
    const { marketplace, admin, bob, mallory } = suite;
    const request = await requestWithTwoItems(suite);
    await mined(suite.recordUse(request, 0));
    // Admin makes and uses a request of its own over the same listings: still not this one.
    const own = await suite.openRequest(
      admin,
      request.items.map((item) => item.listingId),
    );
    await mined(suite.recordUse(own, 0));
    // Bob owns a listing of the request; mallory is a stranger.
    for (const caller of [admin, bob, mallory]) {
      await expect(
        marketplace.connect(caller).registerOutput(request.requestId, 0, hashOf("fake")),
      ).rejects.toThrow(/NotRequestResearcher/);
    }
    expect(await marketplace.isOutputRegistered(request.requestId, hashOf("fake"))).toBe(false);
  });

  it("refuses an output before any data use, and against an item that was not delivered", async () => {
    const suite = await deploySuite();
    const { marketplace, carol } = suite;
    const request = await requestWithTwoItems(suite);
    await expect(
      marketplace.connect(carol).registerOutput(request.requestId, 0, hashOf("early")),
    ).rejects.toThrow(/NoDataUse/);
    await mined(suite.recordUse(request, 1));
    // Item 0 was approved but never delivered; index 7 is past the request's items.
    for (const index of [0, 7, 2 ** 40]) {
      await expect(
        marketplace.connect(carol).registerOutput(request.requestId, index, hashOf("early")),
      ).rejects.toThrow(/NoDataUse/);
    }
  });

  it("refuses an unknown request and an empty hash", async () => {
    const suite = await deploySuite();
    const { marketplace, carol } = suite;
    const request = await requestWithTwoItems(suite);
    await mined(suite.recordUse(request, 0));
    await expect(marketplace.connect(carol).registerOutput(salt(), 0, hashOf("x"))).rejects.toThrow(
      /UnknownRequest/,
    );
    await expect(
      marketplace.connect(carol).registerOutput(request.requestId, 0, `0x${"0".repeat(64)}`),
    ).rejects.toThrow(/EmptyOutputHash/);
  });

  it("refuses the same output twice, directly or by replaying the signed forward request", async () => {
    const suite = await deploySuite();
    const { marketplace, marketplaceAddress, forwarder, relayer, carol } = suite;
    const request = await requestWithTwoItems(suite);
    await mined(suite.recordUse(request, 0));
    const output = hashOf("summary");
    const data = marketplace.interface.encodeFunctionData("registerOutput", [
      request.requestId,
      0,
      output,
    ]);
    const signed = await suite.signForward(carol, marketplaceAddress, data);
    await mined(forwarder.connect(relayer).execute(signed));
    expect(await marketplace.isOutputRegistered(request.requestId, output)).toBe(true);
    // The relayer (or anyone who saw it) sends the same signed request again.
    await expect(forwarder.connect(relayer).execute(signed)).rejects.toThrow(
      /ERC2771ForwarderInvalidSigner/,
    );
    // A fresh signature for the same output is refused by the marketplace itself.
    const again = await suite.signForward(carol, marketplaceAddress, data);
    await expect(forwarder.connect(relayer).execute(again)).rejects.toThrow(/FailedCall/);
    await expect(
      marketplace.connect(carol).registerOutput(request.requestId, 0, output),
    ).rejects.toThrow(/OutputAlreadyRegistered/);
    // A different output of the same request is fine.
    await mined(marketplace.connect(carol).registerOutput(request.requestId, 0, hashOf("paper")));
  });

  it("registers through the forwarder as the researcher, not the relayer; a forged signer is refused", async () => {
    const suite = await deploySuite();
    const { marketplace, marketplaceAddress, forwarder, relayer, carol, mallory } = suite;
    const request = await requestWithTwoItems(suite);
    await mined(suite.recordUse(request, 0));
    const data = marketplace.interface.encodeFunctionData("registerOutput", [
      request.requestId,
      0,
      hashOf("forged"),
    ]);
    // Mallory signs a request that claims to come from carol.
    const forged = { ...(await suite.signForward(mallory, marketplaceAddress, data)) };
    forged.from = carol.address;
    await expect(forwarder.connect(relayer).execute(forged)).rejects.toThrow(
      /ERC2771ForwarderInvalidSigner/,
    );
    // The relayer calling directly is not the researcher.
    await expect(
      marketplace.connect(relayer).registerOutput(request.requestId, 0, hashOf("forged")),
    ).rejects.toThrow(/NotRequestResearcher/);
  });

  it("still accepts outputs after the access period and settlement, and while paused", async () => {
    const suite = await deploySuite();
    const { marketplace, carol, admin } = suite;
    const request = await requestWithTwoItems(suite);
    await mined(suite.recordUse(request, 0));
    await suite.increaseTime(31 * 86_400);
    await mined(suite.settle(request));
    await mined(marketplace.connect(admin).pause());
    await mined(marketplace.connect(carol).registerOutput(request.requestId, 0, hashOf("late")));
    expect(await marketplace.isOutputRegistered(request.requestId, hashOf("late"))).toBe(true);
  });
});
