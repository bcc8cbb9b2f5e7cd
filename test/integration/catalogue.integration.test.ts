import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "~/server/session";
import { expectCode } from "./expect-code";
import { createHarness, listingInput, SMALL_CSV, type Harness } from "./harness";

let harness: Harness;
let researcher: SessionUser;
const ids: Record<string, string> = {};
const tag = `t${Date.now()}`;

beforeAll(async () => {
  harness = await createHarness();
  researcher = await harness.createUser("RESEARCHER");
  const participant = await harness.createUser("PARTICIPANT");
  const specs = [
    {
      key: "a",
      title: `Hypertension readings ${tag}`,
      conditions: ["Hypertension"],
      price: "5",
      purposes: ["ACADEMIC_RESEARCH" as const],
    },
    {
      key: "b",
      title: `Diabetic retinopathy images ${tag}`,
      conditions: ["Diabetes"],
      price: "50",
      purposes: ["AI_TRAINING" as const, "ACADEMIC_RESEARCH" as const],
    },
    {
      key: "c",
      title: `Glucose and insulin ${tag}`,
      conditions: ["Diabetes"],
      price: "20",
      purposes: ["COMMERCIAL_RESEARCH" as const],
    },
  ];
  for (const spec of specs) {
    const upload = await harness.upload(participant, SMALL_CSV);
    const { id } = await harness.callerFor(participant).listings.createDraft(
      listingInput(upload.id, {
        title: spec.title,
        description: `readings ${tag}`,
        conditions: spec.conditions,
        price: spec.price,
        purposes: spec.purposes,
      }),
    );
    await harness.act(participant, { type: "listing.publish", listingId: id });
    ids[spec.key] = id;
  }
  await harness.settle();
});

afterAll(async () => {
  await harness.close();
});

describe("catalogue search", () => {
  it("finds listings by full text, with stemming, and counts facets for the search", async () => {
    const api = harness.callerFor(researcher);
    const diabetic = await api.listings.catalogue({ filter: { query: `diabetes ${tag}` } });
    expect(diabetic.items.map((item) => item.id).sort()).toEqual([ids.b, ids.c].sort());
    expect(diabetic.total).toBe(2);
    expect(diabetic.facets.purpose).toMatchObject({
      AI_TRAINING: 1,
      ACADEMIC_RESEARCH: 1,
      COMMERCIAL_RESEARCH: 1,
    });
    const all = await api.listings.catalogue({ filter: { query: tag } });
    expect(all.total).toBe(3);
  });

  it("filters by purpose, condition and price, sorts and pages", async () => {
    const api = harness.callerFor(researcher);
    const academic = await api.listings.catalogue({
      filter: { query: tag, purpose: "ACADEMIC_RESEARCH" },
    });
    expect(academic.items.map((item) => item.id).sort()).toEqual([ids.a, ids.b].sort());
    const cheap = await api.listings.catalogue({
      filter: { query: tag, maxPrice: "20" },
      sort: "price_desc",
    });
    expect(cheap.items.map((item) => item.id)).toEqual([ids.c, ids.a]);
    const byCondition = await api.listings.catalogue({
      filter: { query: tag, condition: "Hypertension" },
    });
    expect(byCondition.items.map((item) => item.id)).toEqual([ids.a]);
    const first = await api.listings.catalogue({
      filter: { query: tag },
      sort: "price_asc",
      limit: 2,
    });
    const second = await api.listings.catalogue({
      filter: { query: tag },
      sort: "price_asc",
      limit: 2,
      cursor: first.nextCursor,
    });
    expect([...first.items, ...second.items].map((item) => item.id)).toEqual([ids.a, ids.c, ids.b]);
    expect(second.nextCursor).toBeNull();
    expect((await api.listings.catalogueIds({ filter: { query: tag } })).sort()).toEqual(
      Object.values(ids).sort(),
    );
  });

  it("hides listings whose consent was revoked, and rejects bad filters", async () => {
    const api = harness.callerFor(researcher);
    const participant = await harness.db.listing.findUniqueOrThrow({
      where: { id: ids.c! },
      select: {
        owner: { select: { id: true, role: true, walletAddress: true, displayName: true } },
      },
    });
    await harness.act(participant.owner, { type: "listing.revokeConsent", listingId: ids.c! });
    await harness.settle();
    expect((await api.listings.catalogue({ filter: { query: tag } })).total).toBe(2);
    await expectCode(
      api.listings.catalogue({ filter: { maxPrice: "cheap" } }),
      "BAD_REQUEST",
      /amount/,
    );
    await expectCode(harness.callerFor(participant.owner).listings.catalogue({}), "FORBIDDEN");
  });
});
