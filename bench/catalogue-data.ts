import { readFileSync } from "node:fs";
import Papa from "papaparse";
import { PURPOSES } from "~/server/services/consent/purposes";
import { toSearchTerms } from "~/server/services/listings/catalogue/search-terms";
import { CATALOGUE_PAGE_SIZE, CATALOGUE_SORTS } from "~/shared/catalogue-search";
import { syntheaFile } from "../test/support/synthea";

/**
 * What the catalogue benchmark seeds and asks. Listings name real conditions (Synthea's, as
 * often as Synthea's patients have them) and kinds of data; researchers type one to three
 * words of a condition or a kind of data, or nothing, add zero to three facets, pick any order
 * and go to any of the first five pages. Every request is a different draw.
 */
export const DATA_KINDS = [
  "HbA1c readings",
  "Blood pressure series",
  "Lipid panel",
  "Retinal images",
  "Sleep study",
  "Spirometry results",
  "ECG recordings",
  "Medication history",
  "Laboratory results",
  "Vital signs",
  "Wearable step counts",
  "Questionnaire answers",
];
export const TRIALS = 40;
export const RESEARCHER_WALLET = "0xbe000000000000000000000000000000000000b2";
export const OWNERS = 200;

/** Synthea records social circumstances as conditions too; no dataset is listed under those. */
const SOCIAL =
  /employment|education|labor force|transport|social|stress|violence|criminal|housing|partner abuse|refugee|risk activity|high school/i;

/** Clinical condition names, each repeated as often as it occurs in Synthea's conditions.csv. */
export function weightedConditions(): string[] {
  const { data } = Papa.parse<{ DESCRIPTION: string }>(
    readFileSync(syntheaFile("csv/conditions.csv"), "utf8"),
    { header: true, skipEmptyLines: true },
  );
  return data.map((row) => row.DESCRIPTION.trim()).filter((name) => name && !SOCIAL.test(name));
}

/** A small, seeded generator, so two runs ask the same sequence. */
export function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return {
    next,
    pick,
    int: (low: number, high: number) => low + Math.floor(next() * (high - low + 1)),
  };
}

/** Words a researcher would type: no stop words, no "(disorder)"-style suffixes. */
function wordsOf(text: string): string[] {
  return text
    .replace(/\((disorder|finding|situation|procedure)\)/g, "")
    .split(/[^\p{L}\p{N}'-]+/u)
    .filter((word) => word.length > 2 && toSearchTerms(word).length > 0);
}

export function createQueryGenerator(seed: number) {
  const conditions = weightedConditions();
  const distinctConditions = [...new Set(conditions)];
  const { next, pick, int } = random(seed);
  const today = Date.now();
  const isoDay = (offsetDays: number) =>
    new Date(today + offsetDays * 86_400_000).toISOString().slice(0, 10);
  const facets: (() => Record<string, unknown>)[] = [
    () => ({ dataType: pick(["CSV", "FHIR"]) }),
    () => ({ purpose: pick(PURPOSES).key }),
    () => ({ condition: pick(distinctConditions) }),
    () => ({ maxPrice: String(int(5, 80)) }),
    () => ({ minPrice: String(int(1, 50)) }),
    () => ({ minRecords: pick([50, 100, 500, 1000]) }),
    () => ({ trialId: `bench-trial-${int(1, TRIALS)}` }),
    () => ({ publishedAfter: isoDay(-int(30, 600)) }),
    () => ({ consentValidUntil: isoDay(int(30, 400)) }),
  ];
  return () => {
    const wordCount = pick([0, 1, 1, 1, 2, 2, 3]);
    const source = next() < 0.8 ? pick(conditions) : pick(DATA_KINDS);
    const words = wordsOf(source);
    const start = int(0, Math.max(0, words.length - wordCount));
    const query = words.slice(start, start + wordCount).join(" ");
    const filter: Record<string, unknown> = query ? { query } : {};
    const chosen = new Set<number>();
    const facetCount = int(0, 3);
    while (chosen.size < facetCount) chosen.add(int(0, facets.length - 1));
    for (const facet of chosen) Object.assign(filter, facets[facet]!());
    const page = int(1, 5);
    return {
      filter,
      sort: pick(CATALOGUE_SORTS),
      limit: CATALOGUE_PAGE_SIZE,
      cursor: (page - 1) * CATALOGUE_PAGE_SIZE,
    };
  };
}

/**
 * SQL that seeds `count` listings straight into the tables (COPY-speed: one statement per table,
 * generated in the database). Triggers are off while seeding: the app's index reads everything
 * when it starts, so the change stamps are not needed for these rows.
 */
export function seedCatalogueSql(count: number): string {
  const literal = (items: string[]) =>
    `ARRAY[${items.map((item) => `'${item.replaceAll("'", "''")}'`).join(",")}]::text[]`;
  const conditions = literal(weightedConditions());
  const kinds = literal(DATA_KINDS);
  const occurrences = weightedConditions().length;
  return `
    SET session_replication_role = replica;
    SELECT setseed(0.42);
    INSERT INTO "User" (id, role, "displayName", "walletAddress")
    SELECT 'bench-owner-' || g, 'PARTICIPANT', 'Participant ' || g, '0x' || lpad(to_hex(g), 40, '0')
    FROM generate_series(1, ${OWNERS}) g;
    INSERT INTO "User" (id, role, "displayName", "walletAddress") VALUES
      ('bench-researcher', 'RESEARCHER', 'Bench researcher', '${RESEARCHER_WALLET}');
    INSERT INTO "Trial" (id, "chainKey", "chainSalt", "registryId", title, phase, conditions, sites, "sponsorId", "anchorStatus")
    SELECT 'bench-trial-' || g, '0x' || lpad(to_hex(g), 64, 'f'), '0x' || lpad(to_hex(g), 64, '0'),
           'BENCH-' || lpad(g::text, 4, '0'), 'Bench trial ' || g, 'PHASE_2', ARRAY[]::text[],
           ARRAY[]::text[], 'bench-owner-1', 'CONFIRMED'
    FROM generate_series(1, ${TRIALS}) g;
    CREATE TEMP TABLE bench_condition AS
    SELECT n::int, name FROM unnest(${conditions}) WITH ORDINALITY AS c(name, n);
    CREATE UNIQUE INDEX ON bench_condition (n);
    CREATE TEMP TABLE bench_listing AS
    SELECT g,
      (${kinds})[1 + floor(random() * ${DATA_KINDS.length})::int] AS kind,
      -- One row per occurrence, so a uniform pick follows Synthea's frequencies.
      ARRAY(SELECT DISTINCT (SELECT name FROM bench_condition WHERE n = pick.k)
            FROM (SELECT 1 + floor(random() * ${occurrences})::int AS k
                  FROM generate_series(1, 1 + (g % 3))) pick) AS conds,
      10 + floor(exp(random() * 6))::int AS records
    FROM generate_series(1, ${count}) g;
    INSERT INTO "Listing" (id, "chainKey", "chainSalt", "ownerId", "trialId", title, description, "dataType",
                           conditions, "searchText", "recordCount", "dataRoot", "priceWei", status,
                           "anchorStatus", "createdAt", "updatedAt")
    SELECT 'bench-' || lpad(g::text, 8, '0'), '0x' || lpad(to_hex(g), 64, '0'), '0x' || lpad(to_hex(g), 64, '0'),
      'bench-owner-' || (1 + g % ${OWNERS}),
      CASE WHEN random() < 0.3 THEN 'bench-trial-' || (1 + floor(random() * ${TRIALS})::int) END,
      kind || ' — ' || conds[1],
      'De-identified ' || lower(kind) || ' of ' || records || ' participants with ' || array_to_string(conds, ', '),
      (CASE WHEN random() < 0.33 THEN 'FHIR' ELSE 'CSV' END)::"DataType",
      conds,
      kind || ' — ' || conds[1] || ' ' || array_to_string(conds, ' '),
      records, '0x' || lpad(to_hex(g), 64, '0'),
      (floor(50 + random() * 9950)::numeric * 10000000000000000),
      'ACTIVE', (CASE WHEN random() < 0.98 THEN 'CONFIRMED' ELSE 'PENDING' END)::"AnchorStatus",
      now() - (random() * interval '730 days'), now()
    FROM bench_listing;
    INSERT INTO "ConsentTerms" ("listingId", purposes, "expiresAt", "autoApprove", "termsHash", "revokedAt")
    SELECT 'bench-' || lpad(g::text, 8, '0'), 1 + floor(random() * 31)::int,
      now() + (CASE WHEN random() < 0.03 THEN -1 ELSE 1 END) * (30 + random() * 700) * interval '1 day',
      random() < 0.5, '0x' || lpad('0', 64, '0'),
      CASE WHEN random() < 0.02 THEN now() END
    FROM generate_series(1, ${count}) g;
    DROP TABLE bench_listing, bench_condition;
    SET session_replication_role = DEFAULT;
    ANALYZE;`;
}
