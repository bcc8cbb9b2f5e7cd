import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { SessionUser } from "~/server/session";
import {
  readCatalogue,
  type CatalogueLoad,
} from "~/server/services/listings/catalogue/catalogue-sync";
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

  it("counts each facet without its own filter, and says which filter to relax when empty", async () => {
    const api = harness.callerFor(researcher);
    const fhir = await api.listings.catalogue({
      filter: { query: tag, dataType: "FHIR", purpose: "AI_TRAINING" },
    });
    expect(fhir.total).toBe(0);
    // The other data type and the other purposes are what the researcher can switch to.
    expect(fhir.facets.dataType).toEqual({ CSV: 1, FHIR: 0 });
    expect(fhir.facets.purpose).toMatchObject({ ACADEMIC_RESEARCH: 0, AI_TRAINING: 0 });
    expect(fhir.relax).toEqual([{ filter: "dataType", total: 1 }]);
    expect(fhir.tookMs).toBeGreaterThanOrEqual(0);
    const nothing = await api.listings.catalogue({ filter: { query: `${tag} zebrafish` } });
    expect(nothing.relax).toEqual([expect.objectContaining({ filter: "query" })]);
  });

  it("reads quotes and operators in a search as plain words, and names a NUL byte", async () => {
    const api = harness.callerFor(researcher);
    for (const query of [`"${tag}`, `${tag} & | ! ( <-> :*`, `-${tag}`, `'${tag}'`]) {
      const result = await api.listings.catalogue({ filter: { query } });
      expect(result.total).toBe(2);
    }
    // PostgreSQL text cannot hold U+0000: every procedure refuses it with a sentence (issue 15).
    await expect(api.listings.catalogue({ filter: { query: `${tag}\u0000` } })).rejects.toThrow(
      /filter\.query contains a NUL character/,
    );
  });

  it("never shows a listing before its anchor is seen on chain", async () => {
    const api = harness.callerFor(researcher);
    const participant = await harness.createUser("PARTICIPANT");
    const upload = await harness.upload(participant, SMALL_CSV);
    const { id } = await harness
      .callerFor(participant)
      .listings.createDraft(listingInput(upload.id, { title: `Unanchored ${tag}` }));
    await harness.act(participant, { type: "listing.publish", listingId: id });
    // Published and queued, not yet sent: the catalogue must not show it, however often asked.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const found = await api.listings.catalogue({ filter: { query: `unanchored ${tag}` } });
      expect(found.total).toBe(0);
      expect(await api.listings.catalogueIds({ filter: { query: `unanchored ${tag}` } })).toEqual(
        [],
      );
    }
    await harness.settle();
    const shown = await api.listings.catalogue({ filter: { query: `unanchored ${tag}` } });
    expect(shown.items.map((item) => item.id)).toEqual([id]);
    await harness.act(participant, { type: "listing.revokeConsent", listingId: id });
    await harness.settle();
    expect((await api.listings.catalogue({ filter: { query: `unanchored ${tag}` } })).total).toBe(
      0,
    );
  });

  it("sees a change another app server wrote, without being told", async () => {
    const api = harness.callerFor(researcher);
    const word = `zz${tag}moved`;
    // Written straight to the database, as another process would: this process's indexer
    // never hears of it, so only the change stamps can bring it to the search.
    await harness.db.listing.update({
      where: { id: ids.a! },
      data: { description: `readings ${tag} ${word}` },
    });
    await expect
      .poll(async () => (await api.listings.catalogue({ filter: { query: word } })).total, {
        timeout: 300_000,
      })
      .toBe(1);
    await harness.db.listing.update({ where: { id: ids.a! }, data: { status: "UNLISTED" } });
    await expect
      .poll(async () => (await api.listings.catalogue({ filter: { query: word } })).total, {
        timeout: 300_000,
      })
      .toBe(0);
    await harness.db.listing.update({ where: { id: ids.a! }, data: { status: "ACTIVE" } });
    // The cards show the owner's name: renaming the owner reaches them too.
    const { ownerId } = await harness.db.listing.findUniqueOrThrow({
      where: { id: ids.b! },
      select: { ownerId: true },
    });
    await harness.db.user.update({
      where: { id: ownerId },
      data: { displayName: `Renamed ${tag}` },
    });
    await expect
      .poll(
        async () =>
          (await api.listings.catalogue({ filter: { query: tag } })).items.find(
            (item) => item.id === ids.b,
          )?.ownerName,
        { timeout: 300_000 },
      )
      .toBe(`Renamed ${tag}`);
  });

  it("loads every listing it may show, page by page, past those it may not", async () => {
    const shownNow = () => harness.db.$queryRaw<{ id: string }[]>`
      SELECT l."id" FROM "Listing" l JOIN "ConsentTerms" c ON c."listingId" = l."id"
      WHERE l."status" = 'ACTIVE' AND l."anchorStatus" = 'CONFIRMED'
        AND c."revokedAt" IS NULL AND c."expiresAt" > now()
      ORDER BY l."id"`;
    // The first listing by id hidden: with small pages, a page holds nothing to show at once.
    const [first] = await shownNow();
    await harness.db.listing.update({ where: { id: first!.id }, data: { status: "UNLISTED" } });
    try {
      const shown = (await shownNow()).map((row) => row.id);
      const rows = await harness.db.listing.count();
      for (const pageSize of [1, 2, 3, 1_000]) {
        // What the page shows while a search waits: rows read of the table, moving forward.
        const progress: CatalogueLoad = { read: 0, total: 0 };
        const seen: number[] = [];
        let isReading = true;
        // Once per turn of the event loop: every page's query is at least one turn.
        const sample = () => {
          seen.push(progress.read);
          if (isReading) setImmediate(sample);
        };
        setImmediate(sample);
        const index = await readCatalogue(harness.db, pageSize, progress).finally(() => {
          isReading = false;
        });
        expect(progress).toEqual({ read: rows, total: rows });
        expect(seen).toEqual([...seen].sort((a, b) => a - b));
        if (pageSize === 1) expect(seen.some((read) => read > 0 && read < rows)).toBe(true);
        const found = index.search({ filter: {}, sort: "newest", offset: 0, limit: 10_000 });
        expect(found.items.map((item) => item.id).sort()).toEqual(shown);
        expect(found.total).toBe(shown.length);
      }
    } finally {
      await harness.db.listing.update({ where: { id: first!.id }, data: { status: "ACTIVE" } });
    }
  });

  it("tells the searcher nothing is loading once the catalogue is loaded; not a participant", async () => {
    const api = harness.callerFor(researcher);
    await api.listings.catalogue({ filter: {} });
    expect(await api.listings.catalogueStatus()).toBeNull();
    const participant = await harness.createUser("PARTICIPANT");
    await expectCode(harness.callerFor(participant).listings.catalogueStatus(), "FORBIDDEN");
  });

  it.runIf(Boolean(inject("postgresUrl")))(
    "misses no change that commits after a later one (PostgreSQL, two connections)",
    async () => {
      const api = harness.callerFor(researcher);
      const slow = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await slow.connect();
      try {
        // The slow transaction takes its id first, the fast one commits first.
        await slow.query("BEGIN");
        await slow.query(`UPDATE "Listing" SET "description" = $1 WHERE "id" = $2`, [
          `readings ${tag} slowword${tag}`,
          ids.a,
        ]);
        await harness.db.listing.update({
          where: { id: ids.b! },
          data: { description: `readings ${tag} fastword${tag}` },
        });
        await expect
          .poll(
            async () =>
              (await api.listings.catalogue({ filter: { query: `fastword${tag}` } })).total,
            { timeout: 300_000 },
          )
          .toBe(1);
        await slow.query("COMMIT");
        await expect
          .poll(
            async () =>
              (await api.listings.catalogue({ filter: { query: `slowword${tag}` } })).total,
            { timeout: 300_000 },
          )
          .toBe(1);
      } finally {
        await slow.end();
      }
    },
  );
});
