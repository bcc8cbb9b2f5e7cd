import "server-only";
import { PURPOSES } from "~/server/services/consent/purposes";
import { collectSlots, fillFromSlots, popcount } from "./bit-words";
import { countFacetWords } from "./facet-words";
import { createColumns, Interner, toCard, writeSlot } from "./index-columns";
import { RangeBuckets } from "./range-buckets";
import { createRangeTest, scanSlots, scoreOf, toFacets, toWanted } from "./scan-slots";
import { addSearchTerms, toQueryTerms } from "./search-terms";
import { Bitset, intersect, SlotSet } from "./slot-set";
import { SortedOrder } from "./sorted-order";
import { compareSlots, TopSlots } from "./top-slots";
import type {
  CatalogueDoc,
  CatalogueQuery,
  CatalogueResult,
  CatalogueSort,
  IndexColumns,
} from "./types";

/**
 * The catalogue's search index, held in memory by each app server and kept in step with the
 * database by catalogue-sync.ts. Each listing the catalogue may show (active, anchored, consent
 * in force) takes a slot; a changed listing takes a new slot and its old one dies, so slots are
 * only ever appended and the term sets stay sorted. Counts are exact: every match is counted.
 *
 * Two ways to answer. A search a rare word, a trial or a condition narrows to few candidates
 * looks at each (scan-slots.ts). A broad one (no words, a common word) works on bitsets a word
 * at a time: the range filters through bucketed prefix bitsets (range-buckets.ts), the facets as
 * popcounts (facet-words.ts), and the page by walking a pre-sorted order until it is full
 * (sorted-order.ts) rather than ranking every match.
 */
export type CatalogueIndexOptions = {
  /** Candidates below this many are looked at one by one; default: one per 32 slots. */
  scanBelow?: number;
  /** Matches below this many are ranked with a heap rather than by walking an order. */
  rankBelow?: number;
  /** Buckets per range column. */
  bucketCount?: number;
  /** Slots a bucket may hold past twice its share before its column is bucketed again. */
  bucketSlack?: number;
  /** Slots added to an order before it is merged again. */
  pendingLimit?: number;
};

const MAX_CACHED_CONDITIONS = 50_000;
/** Relevance with up to this many title terms groups the matches by title hits. */
const MAX_GROUPED_TITLE_TERMS = 3;

type WalkedSort = Exclude<CatalogueSort, "relevance">;
const WALKED_SORTS: WalkedSort[] = ["newest", "price_asc", "price_desc", "records_desc"];
const RANGE_COLUMNS = ["created", "price", "records", "expires"] as const;
type RangeColumn = (typeof RANGE_COLUMNS)[number];

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
  /** Terms of each condition name: a few thousand names, each on many listings. */
  private readonly termsOfCondition = new Map<string, string[]>();
  private readonly fhir = new Bitset();
  private readonly purposeSets = PURPOSES.map(() => new Bitset());
  private readonly ranges: Record<RangeColumn, RangeBuckets>;
  private readonly orders: Record<WalkedSort, SortedOrder>;
  /** Ranges and orders exist once a search needs them (not while the index is first loaded). */
  private isPrepared = false;
  private scratch = new Uint32Array(1024);
  private wordScratch = new Uint32Array(32);
  private scoreScratch = new Float64Array(1024);
  private groupScratch = new Uint32Array(32);
  private readonly titleScratch: Uint32Array[] = [];
  private readonly isAlive = (slot: number) => this.alive.has(slot);

  constructor(private readonly options: CatalogueIndexOptions = {}) {
    const buckets = () => new RangeBuckets(options.bucketCount ?? 32, options.bucketSlack);
    this.ranges = {
      created: buckets(),
      price: buckets(),
      records: buckets(),
      expires: buckets(),
    };
    const pendingLimit = options.pendingLimit ?? 2_048;
    this.orders = Object.fromEntries(
      WALKED_SORTS.map((sort) => [
        sort,
        new SortedOrder(compareSlots(this.columns, sort, null), pendingLimit),
      ]),
    ) as Record<WalkedSort, SortedOrder>;
  }

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
    const c = this.columns;
    writeSlot(c, slot, doc, this.shared);
    const terms = new Set<string>();
    addSearchTerms(doc.title, terms);
    for (const term of terms) addTo(this.titleTerms, term, slot);
    addSearchTerms(doc.description, terms);
    for (const condition of doc.conditions)
      for (const term of this.conditionTerms(condition)) terms.add(term);
    for (const term of terms) addTo(this.terms, term, slot);
    if (doc.trial) addTo(this.trials, doc.trial.id, slot);
    for (const condition of new Set(doc.conditions.map(normalizeCondition)))
      addTo(this.conditions, condition, slot);
    if (doc.dataType === "FHIR") this.fhir.add(slot);
    PURPOSES.forEach((purpose, index) => {
      if ((doc.purposes & purpose.bit) !== 0) this.purposeSets[index]!.add(slot);
    });
    this.alive.add(slot);
    this.slotOf.set(doc.id, slot);
    if (!this.isPrepared) return;
    for (const column of RANGE_COLUMNS) this.ranges[column].add(slot, c[column][slot]!);
    for (const sort of WALKED_SORTS) this.orders[sort].add(slot, this.isAlive);
  }

  remove(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.slotOf.delete(id);
    this.alive.delete(slot);
    // The slot stays (sets and orders still name it) but lets go of its texts until the next
    // rebuild; every search goes through `alive`, so none finds it. What the orders compare
    // (dates, prices, ids) stays, or a sorted order would no longer be sorted.
    const c = this.columns;
    c.titles[slot] = "";
    c.conditions[slot] = [];
    c.trials[slot] = null;
    this.deadCount += 1;
  }

  private conditionTerms(condition: string): string[] {
    let terms = this.termsOfCondition.get(condition);
    if (terms === undefined) {
      const found = new Set<string>();
      addSearchTerms(condition, found);
      terms = [...found];
      if (this.termsOfCondition.size >= MAX_CACHED_CONDITIONS) this.termsOfCondition.clear();
      this.termsOfCondition.set(condition, terms);
    }
    return terms;
  }

  /** Builds the range buckets and sorted orders (after a load; searches call it when needed). */
  prepare(): void {
    const live = this.liveSlots();
    for (const column of RANGE_COLUMNS)
      this.ranges[column].rebuild(this.columns[column], live, this.slotCount);
    for (const sort of WALKED_SORTS) this.orders[sort].build(live);
    this.isPrepared = true;
  }

  search(query: CatalogueQuery, now = Date.now()): CatalogueResult {
    if (!this.isPrepared) this.prepare();
    const lopsided = RANGE_COLUMNS.filter((column) => this.ranges[column].isLopsided);
    if (lopsided.length > 0) {
      const live = this.liveSlots();
      for (const column of lopsided)
        this.ranges[column].rebuild(this.columns[column], live, this.slotCount);
    }
    const { filter } = query;
    const terms = toQueryTerms(filter.query);
    const sets: SlotSet[] = [];
    const missing = () => ({
      items: [],
      total: 0,
      facets: toFacets(
        [0, 0],
        PURPOSES.map(() => 0),
      ),
    });
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
    const wordCount = Math.ceil(this.slotCount / 32);
    if (this.scratch.length < this.slotCount) this.scratch = new Uint32Array(this.slotCount * 2);
    if (this.wordScratch.length < wordCount) this.wordScratch = new Uint32Array(wordCount * 2);
    const words = this.wordScratch;
    const found = intersect(this.alive, sets, wordCount, this.scratch, words);
    const titleSets = terms.flatMap((term) => this.titleTerms.get(term) ?? []);
    const scoring =
      query.sort === "relevance" && titleSets.length > 0
        ? { scores: this.scores(), titleSets }
        : null;
    const order = compareSlots(this.columns, query.sort, scoring?.scores ?? null);
    const need = query.offset + query.limit;
    if (found.kind === "slots") {
      if (found.count < (this.options.scanBelow ?? wordCount)) {
        const { top, total, facets } = scanSlots({
          c: this.columns,
          slots: this.scratch,
          count: found.count,
          filter,
          now,
          need,
          order,
          scoring,
        });
        return { items: this.toCards(top, query.offset), total, facets };
      }
      fillFromSlots(words, wordCount, this.scratch, found.count);
    }
    this.restrictRanges(query, words, wordCount, now);
    const wanted = toWanted(filter);
    const counted = countFacetWords({
      words,
      wordCount,
      fhir: this.fhir.wordsFor(wordCount),
      purposes: this.purposeSets.map((set) => set.wordsFor(wordCount)),
      dataTypeWanted: wanted.dataType,
      purposeWanted: PURPOSES.findIndex((purpose) => purpose.bit === wanted.purposeBit),
      totalOnly: query.totalOnly === true && need === 0,
    });
    const top: number[] = [];
    // A walk takes about need * slots / matches steps of ~2 ns, a heap ~30 ns per match.
    const rankBelow = this.options.rankBelow ?? Math.sqrt((need * this.slotCount) / 16);
    if (need > 0 && counted.total > 0) {
      if (scoring && scoring.titleSets.length <= MAX_GROUPED_TITLE_TERMS) {
        this.rankByTitleHits(words, wordCount, scoring.titleSets, need, top);
      } else if (scoring || counted.total < rankBelow) {
        const count = collectSlots(words, wordCount, this.scratch);
        const heap = new TopSlots(need, order);
        for (let index = 0; index < count; index += 1) {
          const slot = this.scratch[index]!;
          if (scoring) scoring.scores[slot] = scoreOf(titleSets, slot);
          heap.offer(slot);
        }
        top.push(...heap.sorted());
      } else {
        const sort = query.sort === "relevance" ? "newest" : query.sort;
        this.orders[sort].collect(words, need, top);
      }
    }
    return {
      items: this.toCards(top, query.offset),
      total: counted.total,
      facets: toFacets(counted.dataTypeCounts, counted.purposeCounts),
    };
  }

  /**
   * Relevance for a broad search: the matches grouped by how many query terms their title holds
   * (most first), each group in newest order, which is relevance's order within a score. A group
   * is a word-at-a-time mask, walked in the newest order or ranked with a heap when small, so
   * a common word no longer costs a heap over all its matches.
   */
  private rankByTitleHits(
    words: Uint32Array,
    wordCount: number,
    titleSets: SlotSet[],
    need: number,
    top: number[],
  ) {
    const titles = titleSets.map((set, index) => {
      const bits = set.bitset;
      if (bits) return bits.wordsFor(wordCount);
      let scratch = this.titleScratch[index];
      if (!scratch || scratch.length < wordCount)
        this.titleScratch[index] = scratch = new Uint32Array(wordCount * 2);
      const list = set.sortedList!;
      fillFromSlots(scratch, wordCount, list, list.length);
      return scratch;
    });
    if (this.groupScratch.length < wordCount) this.groupScratch = new Uint32Array(wordCount * 2);
    const group = this.groupScratch;
    const none = new Uint32Array(0);
    const [a, b = none, c = none] = titles;
    const newest = compareSlots(this.columns, "newest", null);
    for (let score = titles.length; score >= 0 && top.length < need; score -= 1) {
      let count = 0;
      for (let word = 0; word < wordCount; word += 1) {
        const candidates = words[word]!;
        if (candidates === 0) {
          group[word] = 0;
          continue;
        }
        const x = a![word]!;
        const y = b[word] ?? 0;
        const z = c[word] ?? 0;
        const three = x & y & z;
        const twoOrMore = (x & y) | (x & z) | (y & z);
        const odd = x ^ y ^ z;
        const exactly =
          score === 3
            ? three
            : score === 2
              ? twoOrMore & ~three
              : score === 1
                ? odd & ~three
                : ~(x | y | z);
        const mask = candidates & exactly;
        group[word] = mask;
        count += popcount(mask);
      }
      if (count === 0) continue;
      const wanted = need - top.length;
      const rankBelow = this.options.rankBelow ?? Math.sqrt((wanted * this.slotCount) / 16);
      if (count < rankBelow) {
        const found = collectSlots(group, wordCount, this.scratch);
        const heap = new TopSlots(wanted, newest);
        for (let index = 0; index < found; index += 1) heap.offer(this.scratch[index]!);
        top.push(...heap.sorted());
      } else {
        const walked: number[] = [];
        this.orders.newest.collect(group, wanted, walked);
        top.push(...walked);
      }
    }
  }

  private restrictRanges(
    query: CatalogueQuery,
    words: Uint32Array,
    wordCount: number,
    now: number,
  ) {
    const { filter } = query;
    const test = createRangeTest(this.columns, filter, now);
    const { created, records, expires, price } = this.columns;
    const at = (value: number, isInclusive = true) => ({ value, isInclusive });
    this.ranges.expires.restrict(
      words,
      wordCount,
      test.validUntil > now ? at(test.validUntil) : at(now, false),
      null,
      test.isExpiryOk,
      expires,
    );
    const atLeast = (buckets: RangeBuckets, values: Float64Array, from: number) =>
      buckets.restrict(words, wordCount, at(from), null, (slot) => values[slot]! >= from, values);
    if (filter.minRecords !== undefined) atLeast(this.ranges.records, records, test.minRecords);
    if (filter.publishedAfter !== undefined)
      atLeast(this.ranges.created, created, test.createdFrom);
    if (filter.minPriceWei !== undefined || filter.maxPriceWei !== undefined)
      this.ranges.price.restrict(
        words,
        wordCount,
        filter.minPriceWei === undefined ? null : at(test.minPriceApprox),
        filter.maxPriceWei === undefined ? null : at(test.maxPriceApprox),
        test.isPriceOk,
        price,
      );
  }

  private toCards(top: number[], offset: number) {
    return top.slice(offset).map((slot) => toCard(this.columns, slot));
  }

  private liveSlots(): Uint32Array {
    const wordCount = Math.ceil(this.slotCount / 32);
    const slots = new Uint32Array(this.slotOf.size);
    collectSlots(this.alive.wordsFor(wordCount), wordCount, slots);
    return slots;
  }

  /** Scratch space for one search's scores (searches run one at a time on this thread). */
  private scores(): Float64Array {
    if (this.scoreScratch.length < this.slotCount)
      this.scoreScratch = new Float64Array(this.slotCount * 2);
    return this.scoreScratch;
  }
}

function normalizeCondition(condition: string): string {
  return condition.normalize("NFKC").trim().toLowerCase();
}
