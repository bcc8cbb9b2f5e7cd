import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORWARD_REQUEST_TYPES } from "~/server/chain/forward-request";
import { computeDataRoot } from "~/server/integrity/merkle";
import { createHarness, listingInput, SMALL_CSV, type Harness } from "./harness";

let harness: Harness;

beforeAll(async () => {
  harness = await createHarness();
});

afterAll(async () => {
  await harness.close();
});

async function expectCode(promise: Promise<unknown>, code: TRPCError["code"], message?: RegExp) {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  if (message) expect((error as TRPCError).message).toMatch(message);
}

describe("the verified slice: publish, anchor through the outbox, see in the catalogue", () => {
  it("anchors a managed-wallet participant's listing on chain and shows it to researchers", async () => {
    const participant = await harness.createUser("PARTICIPANT");
    const researcher = await harness.createUser("RESEARCHER");
    const api = harness.callerFor(participant);

    const { id } = await api.listings.createDraft(listingInput());
    const { typedData, signsInWallet } = await api.listings.prepareSignature({ listingId: id });
    expect(signsInWallet).toBe(false);
    await api.listings.publish({ listingId: id, request: typedData.message });

    const queued = await harness.db.chainOutbox.findFirstOrThrow({ where: { entityId: id } });
    expect(queued.status).toBe("PENDING");
    expect((await api.listings.byId({ listingId: id })).anchor.status).toBe("PENDING");

    await harness.settle();

    const listing = await api.listings.byId({ listingId: id });
    expect(listing.anchor.status).toBe("CONFIRMED");
    expect(listing.anchor.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(listing.dataRoot).toBe(
      computeDataRoot([
        { pseudonym: "S-1", year: "2022", hba1c_pct: "6.1" },
        { pseudonym: "S-2", year: "2023", hba1c_pct: "7.4" },
        { pseudonym: "S-3", year: "2021", hba1c_pct: "5.9" },
      ]),
    );
    expect(listing.chain).toMatchObject({
      isAnchored: true,
      ownerMatches: true,
      dataRootMatches: true,
      termsHashMatches: true,
    });

    // The chain, not the database, says who owns it: the participant's wallet, not the relayer.
    const [owner] = await harness.chain.contracts.marketplace.getListing(listing.chainKey);
    expect(owner.toLowerCase()).toBe(participant.walletAddress);

    const catalogue = await harness.callerFor(researcher).listings.catalogue({ limit: 50 });
    expect(catalogue.items.map((item) => item.id)).toContain(id);
  });

  it("makes a wallet user sign in their wallet, and refuses someone else's signature", async () => {
    const { user, wallet } = await harness.createWalletUser("PARTICIPANT");
    const api = harness.callerFor(user);
    const { id } = await api.listings.createDraft(listingInput({ title: "Wallet-signed listing" }));
    const { typedData, signsInWallet } = await api.listings.prepareSignature({ listingId: id });
    expect(signsInWallet).toBe(true);
    const types = { ForwardRequest: [...FORWARD_REQUEST_TYPES.ForwardRequest] };

    await expectCode(
      api.listings.publish({ listingId: id, request: typedData.message }),
      "BAD_REQUEST",
      /sign the request in your wallet/,
    );
    const { wallet: stranger } = await harness.createWalletUser("PARTICIPANT");
    const forged = await stranger.signTypedData(typedData.domain, types, typedData.message);
    await expectCode(
      api.listings.publish({ listingId: id, request: typedData.message, signature: forged }),
      "BAD_REQUEST",
      /not from your wallet/,
    );
    const lastDigit = typedData.message.data.slice(-1);
    const tampered = {
      ...typedData.message,
      data: `${typedData.message.data.slice(0, -1)}${lastDigit === "0" ? "1" : "0"}`,
    };
    const tamperedSignature = await wallet.signTypedData(typedData.domain, types, tampered);
    await expectCode(
      api.listings.publish({ listingId: id, request: tampered, signature: tamperedSignature }),
      "BAD_REQUEST",
      /does not match/,
    );
    expect(await harness.db.chainOutbox.count({ where: { entityId: id } })).toBe(0);

    const signature = await wallet.signTypedData(typedData.domain, types, typedData.message);
    await api.listings.publish({ listingId: id, request: typedData.message, signature });
    // Replaying the same signed request is refused before it reaches the outbox.
    await expectCode(
      api.listings.publish({ listingId: id, request: typedData.message, signature }),
      "CONFLICT",
      /already published/,
    );
    await harness.settle();
    const [owner] = await harness.chain.contracts.marketplace.getListing(
      (await api.listings.byId({ listingId: id })).chainKey,
    );
    expect(owner.toLowerCase()).toBe(wallet.address.toLowerCase());
    expect(
      await harness.db.chainOutbox.count({ where: { entityId: id, status: "CONFIRMED" } }),
    ).toBe(1);
  });
});

describe("bad input and wrong roles change nothing", () => {
  it("refuses anonymous callers, wrong roles, unknown ids and malformed input with clear errors", async () => {
    const participant = await harness.createUser("PARTICIPANT");
    const researcher = await harness.createUser("RESEARCHER");
    const before = await harness.db.listing.count();

    await expectCode(harness.callerFor(null).listings.mine(), "UNAUTHORIZED", /Sign in/);
    await expectCode(
      harness.callerFor(researcher).listings.createDraft(listingInput()),
      "FORBIDDEN",
      /participant/,
    );
    await expectCode(harness.callerFor(participant).listings.catalogue({ limit: 5 }), "FORBIDDEN");
    await expectCode(
      harness.callerFor(participant).listings.byId({ listingId: "no-such-listing" }),
      "NOT_FOUND",
      /no listing/i,
    );
    await expectCode(
      harness.callerFor(participant).listings.createDraft(listingInput({ price: "ten" })),
      "BAD_REQUEST",
      /price/,
    );
    await expectCode(
      harness.callerFor(participant).listings.createDraft(listingInput({ purposes: [] })),
      "BAD_REQUEST",
      /purpose/,
    );
    await expectCode(
      harness.callerFor(participant).listings.createDraft(listingInput({ csv: "a,b\n" })),
      "BAD_REQUEST",
      /no data rows/,
    );
    await expectCode(
      harness.callerFor(participant).listings.createDraft(listingInput({ csv: 'a,b\n"1,2' })),
      "BAD_REQUEST",
      /could not be read/,
    );
    await expectCode(
      harness
        .callerFor(participant)
        .listings.createDraft(listingInput({ consentExpiresAt: new Date(Date.now() - 1000) })),
      "BAD_REQUEST",
      /at least an hour/,
    );
    expect(await harness.db.listing.count()).toBe(before);
  });

  it("does not show one participant's listing to another, nor drafts to researchers", async () => {
    const owner = await harness.createUser("PARTICIPANT");
    const other = await harness.createUser("PARTICIPANT");
    const researcher = await harness.createUser("RESEARCHER");
    const { id } = await harness
      .callerFor(owner)
      .listings.createDraft(listingInput({ csv: SMALL_CSV }));
    await expectCode(harness.callerFor(other).listings.byId({ listingId: id }), "NOT_FOUND");
    await expectCode(harness.callerFor(researcher).listings.byId({ listingId: id }), "NOT_FOUND");
    await expectCode(
      harness.callerFor(other).listings.prepareSignature({ listingId: id }),
      "NOT_FOUND",
    );
  });

  it("refuses a duplicate email registration", async () => {
    const api = harness.callerFor(null);
    const input = {
      email: "dup@test.local",
      password: "long enough pass",
      displayName: "Dup",
      role: "RESEARCHER" as const,
    };
    await api.account.register(input);
    await expectCode(api.account.register(input), "CONFLICT", /already exists/);
    await expectCode(
      api.account.register({ ...input, email: "x@test.local", role: "AUDITOR" as never }),
      "BAD_REQUEST",
    );
  });
});
