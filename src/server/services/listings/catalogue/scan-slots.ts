import "server-only";
import { PURPOSES } from "~/server/services/consent/purposes";
import { DATA_TYPES, exactPrice } from "./index-columns";
import type { SlotSet } from "./slot-set";
import { TopSlots, type SlotOrder } from "./top-slots";
import type { CatalogueFacets, IndexColumns, IndexFilter } from "./types";

/**
 * The search of a few candidates (those a rare word, a trial or a condition leaves): one pass
 * over them for the filters no set answers, the facet counts and the top of the requested order
 * (a bounded heap). A facet's counts ignore its own filter, so the researcher sees what choosing
 * another value would give.
 */
const PURPOSE_BITS = PURPOSES.map((purpose) => purpose.bit);
/** Every purpose mask (the bits are 1 << index, see purposes.ts). */
const MASKS = 1 << PURPOSES.length;

export type Wanted = { dataType: number; purposeBit: number };

export function toWanted(filter: IndexFilter): Wanted {
  return {
    dataType: filter.dataType ? DATA_TYPES.indexOf(filter.dataType) : -1,
    purposeBit: filter.purpose
      ? PURPOSES.find((purpose) => purpose.key === filter.purpose)!.bit
      : 0,
  };
}

/** Whether `slot` passes the range filters (price exactly, even where a double cannot). */
export function createRangeTest(c: IndexColumns, filter: IndexFilter, now: number) {
  const minPrice = filter.minPriceWei;
  const maxPrice = filter.maxPriceWei;
  const minPriceApprox = minPrice === undefined ? -Infinity : Number(minPrice);
  const maxPriceApprox = maxPrice === undefined ? Infinity : Number(maxPrice);
  const minRecords = filter.minRecords ?? -Infinity;
  const createdFrom = filter.publishedAfter?.getTime() ?? -Infinity;
  const validUntil = filter.consentValidUntil?.getTime() ?? -Infinity;
  return {
    minPriceApprox,
    maxPriceApprox,
    minRecords,
    createdFrom,
    validUntil,
    isExpiryOk: (slot: number) => {
      const expiresAt = c.expires[slot]!;
      return expiresAt > now && expiresAt >= validUntil;
    },
    isPriceOk: (slot: number) => {
      const price = c.price[slot]!;
      if (price < minPriceApprox || price > maxPriceApprox) return false;
      return !(
        (price === minPriceApprox && exactPrice(c, slot) < minPrice!) ||
        (price === maxPriceApprox && exactPrice(c, slot) > maxPrice!)
      );
    },
  };
}

export function scanSlots(options: {
  c: IndexColumns;
  slots: Uint32Array;
  count: number;
  filter: IndexFilter;
  now: number;
  need: number;
  order: SlotOrder;
  scoring: { scores: Float64Array; titleSets: SlotSet[] } | null;
}) {
  const { c, slots, count, filter, now, scoring } = options;
  const wanted = toWanted(filter);
  const range = createRangeTest(c, filter, now);
  const { minRecords, createdFrom } = range;
  const combos = new Uint32Array(DATA_TYPES.length * MASKS);
  const top = new TopSlots(options.need, options.order);
  let total = 0;
  for (let index = 0; index < count; index += 1) {
    const slot = slots[index]!;
    if (!range.isExpiryOk(slot)) continue;
    if (c.records[slot]! < minRecords || c.created[slot]! < createdFrom) continue;
    if (!range.isPriceOk(slot)) continue;
    const dataType = c.dataType[slot]!;
    const purposes = c.purposes[slot]!;
    combos[dataType * MASKS + purposes]! += 1;
    if (
      (wanted.dataType < 0 || dataType === wanted.dataType) &&
      (wanted.purposeBit === 0 || (purposes & wanted.purposeBit) !== 0)
    ) {
      total += 1;
      if (scoring) scoring.scores[slot] = scoreOf(scoring.titleSets, slot);
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
    if (wanted.purposeBit === 0 || (purposes & wanted.purposeBit) !== 0)
      dataTypeCounts[dataType]! += matches;
    if (wanted.dataType < 0 || dataType === wanted.dataType)
      PURPOSE_BITS.forEach((bit, purpose) => {
        if ((purposes & bit) !== 0) purposeCounts[purpose]! += matches;
      });
  }
  return { top: top.sorted(), total, facets: toFacets(dataTypeCounts, purposeCounts) };
}

/** Relevance: how many of the query's words the title holds (then newest first). */
export function scoreOf(titleSets: SlotSet[], slot: number): number {
  let score = 0;
  for (const set of titleSets) if (set.has(slot)) score += 1;
  return score;
}

export function toFacets(dataTypeCounts: number[], purposeCounts: number[]): CatalogueFacets {
  return {
    dataType: { CSV: dataTypeCounts[0]!, FHIR: dataTypeCounts[1]! },
    purpose: Object.fromEntries(
      PURPOSES.map((purpose, index) => [purpose.key, purposeCounts[index]!]),
    ) as CatalogueFacets["purpose"],
  };
}
