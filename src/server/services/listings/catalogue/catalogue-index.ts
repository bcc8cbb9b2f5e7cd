import { PURPOSES } from "~/server/services/consent/purposes";
import { Bitset, intersect, SlotSet } from "./slot-set";
import { toQueryTerms, toSearchTerms } from "./search-terms";
import { compareSlots, TopSlots } from "./top-slots";
import {
  createColumns,
  DATA_TYPES,
  exactPrice,
  Interner,
  toCard,
  writeSlot,
} from "./index-columns";
import type { CatalogueDoc, CatalogueQuery, CatalogueResult, IndexColumns } from "./types";

/**
 * The catalogue's search index, held in memory by each app server and kept in step with the
 * database by catalogue-sync.ts. Each listing the catalogue may show (active, anchored, consent
 * in force) takes a slot; a changed listing takes a new slot and its old one dies, so slots are
 * only ever appended and the term sets stay sorted. Counts are exact: every match is counted.
 */
const PURPOSE_BITS = PURPOSES.map((purpose) => purpose.bit);
/** Every purpose mask (the bits are 1 << index, see purposes.ts). */
const MASKS = 1 << PURPOSES.length;

function addTo(map: Map<string, SlotSet>, key: string, slot: number) {
  let set = map.get(key);
  if (!set) map.set(key, (set = new SlotSet()));
  set.add(slot);
}

export class CatalogueIndex {
  private slotCount = 0;
  private deadCount = 0;
  private readonly alive = new Bitset();
  private readonly slotOf = new Map<string, number>();
  private readonly columns: IndexColumns = createColumns();
  private readonly shared = new Interner();
  private readonly terms = new Map<string, SlotSet>();
  private readonly titleTerms = new Map<string, SlotSet>();
  private readonly trials = new Map<string, SlotSet>();
  private readonly conditions = new Map<string, SlotSet>();
  private scratch = new Uint32Array(1024);
  private scoreScratch = new Float64Array(1024);

  get size(): number {
    return this.slotOf.size;
  }

  /** Dead slots cost memory and time; past a quarter of all, the index is worth rebuilding. */
  get isWorthRebuilding(): boolean {
    return this.deadCount > 10_000 && this.deadCount * 4 > this.slotCount;
  }

  /** Adds a listing, or replaces what the index knew of it. */
  put(doc: CatalogueDoc): void {
    this.remove(doc.id);
    const slot = this.slotCount++;
    writeSlot(this.columns, slot, doc, this.shared);
    for (const term of toSearchTerms(`${doc.title} ${doc.description} ${doc.conditions.join(" ")}`))
      addTo(this.terms, term, slot);
    for (const term of toSearchTerms(doc.title)) addTo(this.titleTerms, term, slot);
    if (doc.trial) addTo(this.trials, doc.trial.id, slot);
    for (const condition of new Set(doc.conditions.map(normalizeCondition)))
      addTo(this.conditions, condition, slot);
    this.alive.add(slot);
    this.slotOf.set(doc.id, slot);
  }

  remove(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.slotOf.delete(id);
    this.alive.delete(slot);
    // The slot stays (term sets still name it) but lets go of its texts until the next rebuild.
    const c = this.columns;
    c.exactPrice.delete(slot);
    c.titles[slot] = "";
    c.conditions[slot] = [];
    c.trials[slot] = null;
    this.deadCount += 1;
  }

  search(query: CatalogueQuery, now = Date.now()): CatalogueResult {
    const { filter } = query;
    const terms = toQueryTerms(filter.query);
    const sets: SlotSet[] = [];
    const missing = () => ({ items: [], total: 0, facets: emptyFacets() });
    for (const term of terms) {
      const set = this.terms.get(term);
      if (!set) return missing();
      sets.push(set);
    }
    if (filter.trialId) {
      const set = this.trials.get(filter.trialId);
      if (!set) return missing();
      sets.push(set);
    }
    if (filter.condition) {
      const set = this.conditions.get(normalizeCondition(filter.condition));
      if (!set) return missing();
      sets.push(set);
    }
    if (this.scratch.length < this.slotCount) this.scratch = new Uint32Array(this.slotCount * 2);
    const count = intersect(this.alive, sets, this.slotCount, this.scratch);
    return this.scan(query, terms, count, now);
  }

  /**
   * One pass over the candidates: the filters no set answers, the facet counts, and the top of
   * the requested order. A facet's counts ignore its own filter, so the researcher sees what
   * choosing another value would give.
   */
  /** Scratch space for one search's scores (searches run one at a time on this thread). */
  private scores(): Float64Array {
    if (this.scoreScratch.length < this.slotCount)
      this.scoreScratch = new Float64Array(this.slotCount * 2);
    return this.scoreScratch;
  }

  private scan(query: CatalogueQuery, terms: string[], count: number, now: number) {
    const { filter } = query;
    const c = this.columns;
    const candidates = this.scratch;
    const dataTypeWanted = filter.dataType ? DATA_TYPES.indexOf(filter.dataType) : -1;
    const purposeWanted = filter.purpose
      ? PURPOSES.find((purpose) => purpose.key === filter.purpose)!.bit
      : 0;
    const minPrice = filter.minPriceWei;
    const maxPrice = filter.maxPriceWei;
    const minPriceApprox = minPrice === undefined ? -Infinity : Number(minPrice);
    const maxPriceApprox = maxPrice === undefined ? Infinity : Number(maxPrice);
    const minRecords = filter.minRecords ?? -Infinity;
    const createdFrom = filter.publishedAfter?.getTime() ?? -Infinity;
    const validUntil = filter.consentValidUntil?.getTime() ?? -Infinity;
    const hasRange =
      minPrice !== undefined ||
      maxPrice !== undefined ||
      filter.minRecords !== undefined ||
      filter.publishedAfter !== undefined ||
      filter.consentValidUntil !== undefined;
    // Matches counted per (data type, purpose mask): a few counters give every facet count after.
    const combos = new Uint32Array(DATA_TYPES.length * MASKS);
    // Relevance: how many of the query's words the title holds (then newest first).
    const titleSets = terms.flatMap((term) => this.titleTerms.get(term) ?? []);
    const scores = query.sort === "relevance" && titleSets.length > 0 ? this.scores() : null;
    const top = new TopSlots(query.offset + query.limit, compareSlots(c, query.sort, scores));
    const { expires, records, created, price: prices, dataType: dataTypes, purposes: masks } = c;
    let total = 0;
    for (let index = 0; index < count; index += 1) {
      const slot = candidates[index]!;
      const expiresAt = expires[slot]!;
      if (expiresAt <= now) continue;
      if (hasRange) {
        if (expiresAt < validUntil || records[slot]! < minRecords || created[slot]! < createdFrom)
          continue;
        const price = prices[slot]!;
        if (price < minPriceApprox || price > maxPriceApprox) continue;
        if (
          (price === minPriceApprox && exactPrice(c, slot) < minPrice!) ||
          (price === maxPriceApprox && exactPrice(c, slot) > maxPrice!)
        )
          continue;
      }
      const dataType = dataTypes[slot]!;
      const purposes = masks[slot]!;
      combos[dataType * MASKS + purposes]! += 1;
      if (
        (dataTypeWanted < 0 || dataType === dataTypeWanted) &&
        (purposeWanted === 0 || (purposes & purposeWanted) !== 0)
      ) {
        total += 1;
        if (scores) {
          let score = 0;
          for (const set of titleSets) if (set.has(slot)) score += 1;
          scores[slot] = score;
        }
        top.offer(slot);
      }
    }
    const dataTypeCounts = [0, 0];
    const purposeCounts = PURPOSE_BITS.map(() => 0);
    for (let combo = 0; combo < combos.length; combo += 1) {
      const matches = combos[combo]!;
      if (matches === 0) continue;
      const dataType = Math.floor(combo / MASKS);
      const purposes = combo % MASKS;
      if (purposeWanted === 0 || (purposes & purposeWanted) !== 0)
        dataTypeCounts[dataType]! += matches;
      if (dataTypeWanted < 0 || dataType === dataTypeWanted)
        PURPOSE_BITS.forEach((bit, purpose) => {
          if ((purposes & bit) !== 0) purposeCounts[purpose]! += matches;
        });
    }
    return {
      items: top
        .sorted()
        .slice(query.offset)
        .map((slot) => toCard(c, slot)),
      total,
      facets: {
        dataType: { CSV: dataTypeCounts[0]!, FHIR: dataTypeCounts[1]! },
        purpose: Object.fromEntries(
          PURPOSES.map((purpose, index) => [purpose.key, purposeCounts[index]!]),
        ) as CatalogueResult["facets"]["purpose"],
      },
    };
  }
}

function normalizeCondition(condition: string): string {
  return condition.normalize("NFKC").trim().toLowerCase();
}

function emptyFacets(): CatalogueResult["facets"] {
  return {
    dataType: { CSV: 0, FHIR: 0 },
    purpose: Object.fromEntries(PURPOSES.map((purpose) => [purpose.key, 0])) as Record<
      (typeof PURPOSES)[number]["key"],
      number
    >,
  };
}
