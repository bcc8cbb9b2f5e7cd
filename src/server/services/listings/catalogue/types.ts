import "server-only";
import type { PurposeKey } from "~/server/services/consent/purposes";

/** What the index holds of one listing the catalogue may show. */
export type CatalogueDoc = {
  id: string;
  title: string;
  description: string;
  conditions: string[];
  dataType: "CSV" | "FHIR";
  priceWei: bigint;
  recordCount: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Bitmask of allowed purposes. */
  purposes: number;
  /** When consent ends, in milliseconds since the epoch. */
  expiresAt: number;
  autoApprove: boolean;
  ownerName: string;
  trial: CatalogueTrial | null;
};

export type CatalogueTrial = { id: string; registryId: string; title: string };

/** A result card: what the catalogue page shows of a listing, straight from the index. */
export type CatalogueCard = {
  id: string;
  title: string;
  dataType: "CSV" | "FHIR";
  conditions: string[];
  recordCount: number;
  price: string;
  anchor: { status: "CONFIRMED" };
  ownerName: string;
  trial: CatalogueTrial | null;
  createdAt: Date;
  consent: { purposes: PurposeKey[]; expiresAt: Date; autoApprove: boolean };
};

export type CatalogueSort = "newest" | "relevance" | "price_asc" | "price_desc" | "records_desc";

export type IndexFilter = {
  query?: string;
  trialId?: string;
  condition?: string;
  dataType?: "CSV" | "FHIR";
  purpose?: PurposeKey;
  minPriceWei?: bigint;
  maxPriceWei?: bigint;
  minRecords?: number;
  publishedAfter?: Date;
  consentValidUntil?: Date;
};

export type CatalogueQuery = {
  filter: IndexFilter;
  sort: CatalogueSort;
  offset: number;
  limit: number;
  /** Only the total is wanted (a "drop this filter" hint): a broad search skips the facets. */
  totalOnly?: boolean;
};

export type CatalogueFacets = {
  dataType: { CSV: number; FHIR: number };
  purpose: Record<PurposeKey, number>;
};

export type CatalogueResult = {
  items: CatalogueCard[];
  total: number;
  facets: CatalogueFacets;
};

/** Per-slot columns, as typed arrays so a scan over a million slots stays cheap. */
export type IndexColumns = {
  ids: string[];
  created: Float64Array;
  /** Price in wei as the nearest double; `exactPrice` holds those a double cannot. */
  price: Float64Array;
  exactPrice: Map<number, bigint>;
  records: Float64Array;
  expires: Float64Array;
  dataType: Uint8Array;
  purposes: Uint8Array;
  autoApprove: Uint8Array;
  titles: string[];
  conditions: string[][];
  owners: string[];
  trials: (CatalogueTrial | null)[];
};
