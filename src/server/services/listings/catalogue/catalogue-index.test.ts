import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatUnits } from "ethers";
import { fromPurposeMask, PURPOSES, type PurposeKey } from "~/server/services/consent/purposes";
import { CatalogueIndex, type CatalogueIndexOptions } from "./catalogue-index";
import { stem } from "porter2";
import { MAX_QUERY_TERMS, STOP_WORDS } from "./search-terms";
import type { CatalogueDoc, CatalogueQuery, CatalogueSort, IndexFilter } from "./types";

/**
 * The index against the plainest possible reading of the rules: filter every listing, sort
 * them all, count the facets. Random listings, random changes and random searches must agree.
 */
const NOW = Date.UTC(2026, 11, 1);
const DAY = 86_400_000;
// Some not plain ASCII: a full-width letter, a ligature and accents NFKC folds or keeps.
const WORDS = [
  ...["diabetes", "diabetic", "asthma", "chronic", "pain", "heart", "lipid", "sleep"],
  ...["Ｈeart", "\ufb01brosis", "fibrosis", "café", "Ölfaktorisch", "naïve"],
];
const CONDITIONS = ["Diabetes", "Asthma", "Chronic pain", "Hypertension"];
const SORTS: CatalogueSort[] = ["newest", "relevance", "price_asc", "price_desc", "records_desc"];
const WEI = 10n ** 18n;

const docArbitrary = fc.record({
  id: fc.integer({ min: 0, max: 60 }).map((n) => `listing-${n}`),
  title: fc.array(fc.constantFrom(...WORDS), { maxLength: 3 }).map((words) => words.join(" ")),
  description: fc.array(fc.constantFrom(...WORDS), { maxLength: 4 }).map((w) => w.join(" ")),
  conditions: fc.uniqueArray(fc.constantFrom(...CONDITIONS), { maxLength: 2 }),
  trial: fc
    .constantFrom(null, "trial-1", "trial-2")
    .map((id) => (id ? { id, registryId: id.toUpperCase(), title: `Trial ${id}` } : null)),
  ownerName: fc.constantFrom("Dana", "Sam"),
  autoApprove: fc.boolean(),
  dataType: fc.constantFrom("CSV" as const, "FHIR" as const),
  // Prices a double cannot hold exactly, and ties, on purpose.
  priceWei: fc.constantFrom(WEI, 5n * WEI, 5n * WEI + 1n, 5n * WEI + 2n, 12345678901234567891n),
  recordCount: fc.integer({ min: 1, max: 5 }),
  createdAt: fc.integer({ min: 0, max: 5 }).map((n) => NOW - n * DAY),
  purposes: fc.integer({ min: 1, max: 31 }),
  expiresAt: fc.integer({ min: -1, max: 3 }).map((n) => NOW + n * DAY),
}) satisfies fc.Arbitrary<CatalogueDoc>;

const filterArbitrary: fc.Arbitrary<IndexFilter> = fc.record(
  {
    query: fc
      .array(fc.constantFrom(...WORDS, "the", "unknownword", '"quoted"', "-not"), { maxLength: 3 })
      .map((words) => words.join(" ")),
    trialId: fc.constantFrom("trial-1", "trial-2", "trial-3"),
    condition: fc.constantFrom(...CONDITIONS, "chronic PAIN", "Unknown"),
    dataType: fc.constantFrom("CSV" as const, "FHIR" as const),
    purpose: fc.constantFrom(...PURPOSES.map((purpose) => purpose.key)),
    minPriceWei: fc.constantFrom(5n * WEI, 5n * WEI + 1n, 12345678901234567891n),
    maxPriceWei: fc.constantFrom(5n * WEI, 5n * WEI + 1n, 12345678901234567890n),
    minRecords: fc.integer({ min: 1, max: 5 }),
    publishedAfter: fc.integer({ min: 0, max: 5 }).map((n) => new Date(NOW - n * DAY)),
    consentValidUntil: fc.integer({ min: 0, max: 3 }).map((n) => new Date(NOW + n * DAY)),
  },
  { requiredKeys: [] },
);

/** Terms the plainest way (no fast path for ASCII, no memo), to check the index's. */
function naiveTerms(text: string, limit = Number.POSITIVE_INFINITY): string[] {
  const words =
    text
      .normalize("NFKC")
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  const terms = words
    .filter((word) => word.length <= 40 && !STOP_WORDS.has(word))
    .map((word) => (/^[a-z]+$/.test(word) ? stem(word) : word));
  return [...new Set(terms)].slice(0, limit);
}

function matches(doc: CatalogueDoc, filter: IndexFilter, skip?: "dataType" | "purpose") {
  const terms = new Set(naiveTerms(`${doc.title} ${doc.description} ${doc.conditions.join(" ")}`));
  const bit = (key: PurposeKey) => PURPOSES.find((purpose) => purpose.key === key)!.bit;
  return (
    doc.expiresAt > NOW &&
    naiveTerms(filter.query ?? "", MAX_QUERY_TERMS).every((term) => terms.has(term)) &&
    (!filter.trialId || doc.trial?.id === filter.trialId) &&
    (!filter.condition ||
      doc.conditions.some((c) => c.toLowerCase() === filter.condition!.trim().toLowerCase())) &&
    (skip === "dataType" || !filter.dataType || doc.dataType === filter.dataType) &&
    (skip === "purpose" || !filter.purpose || (doc.purposes & bit(filter.purpose)) !== 0) &&
    (filter.minPriceWei === undefined || doc.priceWei >= filter.minPriceWei) &&
    (filter.maxPriceWei === undefined || doc.priceWei <= filter.maxPriceWei) &&
    (filter.minRecords === undefined || doc.recordCount >= filter.minRecords) &&
    (!filter.publishedAfter || doc.createdAt >= filter.publishedAfter.getTime()) &&
    (!filter.consentValidUntil || doc.expiresAt >= filter.consentValidUntil.getTime())
  );
}

function reference(docs: Map<string, CatalogueDoc>, query: CatalogueQuery) {
  const { filter } = query;
  const all = [...docs.values()];
  const found = all.filter((doc) => matches(doc, filter));
  const titleHits = (doc: CatalogueDoc) => {
    const title = new Set(naiveTerms(doc.title));
    return naiveTerms(filter.query ?? "", MAX_QUERY_TERMS).filter((term) => title.has(term)).length;
  };
  const newest = (a: CatalogueDoc, b: CatalogueDoc) =>
    b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
  const sign = (value: bigint) => (value < 0n ? -1 : value > 0n ? 1 : 0);
  const order: Record<CatalogueSort, (a: CatalogueDoc, b: CatalogueDoc) => number> = {
    newest,
    relevance: (a, b) => titleHits(b) - titleHits(a) || newest(a, b),
    price_asc: (a, b) => sign(a.priceWei - b.priceWei) || newest(a, b),
    price_desc: (a, b) => sign(b.priceWei - a.priceWei) || newest(a, b),
    records_desc: (a, b) => b.recordCount - a.recordCount || newest(a, b),
  };
  const withoutDataType = all.filter((doc) => matches(doc, filter, "dataType"));
  const withoutPurpose = all.filter((doc) => matches(doc, filter, "purpose"));
  return {
    items: found
      .sort(order[query.sort])
      .slice(query.offset, query.offset + query.limit)
      .map((doc) => ({
        id: doc.id,
        title: doc.title,
        dataType: doc.dataType,
        conditions: doc.conditions,
        recordCount: doc.recordCount,
        price: formatUnits(doc.priceWei, 18),
        anchor: { status: "CONFIRMED" },
        ownerName: doc.ownerName,
        trial: doc.trial,
        createdAt: new Date(doc.createdAt),
        consent: {
          purposes: fromPurposeMask(doc.purposes),
          expiresAt: new Date(doc.expiresAt),
          autoApprove: doc.autoApprove,
        },
      })),
    total: found.length,
    facets: {
      dataType: {
        CSV: withoutDataType.filter((doc) => doc.dataType === "CSV").length,
        FHIR: withoutDataType.filter((doc) => doc.dataType === "FHIR").length,
      },
      purpose: Object.fromEntries(
        PURPOSES.map((purpose) => [
          purpose.key,
          withoutPurpose.filter((doc) => (doc.purposes & purpose.bit) !== 0).length,
        ]),
      ),
    },
  };
}

// Broad searches too (none or one filter), or most pages would be empty.
const someFilterArbitrary = fc.oneof(
  filterArbitrary,
  fc.constant({}),
  filterArbitrary.map((filter) => Object.fromEntries(Object.entries(filter).slice(0, 1))),
);

const queryArbitrary = fc.record({
  filter: someFilterArbitrary,
  sort: fc.constantFrom(...SORTS),
  offset: fc.integer({ min: 0, max: 6 }),
  limit: fc.integer({ min: 0, max: 7 }),
});

/**
 * Each way of answering, forced: one by one (scan), word by word with a heap or with the sorted
 * orders, tiny buckets (most slots on a boundary, re-bucketed often) and orders merged after two
 * additions; and the defaults, which choose per search.
 */
const STRATEGIES: [string, CatalogueIndexOptions][] = [
  ["the defaults", {}],
  ["scanning every candidate", { scanBelow: Number.POSITIVE_INFINITY }],
  [
    "bitsets and sorted orders",
    { scanBelow: 0, rankBelow: 0, bucketCount: 3, bucketSlack: 0, pendingLimit: 2 },
  ],
  ["bitsets and a heap", { scanBelow: 0, rankBelow: Number.POSITIVE_INFINITY, bucketCount: 2 }],
  ["bitsets, many buckets", { scanBelow: 0, rankBelow: 0, bucketCount: 64, pendingLimit: 0 }],
];

describe("catalogue index", () => {
  it.each(STRATEGIES)(
    "answers every search as a full scan of the listings would, between any changes (%s)",
    (_name, options) => {
      fc.assert(
        fc.property(
          fc.array(
            fc.oneof(
              { arbitrary: docArbitrary, weight: 4 },
              { arbitrary: fc.integer({ min: 0, max: 60 }), weight: 1 },
              { arbitrary: queryArbitrary, weight: 1 },
            ),
            { maxLength: 160, size: "max" },
          ),
          fc.array(queryArbitrary, { minLength: 1, maxLength: 6 }),
          (steps, finalQueries) => {
            const index = new CatalogueIndex(options);
            const docs = new Map<string, CatalogueDoc>();
            for (const step of steps) {
              if (typeof step === "number") {
                index.remove(`listing-${step}`);
                docs.delete(`listing-${step}`);
              } else if ("filter" in step) {
                expect(index.search(step, NOW)).toEqual(reference(docs, step));
              } else {
                index.put(step);
                docs.set(step.id, step);
              }
            }
            expect(index.size).toBe(docs.size);
            for (const query of finalQueries) {
              const expected = reference(docs, query);
              expect(index.search(query, NOW)).toEqual(expected);
              // The total alone, as the "drop this filter" hints ask for it.
              const counted = { ...query, offset: 0, limit: 0, totalOnly: true };
              expect(index.search(counted, NOW).total).toBe(expected.total);
            }
          },
        ),
        { numRuns: 100 },
      );
    },
  );

  it("reads malformed search syntax as plain words", () => {
    const index = new CatalogueIndex();
    index.put({
      id: "a",
      title: "Diabetic retinopathy images",
      description: "",
      conditions: ["Diabetes"],
      trial: null,
      ownerName: "Dana",
      autoApprove: false,
      dataType: "CSV",
      priceWei: WEI,
      recordCount: 3,
      createdAt: NOW - DAY,
      purposes: 1,
      expiresAt: NOW + DAY,
    });
    const search = (query: string) =>
      index
        .search({ filter: { query }, sort: "relevance", offset: 0, limit: 10 }, NOW)
        .items.map((item) => item.id);
    for (const query of [
      '"diabetes',
      "diabetes & | ! (",
      "diabetes\u0000",
      "-diabetes:*",
      "DIABETIC'S",
    ])
      expect(search(query)).toEqual(["a"]);
    expect(search(`${"retinopathy ".repeat(5_000)}`)).toEqual(["a"]);
    expect(search("the of and")).toEqual(["a"]);
    expect(search("retinopathy asthma")).toEqual([]);
  });

  it("uses bitsets once a term is common and stays exact across the switch", () => {
    const index = new CatalogueIndex();
    for (let n = 0; n < 5_000; n += 1)
      index.put({
        id: `l-${n}`,
        title: n % 3 === 0 ? "asthma series" : `rare${n} lipid`,
        description: "",
        conditions: [],
        trial: null,
        ownerName: "Dana",
        autoApprove: false,
        dataType: n % 2 ? "FHIR" : "CSV",
        priceWei: BigInt(n) * WEI,
        recordCount: n,
        createdAt: NOW - n,
        purposes: 1 + (n % 31),
        expiresAt: NOW + DAY,
      });
    for (let n = 0; n < 5_000; n += 7) index.remove(`l-${n}`);
    const result = index.search(
      { filter: { query: "asthma", dataType: "FHIR" }, sort: "price_desc", offset: 0, limit: 3 },
      NOW,
    );
    const expected = Array.from({ length: 5_000 }, (_, n) => n).filter(
      (n) => n % 3 === 0 && n % 2 === 1 && n % 7 !== 0,
    );
    expect(result.total).toBe(expected.length);
    expect(result.items.map((item) => item.id)).toEqual(
      expected
        .reverse()
        .slice(0, 3)
        .map((n) => `l-${n}`),
    );
  });
});

describe("relevance", () => {
  it.each([
    ["walked", { scanBelow: 0, rankBelow: 0 }],
    ["ranked with a heap", { scanBelow: 0, rankBelow: Number.POSITIVE_INFINITY }],
    ["scanned", {}],
  ] as const)("ranks by title hits, then newest, for one to three words (%s)", (_name, options) => {
    const index = new CatalogueIndex(options);
    const docs = new Map<string, CatalogueDoc>();
    const words = ["asthma", "lipid", "sleep"];
    // Every subset of the three words as the title (twice each), all three in the description.
    for (let n = 0; n < 16; n += 1) {
      const doc: CatalogueDoc = {
        id: `r-${n}`,
        title: words.filter((_word, bit) => ((n % 8) & (1 << bit)) !== 0).join(" "),
        description: words.join(" "),
        conditions: [],
        trial: null,
        ownerName: "Dana",
        autoApprove: false,
        dataType: "CSV",
        priceWei: WEI,
        recordCount: 1,
        createdAt: NOW - n * DAY,
        purposes: 1,
        expiresAt: NOW + DAY,
      };
      index.put(doc);
      docs.set(doc.id, doc);
    }
    for (const query of ["asthma", "asthma lipid", "asthma lipid sleep", "sleep lipid"])
      for (const [offset, limit] of [
        [0, 16],
        [3, 5],
        [10, 6],
      ] as const) {
        const search = { filter: { query }, sort: "relevance" as const, offset, limit };
        expect(index.search(search, NOW)).toEqual(reference(docs, search));
      }
  });
});

describe("slot sets", () => {
  it("intersects a bitset that filled early with a longer set that is still a list", () => {
    const index = new CatalogueIndex();
    const doc = (n: number, title: string) => ({
      id: `l-${n}`,
      title,
      description: "",
      conditions: [],
      trial: null,
      ownerName: "Dana",
      autoApprove: true,
      dataType: "CSV" as const,
      priceWei: WEI,
      recordCount: 1,
      createdAt: NOW - n,
      purposes: 1,
      expiresAt: NOW + DAY,
    });
    // "early" is dense in the first slots, so a bitset with few entries; "late" is sparse over
    // many slots, so a longer list.
    for (let n = 0; n < 8; n += 1) index.put(doc(n, "early"));
    for (let n = 8; n < 4_000; n += 1)
      index.put(doc(n, n % 200 === 0 ? "early late" : n % 40 === 0 ? "late" : "filler"));
    const result = index.search(
      { filter: { query: "early late" }, sort: "newest", offset: 0, limit: 20 },
      NOW,
    );
    expect(result.total).toBe(19);
  });
});

describe("changes after the index is prepared", () => {
  const doc = (n: number, changes: Partial<CatalogueDoc> = {}): CatalogueDoc => ({
    id: `l-${n}`,
    title: "Lipid panel",
    description: "",
    conditions: ["Hypertension"],
    trial: null,
    ownerName: "Dana",
    autoApprove: false,
    dataType: n % 2 ? "FHIR" : "CSV",
    priceWei: BigInt(n + 1) * WEI,
    recordCount: 10 + n,
    createdAt: NOW - n * DAY,
    purposes: 1 + (n % 31),
    expiresAt: NOW + (n + 1) * DAY,
    ...changes,
  });
  const ids = (index: CatalogueIndex, query: Partial<CatalogueQuery>) =>
    index
      .search({ filter: {}, sort: "newest", offset: 0, limit: 5, ...query }, NOW)
      .items.map((item) => item.id);

  it("moves a changed listing in every order and range, and forgets a removed one", () => {
    // Orders and buckets only (no scan, no heap), merged and re-bucketed after few changes.
    const index = new CatalogueIndex({
      scanBelow: 0,
      rankBelow: 0,
      bucketCount: 4,
      bucketSlack: 0,
      pendingLimit: 3,
    });
    for (let n = 0; n < 200; n += 1) index.put(doc(n));
    index.prepare();
    expect(ids(index, { sort: "price_desc" })).toEqual([
      "l-199",
      "l-198",
      "l-197",
      "l-196",
      "l-195",
    ]);
    // The cheapest becomes the dearest, the oldest the newest; the newest goes.
    index.put(doc(0, { priceWei: 1_000n * WEI }));
    index.put(doc(150, { createdAt: NOW + DAY, recordCount: 5_000 }));
    index.remove("l-1");
    for (let n = 200; n < 210; n += 1) index.put(doc(n, { priceWei: WEI / 2n }));
    expect(ids(index, { sort: "price_desc" })).toEqual(["l-0", "l-199", "l-198", "l-197", "l-196"]);
    expect(ids(index, { sort: "price_asc" }).slice(0, 2)).toEqual(["l-200", "l-201"]);
    expect(ids(index, { sort: "newest" })).toEqual(["l-150", "l-0", "l-2", "l-3", "l-4"]);
    expect(ids(index, { sort: "records_desc" })[0]).toBe("l-150");
    expect(ids(index, { filter: { minRecords: 1_000 } })).toEqual(["l-150"]);
    expect(ids(index, { filter: { minPriceWei: 500n * WEI } })).toEqual(["l-0"]);
    expect(ids(index, { filter: { maxPriceWei: WEI } })).toEqual(
      [200, 201, 202, 203, 204].map((n) => `l-${n}`),
    );
    const all = index.search({ filter: {}, sort: "newest", offset: 0, limit: 0 }, NOW);
    expect(all.total).toBe(209);
    expect(all.facets.dataType.CSV + all.facets.dataType.FHIR).toBe(209);
    // Consent runs out as time passes: three days later l-0 and l-2 are no longer shown.
    const later = index.search({ filter: {}, sort: "newest", offset: 0, limit: 0 }, NOW + 3 * DAY);
    expect(later.total).toBe(209 - 2);
  });
});
