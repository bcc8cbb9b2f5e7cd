import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeDataRoot } from "~/server/integrity/merkle";
import { getBlob } from "~/server/storage/blob-store";
import { expectCode } from "./expect-code";
import { createHarness, listingInput, SMALL_CSV, type Harness } from "./harness";

let harness: Harness;

beforeAll(async () => {
  harness = await createHarness();
});

afterAll(async () => {
  await harness.close();
});

describe("the verified slice: publish, anchor through the outbox, see in the catalogue", () => {
  it("anchors a managed-wallet participant's listing on chain and shows it to researchers", async () => {
    const participant = await harness.createUser("PARTICIPANT");
    const researcher = await harness.createUser("RESEARCHER");
    const api = harness.callerFor(participant);
    const upload = await harness.upload(participant, SMALL_CSV);
    const { id } = await api.listings.createDraft(listingInput(upload.id));
    const prepared = await api.actions.prepare({
      action: { type: "listing.publish", listingId: id },
    });
    expect(prepared.signsInWallet).toBe(false);
    await api.actions.submit({
      action: { type: "listing.publish", listingId: id },
      request: prepared.typedData!.message,
    });

    const queued = await harness.db.chainOutbox.findFirstOrThrow({ where: { entityId: id } });
    expect(queued.status).toBe("PENDING");
    expect((await api.listings.byId({ listingId: id })).anchor.status).toBe("PENDING");

    await harness.settle();

    const listing = await api.listings.byId({ listingId: id });
    expect(listing.anchor.status).toBe("CONFIRMED");
    expect(listing.anchor.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    // The anchored root is the root of the records as stored (encrypted) for this listing.
    const stored = await harness.db.listing.findUniqueOrThrow({
      where: { id },
      select: { blobKey: true },
    });
    const records = Papa.parse<Record<string, string>>(
      (await getBlob(stored.blobKey!)).toString("utf8"),
      { header: true, skipEmptyLines: true },
    ).data;
    expect(records).toHaveLength(3);
    expect(listing.dataRoot).toBe(computeDataRoot(records));
    expect(listing.chain).toMatchObject({
      isAnchored: true,
      ownerMatches: true,
      dataRootMatches: true,
      termsHashMatches: true,
      reportHashMatches: true,
      isPermittedOnChain: true,
    });

    // The listing is owned by an account derived for it, not by the participant's wallet.
    const { ownerAddress } = await harness.db.listing.findUniqueOrThrow({
      where: { id },
      select: { ownerAddress: true },
    });
    const [owner] = await harness.chain.contracts.marketplace.getListing(listing.chainKey);
    expect(owner.toLowerCase()).toBe(ownerAddress);
    expect(ownerAddress).not.toBe(participant.walletAddress);
    const catalogue = await harness.callerFor(researcher).listings.catalogue({ limit: 50 });
    expect(catalogue.items.map((item) => item.id)).toContain(id);
  });

  it("makes a wallet user sign in their wallet, and refuses someone else's signature or a replay", async () => {
    const { user, wallet } = await harness.createWalletUser("PARTICIPANT");
    const api = harness.callerFor(user);
    const upload = await harness.upload(user, SMALL_CSV);
    const { id } = await api.listings.createDraft(
      listingInput(upload.id, { title: "Wallet-signed listing" }),
    );
    const action = { type: "listing.publish" as const, listingId: id };
    const prepared = await api.actions.prepare({ action });
    expect(prepared.signsInWallet).toBe(true);
    const typedData = prepared.typedData!;
    const types = { ForwardRequest: [...typedData.types.ForwardRequest] };

    await expectCode(
      api.actions.submit({ action, request: typedData.message }),
      "BAD_REQUEST",
      /sign the request in your wallet/,
    );
    const { wallet: stranger } = await harness.createWalletUser("PARTICIPANT");
    const forged = await stranger.signTypedData(typedData.domain, types, typedData.message);
    await expectCode(
      api.actions.submit({ action, request: typedData.message, signature: forged }),
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
      api.actions.submit({ action, request: tampered, signature: tamperedSignature }),
      "BAD_REQUEST",
      /does not match/,
    );
    expect(await harness.db.chainOutbox.count({ where: { entityId: id } })).toBe(0);

    const signature = await wallet.signTypedData(typedData.domain, types, typedData.message);
    await api.actions.submit({ action, request: typedData.message, signature });
    await expectCode(
      api.actions.submit({ action, request: typedData.message, signature }),
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
    const upload = await harness.upload(participant, SMALL_CSV);
    const before = await harness.db.listing.count();

    await expectCode(harness.callerFor(null).listings.mine(), "UNAUTHORIZED", /Sign in/);
    await expectCode(
      harness.callerFor(researcher).listings.createDraft(listingInput(upload.id)),
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
      harness
        .callerFor(participant)
        .listings.createDraft(listingInput(upload.id, { price: "ten" })),
      "BAD_REQUEST",
      /price/,
    );
    await expectCode(
      harness
        .callerFor(participant)
        .listings.createDraft(listingInput(upload.id, { purposes: [] })),
      "BAD_REQUEST",
      /purpose/,
    );
    await expectCode(
      harness.callerFor(participant).listings.createDraft(listingInput("no-such-upload")),
      "NOT_FOUND",
      /upload/,
    );
    await expectCode(
      harness
        .callerFor(participant)
        .listings.createDraft(listingInput(upload.id, { dropColumns: ["nope"] })),
      "BAD_REQUEST",
      /not in the upload/,
    );
    await expectCode(
      harness
        .callerFor(participant)
        .listings.createDraft(
          listingInput(upload.id, { consentExpiresAt: new Date(Date.now() - 1000) }),
        ),
      "BAD_REQUEST",
      /at least an hour/,
    );
    await expectCode(
      harness
        .callerFor(researcher)
        .actions.prepare({ action: { type: "listing.publish", listingId: "x" } }),
      "FORBIDDEN",
      /participant/,
    );
    expect(await harness.db.listing.count()).toBe(before);
  });

  it("does not show one participant's listing or upload to another, nor drafts to researchers", async () => {
    const owner = await harness.createUser("PARTICIPANT");
    const other = await harness.createUser("PARTICIPANT");
    const researcher = await harness.createUser("RESEARCHER");
    const upload = await harness.upload(owner, SMALL_CSV);
    const { id } = await harness.callerFor(owner).listings.createDraft(listingInput(upload.id));
    await expectCode(harness.callerFor(other).listings.byId({ listingId: id }), "NOT_FOUND");
    await expectCode(harness.callerFor(researcher).listings.byId({ listingId: id }), "NOT_FOUND");
    await expectCode(
      harness
        .callerFor(other)
        .actions.prepare({ action: { type: "listing.publish", listingId: id } }),
      "NOT_FOUND",
    );
    await expectCode(harness.callerFor(other).uploads.byId({ uploadId: upload.id }), "NOT_FOUND");
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
