import "server-only";
import { fromPurposeMask } from "~/server/services/consent/purposes";
import type { CatalogueCard, CatalogueDoc, CatalogueTrial, IndexColumns } from "./types";

/**
 * Per-slot storage of the catalogue index: numbers in typed arrays (a scan over a million
 * slots stays cheap), texts that repeat (owners, trials, condition names) shared, and the
 * result card built from them, so a search needs no database read.
 */
export const DATA_TYPES = ["CSV", "FHIR"] as const;
const WEI_PER_TOKEN = 10n ** 18n;

/**
 * ethers' `formatUnits(wei, 18)` ("12.5", "3.0"), written directly: through ethers' FixedNumber
 * it was a few percent of a search's CPU (20 cards a page). index-columns.test.ts compares both.
 */
export function formatWei(wei: bigint): string {
  const sign = wei < 0n ? "-" : "";
  const size = wei < 0n ? -wei : wei;
  const fraction = (size % WEI_PER_TOKEN).toString().padStart(18, "0").replace(/0+$/, "");
  return `${sign}${size / WEI_PER_TOKEN}.${fraction || "0"}`;
}

function grow<T extends Float64Array | Uint8Array>(array: T, size: number): T {
  if (size <= array.length) return array;
  const grown = new (array.constructor as new (length: number) => T)(
    Math.max(size, array.length * 2),
  );
  grown.set(array);
  return grown;
}

export function createColumns(): IndexColumns {
  return {
    ids: [],
    created: new Float64Array(1024),
    price: new Float64Array(1024),
    exactPrice: new Map(),
    records: new Float64Array(1024),
    expires: new Float64Array(1024),
    dataType: new Uint8Array(1024),
    purposes: new Uint8Array(1024),
    autoApprove: new Uint8Array(1024),
    titles: [],
    conditions: [],
    owners: [],
    trials: [],
  };
}

/** One copy of each repeated text or trial, however many listings name it. */
export class Interner {
  private readonly texts = new Map<string, string>();
  private readonly trials = new Map<string, CatalogueTrial>();

  text(value: string): string {
    const known = this.texts.get(value);
    if (known !== undefined) return known;
    this.texts.set(value, value);
    return value;
  }

  trial(trial: CatalogueTrial | null): CatalogueTrial | null {
    if (!trial) return null;
    const known = this.trials.get(trial.id);
    if (known && known.title === trial.title && known.registryId === trial.registryId) return known;
    this.trials.set(trial.id, trial);
    return trial;
  }
}

export function writeSlot(c: IndexColumns, slot: number, doc: CatalogueDoc, shared: Interner) {
  const size = slot + 1;
  c.created = grow(c.created, size);
  c.price = grow(c.price, size);
  c.records = grow(c.records, size);
  c.expires = grow(c.expires, size);
  c.dataType = grow(c.dataType, size);
  c.purposes = grow(c.purposes, size);
  c.autoApprove = grow(c.autoApprove, size);
  c.ids[slot] = doc.id;
  c.created[slot] = doc.createdAt;
  const price = Number(doc.priceWei);
  c.price[slot] = price;
  // Compared and shown exactly even when a double cannot hold the price.
  if (BigInt(price) !== doc.priceWei) c.exactPrice.set(slot, doc.priceWei);
  c.records[slot] = doc.recordCount;
  c.expires[slot] = doc.expiresAt;
  c.dataType[slot] = DATA_TYPES.indexOf(doc.dataType);
  c.purposes[slot] = doc.purposes;
  c.autoApprove[slot] = doc.autoApprove ? 1 : 0;
  c.titles[slot] = doc.title;
  c.conditions[slot] = doc.conditions.map((condition) => shared.text(condition));
  c.owners[slot] = shared.text(doc.ownerName);
  c.trials[slot] = shared.trial(doc.trial);
}

export function exactPrice(c: IndexColumns, slot: number): bigint {
  return c.exactPrice.get(slot) ?? BigInt(c.price[slot]!);
}

export function toCard(c: IndexColumns, slot: number): CatalogueCard {
  return {
    id: c.ids[slot]!,
    title: c.titles[slot]!,
    dataType: DATA_TYPES[c.dataType[slot]!]!,
    conditions: c.conditions[slot]!,
    recordCount: c.records[slot]!,
    price: formatWei(exactPrice(c, slot)),
    anchor: { status: "CONFIRMED" },
    ownerName: c.owners[slot]!,
    trial: c.trials[slot]!,
    createdAt: new Date(c.created[slot]!),
    consent: {
      purposes: fromPurposeMask(c.purposes[slot]!),
      expiresAt: new Date(c.expires[slot]!),
      autoApprove: c.autoApprove[slot] === 1,
    },
  };
}
